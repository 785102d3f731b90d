/**
 * Kyverno `ClusterPolicy` objects (kyverno.io/v1, Kyverno 1.19) generated from typed TypeScript (SPEC R7.1).
 * Pure: the component turns each into a `CustomResource`, the tests render them to YAML for the real Kyverno
 * CLI, the e2e harness dry-runs them against an API server with Kyverno's CRDs.
 *
 * Every validate rule is written out for three places a pod spec lives — Pods (`spec`), the pod templates of
 * Deployments, StatefulSets, DaemonSets, ReplicaSets and Jobs (`spec.template.spec`), CronJobs
 * (`spec.jobTemplate.spec.template.spec`) — and checks containers, init containers and ephemeral containers.
 * Kyverno's automatic rule generation for controllers is switched off so what runs is what is written here.
 * The checks are the matcher's regular expressions (`image-ref.ts`), evaluated with Kyverno's `regex_match`.
 */
import {
  registryHostRegex,
  HAS_DIGEST_RE,
  HAS_TAG_RE,
  LATEST_TAG_RE,
  REFERENCE_RE,
  registryEntryRegex,
  SHA256_DIGEST_RE,
} from "./image-ref";

export const FAILURE_ACTIONS = ["Enforce", "Audit"] as const;
export type FailureAction = (typeof FAILURE_ACTIONS)[number];
export const FAILURE_POLICIES = ["Fail", "Ignore"] as const;
export type FailurePolicy = (typeof FAILURE_POLICIES)[number];

/** A kyverno.io/v1 ClusterPolicy (the subset we write). */
export interface ClusterPolicy {
  apiVersion: "kyverno.io/v1";
  kind: "ClusterPolicy";
  metadata: { name: string; annotations: Record<string, string>; labels: Record<string, string> };
  spec: {
    background: boolean;
    admission: boolean;
    webhookConfiguration: { failurePolicy: FailurePolicy; timeoutSeconds: number };
    rules: KyvernoRule[];
  };
}

interface ResourceFilter {
  resources: {
    kinds: string[];
    namespaces?: string[];
    namespaceSelector?: {
      matchExpressions: { key: string; operator: "In" | "NotIn" | "Exists"; values?: string[] }[];
    };
  };
}

export interface Condition {
  key: string;
  operator: "Equals" | "NotEquals" | "AnyIn" | "AllNotIn";
  value: unknown;
}

export interface KyvernoRule {
  name: string;
  match: { any: ResourceFilter[] };
  exclude?: { any: ResourceFilter[] };
  validate?: {
    failureAction: FailureAction;
    message: string;
    foreach: { list: string; deny: { conditions: { any: Condition[] } } }[];
  };
  verifyImages?: VerifyImage[];
}

export interface VerifyImage {
  imageReferences: string[];
  failureAction: FailureAction;
  mutateDigest: boolean;
  verifyDigest: boolean;
  required: boolean;
  imageRegistryCredentials?: { secrets: string[] };
  attestors: { count: number; entries: AttestorEntry[] }[];
}

export type AttestorEntry =
  | { keys: { publicKeys: string; rekor: { ignoreTlog: true }; ctlog: { ignoreSCT: true } } }
  | { keys: { publicKeys: string; rekor: { url: string } } }
  | { keyless: { issuer: string; subject: string; rekor: { url: string } } };

/** Where pod specs live, by kind. */
export const POD_SPEC_LOCATIONS = [
  { id: "pods", kinds: ["Pod"], spec: "request.object.spec" },
  {
    id: "pod-templates",
    kinds: ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"],
    spec: "request.object.spec.template.spec",
  },
  { id: "cronjobs", kinds: ["CronJob"], spec: "request.object.spec.jobTemplate.spec.template.spec" },
] as const;

export const WORKLOAD_KINDS = POD_SPEC_LOCATIONS.flatMap((l) => [...l.kinds]);
export const CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"] as const;
export type ContainerList = (typeof CONTAINER_LISTS)[number];

export interface SignatureVerification {
  /** Image patterns (Kyverno wildcards) of the signed projects, e.g. `registry.example.com/apps/*`. */
  imageReferences: string[];
  /** A cosign public key (PEM), or a keyless identity. */
  attestor:
    | { kind: "key"; publicKeyPem: string; rekorUrl?: string }
    | { kind: "keyless"; issuer: string; subject: string; rekorUrl: string };
  /** Names of dockerconfigjson Secrets in Kyverno's namespace used to read signatures from the registry. */
  registrySecrets: string[];
}

export interface ClusterPolicyOptions {
  /** The platform registry `host[:port]`; always allowed. */
  registryHost: string;
  /** Further allowed registries (`host[:port][/path-prefix]`). */
  allowedRegistries: readonly string[];
  /** `Enforce` blocks admission; `Audit` only reports. */
  failureAction: FailureAction;
  /** The webhook's failure policy when Kyverno is unreachable. */
  failurePolicy: FailurePolicy;
  /** Namespaces no policy applies to (kube-system, the platform's own). */
  excludedNamespaces: readonly string[];
  /**
   * Namespaces where digests are required: those whose label `key` has value `value`. Undefined: every
   * namespace not excluded.
   */
  digestNamespaceLabel?: { key: string; value: string };
  /** Cosign verification of the signed projects; undefined: no signature policy. */
  signatures?: SignatureVerification;
  /** Webhook timeout (seconds); signature checks call the registry. Default 15. */
  webhookTimeoutSeconds?: number;
}

export const POLICY_NAMES = {
  references: "image-references",
  digests: "require-image-digests",
  registries: "allowed-image-registries",
  signatures: "verify-image-signatures",
} as const;

const CATEGORY = "registry-platform image policy";

function policy(
  name: string,
  title: string,
  description: string,
  o: ClusterPolicyOptions,
  rules: KyvernoRule[],
): ClusterPolicy {
  return {
    apiVersion: "kyverno.io/v1",
    kind: "ClusterPolicy",
    metadata: {
      name,
      annotations: {
        "policies.kyverno.io/title": title,
        "policies.kyverno.io/category": CATEGORY,
        "policies.kyverno.io/subject": "Pod",
        "policies.kyverno.io/description": description,
        // Rules for controllers are written out below; no automatic generation.
        "pod-policies.kyverno.io/autogen-controllers": "none",
      },
      labels: { "app.kubernetes.io/part-of": "registry-platform" },
    },
    spec: {
      // Background scans write policy reports for what already runs.
      background: true,
      admission: true,
      webhookConfiguration: { failurePolicy: o.failurePolicy, timeoutSeconds: o.webhookTimeoutSeconds ?? 15 },
      rules,
    },
  };
}

/** `regex_match(re, element.image)` is `false` (the image does not match). */
const notMatching = (re: string): Condition => ({
  key: `{{ regex_match('${re}', element.image) }}`,
  operator: "Equals",
  value: false,
});
const matching = (re: string): Condition => ({
  key: `{{ regex_match('${re}', element.image) }}`,
  operator: "Equals",
  value: true,
});

/** One validate rule per pod-spec location, denying an image when any condition holds. */
function imageRules(
  base: string,
  o: ClusterPolicyOptions,
  message: string,
  conditions: Condition[],
  namespaceSelector?: ResourceFilter["resources"]["namespaceSelector"],
): KyvernoRule[] {
  return POD_SPEC_LOCATIONS.map((loc) => ({
    name: `${base}-${loc.id}`,
    match: {
      any: [{ resources: { kinds: [...loc.kinds], ...(namespaceSelector ? { namespaceSelector } : {}) } }],
    },
    ...exclusion(o),
    validate: {
      failureAction: o.failureAction,
      message,
      foreach: [
        {
          list: `${loc.spec}.[containers, initContainers, ephemeralContainers][]`,
          deny: { conditions: { any: conditions } },
        },
      ],
    },
  }));
}

function exclusion(o: ClusterPolicyOptions): Pick<KyvernoRule, "exclude"> {
  return o.excludedNamespaces.length > 0
    ? {
        exclude: {
          any: [{ resources: { kinds: [...WORKLOAD_KINDS], namespaces: [...o.excludedNamespaces] } }],
        },
      }
    : {};
}

/** The allowed registries: the platform registry first, then the allow-list, without duplicates. */
export function allowedRegistryEntries(
  o: Pick<ClusterPolicyOptions, "registryHost" | "allowedRegistries">,
): string[] {
  return [...new Set([o.registryHost.toLowerCase(), ...o.allowedRegistries])];
}

/** Every ClusterPolicy of the image policy, in a stable order. */
export function clusterPolicies(o: ClusterPolicyOptions): ClusterPolicy[] {
  const out: ClusterPolicy[] = [
    policy(
      POLICY_NAMES.references,
      "Well-formed, tagged images; no latest",
      "Every container, init container and ephemeral container image must be a valid reference with a tag or a digest, and the tag must not be latest.",
      o,
      [
        ...imageRules(
          "valid-reference",
          o,
          "The image is not a valid reference ([registry[:port]/]path[:tag][@digest], lowercase path).",
          [notMatching(REFERENCE_RE)],
        ),
        ...imageRules(
          "no-latest",
          o,
          'The image tag "latest" is mutable; use a release tag (vX.Y.Z) or a digest.',
          [matching(LATEST_TAG_RE)],
        ),
        ...imageRules(
          "tag-or-digest",
          o,
          'The image has neither a tag nor a digest (it would pull "latest").',
          [
            {
              key: `{{ regex_match('${HAS_TAG_RE}', element.image) || regex_match('${HAS_DIGEST_RE}', element.image) }}`,
              operator: "Equals",
              value: false,
            },
          ],
        ),
      ],
    ),
    policy(
      POLICY_NAMES.digests,
      "Images pinned by digest",
      o.digestNamespaceLabel
        ? `In namespaces labelled ${o.digestNamespaceLabel.key}=${o.digestNamespaceLabel.value}, every image must be pinned by digest (@sha256:).`
        : "Every image must be pinned by digest (@sha256:).",
      o,
      imageRules(
        "require-digest",
        o,
        "The image must be pinned by digest (image@sha256:<64 hex>).",
        [notMatching(SHA256_DIGEST_RE)],
        o.digestNamespaceLabel
          ? {
              matchExpressions: [
                { key: o.digestNamespaceLabel.key, operator: "In", values: [o.digestNamespaceLabel.value] },
              ],
            }
          : undefined,
      ),
    ),
    policy(
      POLICY_NAMES.registries,
      "Images only from allowed registries",
      "Images must come from the platform registry or the configured allow-list.",
      o,
      imageRules("allowed-registry", o, `Images must come from: ${allowedRegistryEntries(o).join(", ")}.`, [
        {
          key: `{{ ${allowedRegistryEntries(o)
            .map((e) => `regex_match('${registryEntryRegex(e)}', element.image)`)
            .join(" || ")} }}`,
          operator: "Equals",
          value: false,
        },
      ]),
    ),
  ];
  if (o.signatures) out.push(signaturePolicy(o, o.signatures));
  return out;
}

function signaturePolicy(o: ClusterPolicyOptions, s: SignatureVerification): ClusterPolicy {
  const a = s.attestor;
  const entry: AttestorEntry =
    a.kind === "keyless"
      ? { keyless: { issuer: a.issuer, subject: a.subject, rekor: { url: a.rekorUrl } } }
      : a.rekorUrl
        ? { keys: { publicKeys: a.publicKeyPem, rekor: { url: a.rekorUrl } } }
        : // A private, air-gapped registry has no transparency log to consult.
          { keys: { publicKeys: a.publicKeyPem, rekor: { ignoreTlog: true }, ctlog: { ignoreSCT: true } } };
  const verify: VerifyImage = {
    imageReferences: [...s.imageReferences],
    failureAction: o.failureAction,
    // Kyverno refuses mutateDigest with Audit; in Enforce, what runs is the digest that was verified.
    mutateDigest: o.failureAction === "Enforce",
    verifyDigest: true,
    required: true,
    ...(s.registrySecrets.length > 0
      ? { imageRegistryCredentials: { secrets: [...s.registrySecrets] } }
      : {}),
    attestors: [{ count: 1, entries: [entry] }],
  };
  // Kyverno matches imageReferences case-sensitively, while registry host names are not (the other policies
  // admit `REGISTRY.EXAMPLE.COM/...`): such a spelling would skip the signature check. Refuse it.
  const host = o.registryHost.toLowerCase();
  const hostCase = imageRules(
    "registry-host-case",
    o,
    `Write the platform registry as ${host} (lowercase): signatures are verified for that spelling only.`,
    [
      {
        key: `{{ regex_match('${registryHostRegex(host, true)}', element.image) && !regex_match('${registryHostRegex(host, false)}', element.image) }}`,
        operator: "Equals",
        value: true,
      },
    ],
  );
  return policy(
    POLICY_NAMES.signatures,
    "Signed images from the platform registry",
    "Images of the platform registry's signed projects must carry a valid cosign signature; tags are replaced by the verified digest. The platform registry must be written in lowercase.",
    { ...o, webhookTimeoutSeconds: Math.max(o.webhookTimeoutSeconds ?? 15, 30) },
    [
      {
        name: "verify-cosign-signature",
        match: { any: [{ resources: { kinds: [...WORKLOAD_KINDS] } }] },
        ...exclusion(o),
        verifyImages: [verify],
      },
      ...hostCase,
    ],
  );
}
