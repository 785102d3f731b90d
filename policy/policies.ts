/**
 * The CrossGuard policies (SPEC R7.2). Pure definitions: `index.ts` serves them as a pack; the tests call
 * `validateResource` / `validateStack` directly. Image checks use the platform's one image-reference matcher,
 * the same expressions the Kyverno ClusterPolicies evaluate in the cluster.
 */
import {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Secret,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { checkImage, isValidRegistryEntry } from "../components/policy/image-ref";

export const POLICY = {
  noLatest: "no-latest-images",
  registries: "allowed-registries",
  buckets: "s3-bucket-protection",
  insecure: "no-insecure-tls-in-production",
} as const;

/**
 * Pod-spec locations by workload kind: the kinds the ClusterPolicies cover, and ReplicationController (in the
 * cluster Kyverno judges its Pods; here its template is all there is).
 */
const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
};
const CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"] as const;
/** `kubernetes:<group>/<version>:<Kind>` and `<Kind>Patch`. */
const WORKLOAD_TYPE =
  /^kubernetes:(?:core|apps|batch|extensions)\/[a-z0-9]+:(Pod|Deployment|StatefulSet|DaemonSet|ReplicaSet|Job|CronJob|ReplicationController)(?:Patch)?$/;
const HELM_VALUES_TYPES = new Set(["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"]);

/** A value as the policy sees it: secrets are unwrapped (we read, never print, them). */
function plain(v: unknown): unknown {
  return v instanceof Secret ? plain(v.value) : v;
}

function at(obj: unknown, path: readonly string[]): unknown {
  let cur = plain(obj);
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = plain((cur as Record<string, unknown>)[p]);
  }
  return cur;
}

export interface FoundImage {
  /** Where it was found, e.g. `spec.template.spec.initContainers[0].image`. */
  where: string;
  image: string;
  /** From Helm values whose `tag` the chart may default (only the registry can be judged). */
  partial?: boolean;
}

/** Images of a workload resource's pod spec (containers, init and ephemeral containers). */
export function workloadImages(type: string, props: Record<string, unknown>): FoundImage[] | undefined {
  const m = WORKLOAD_TYPE.exec(type);
  if (!m) return undefined;
  const specPath = POD_SPEC_PATHS[m[1]];
  const spec = at(props, specPath);
  const out: FoundImage[] = [];
  for (const list of CONTAINER_LISTS) {
    const cs = at(spec, [list]);
    if (!Array.isArray(cs)) continue;
    cs.forEach((c, i) => {
      const image = at(c, ["image"]);
      if (typeof image === "string") out.push({ where: `${specPath.join(".")}.${list}[${i}].image`, image });
    });
  }
  return out;
}

/**
 * The repository of an `image: {...}` values object: `repository` (most charts) or `image` (ingress-nginx's
 * `{registry, image, tag, digest}`); undefined when neither is a string.
 */
function imageObjectName(x: object): string | undefined {
  const name = at(x, ["repository"]) ?? at(x, ["image"]);
  return typeof name === "string" ? name : undefined;
}

/**
 * Images written in Helm values: every `image: "<ref>"` string, and every `image: {registry?, repository,
 * tag?, digest?}` object (`image` in place of `repository` too, as ingress-nginx writes it). A top-level
 * `global.imageRegistry` (the Bitnami convention, also kube-prometheus-stack's) replaces the objects' registry,
 * as those charts render it; image strings are taken as written. What cannot be seen: images the chart takes from its own defaults (its
 * appVersion), images assembled by templates from other keys, and values unknown during preview.
 */
export function helmValuesImages(values: unknown, where = "values"): FoundImage[] {
  const global = at(values, ["global", "imageRegistry"]);
  return valuesImages(values, where, typeof global === "string" && global !== "" ? global : undefined);
}

/** {@link helmValuesImages} below `where`; `globalRegistry` replaces the `registry` of image objects. */
function valuesImages(values: unknown, where: string, globalRegistry: string | undefined): FoundImage[] {
  const out: FoundImage[] = [];
  const v = plain(values);
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...valuesImages(x, `${where}[${i}]`, globalRegistry)));
  else if (v !== null && typeof v === "object") {
    for (const [k, raw] of Object.entries(v as Record<string, unknown>)) {
      const x = plain(raw);
      const here = `${where}.${k}`;
      if (k === "image" && typeof x === "string") out.push({ where: here, image: x });
      else if (k === "image" && x !== null && typeof x === "object" && imageObjectName(x) !== undefined) {
        const registry = globalRegistry ?? at(x, ["registry"]);
        const tag = at(x, ["tag"]);
        const digest = at(x, ["digest"]);
        const repo = `${typeof registry === "string" && registry !== "" ? `${registry}/` : ""}${imageObjectName(x)}`;
        const hasTag = typeof tag === "string" && tag !== "";
        const hasDigest = typeof digest === "string" && digest !== "";
        out.push({
          where: here,
          image: `${repo}${hasTag ? `:${tag}` : ""}${hasDigest ? `@${digest}` : ""}`,
          ...(hasTag || hasDigest ? {} : { partial: true }),
        });
      } else out.push(...valuesImages(x, here, globalRegistry));
    }
  }
  return out;
}

/** The images a resource declares, or undefined when the resource has none we can see. */
export function resourceImages(type: string, props: Record<string, unknown>): FoundImage[] | undefined {
  const w = workloadImages(type, props);
  if (w) return w;
  if (HELM_VALUES_TYPES.has(type)) return helmValuesImages(props.values);
  return undefined;
}

export const noLatestImages: ResourceValidationPolicy = {
  name: POLICY.noLatest,
  description:
    "No workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, ReplicationController; containers, init and ephemeral containers) or Helm values may use an invalid image reference, an image without tag or digest, or the tag latest.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    for (const f of resourceImages(args.type, args.props) ?? []) {
      if (f.partial) continue; // the chart supplies the tag: not visible here
      for (const v of checkImage(f.image)) report(`${f.where}: ${v.message}`);
    }
  },
};

export interface RegistriesConfig {
  /** Allowed registries, `host[:port][/path-prefix]` (the platform registry included). */
  allowedRegistries?: string[];
}

export const allowedRegistries: ResourceValidationPolicy = {
  name: POLICY.registries,
  description:
    "Workload and Helm-values images come only from the allowed registries (pack config allowedRegistries).",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: {
    properties: {
      allowedRegistries: {
        type: "array",
        items: { type: "string" },
        default: [],
        description:
          "registries (host[:port][/path-prefix]) images may come from, e.g. the platform registry",
      },
    },
  },
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    const images = resourceImages(args.type, args.props);
    if (!images) return;
    const cfg = args.getConfig<RegistriesConfig>();
    const entries = registriesFromConfig(cfg);
    for (const f of images)
      for (const v of checkImage(f.image, { allowedRegistries: entries }))
        if (v.rule === "allowed-registry") report(`${f.where}: ${v.message}`);
  },
};

/** Validates the pack config; a bad allow-list is an error naming the key, not a silent pass. */
export function registriesFromConfig(cfg: RegistriesConfig): string[] {
  const list = cfg.allowedRegistries ?? [];
  const bad = list.filter((e) => !isValidRegistryEntry(e));
  if (bad.length > 0)
    throw new Error(
      `${POLICY.registries}.allowedRegistries: found ${JSON.stringify(bad)}; allowed: lowercase registry host[:port][/path-prefix] entries such as "registry.example.com" or "ghcr.io/acme"`,
    );
  // The policy only runs when it is not "disabled": an empty list would refuse every image.
  if (list.length === 0)
    throw new Error(
      `${POLICY.registries}.allowedRegistries: found []; allowed: at least one registry while the policy is enforced (set it with --policy-pack-config, or set the policy to "disabled")`,
    );
  return list;
}

export const BUCKET_CHECKS = ["versioning", "objectLock", "encryption", "publicAccessBlock"] as const;
export type BucketCheck = (typeof BUCKET_CHECKS)[number];

export interface BucketExemption {
  /** Regular expression of the bucket's resource name. */
  name: string;
  /** Why (shown nowhere else: the config is the record). */
  reason: string;
  /** The checks waived; default all. */
  checks?: BucketCheck[];
  /** Regular expression of the stacks it applies to; default all. */
  stacks?: string;
}

export interface BucketConfig {
  exemptBuckets?: BucketExemption[];
}

const BUCKET = "aws:s3/bucket:Bucket";
const BUCKET_V2 = "aws:s3/bucketV2:BucketV2";
const VERSIONING = new Set([
  "aws:s3/bucketVersioning:BucketVersioning",
  "aws:s3/bucketVersioningV2:BucketVersioningV2",
]);
const LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration";
const LOCK_V2 = "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2";
const SSE = new Set([
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
]);
const PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";

/** The resources that configure `bucket` (through their `bucket` input). */
function configuring(resources: PolicyResource[], bucket: PolicyResource): PolicyResource[] {
  const name = plain(bucket.props.bucket);
  return resources.filter(
    (r) =>
      r !== bucket &&
      ((r.propertyDependencies?.bucket ?? []).some((d) => d.urn === bucket.urn) ||
        (typeof name === "string" && plain(r.props.bucket) === name)),
  );
}

export const s3BucketProtection: StackValidationPolicy = {
  name: POLICY.buckets,
  description:
    "Every S3 bucket is versioned, has Object Lock enabled, default encryption and a public access block with all four settings on.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: {
    properties: {
      exemptBuckets: {
        type: "array",
        items: {
          type: "object",
          properties: {
            name: { type: "string" },
            reason: { type: "string" },
            checks: { type: "array", items: { type: "string", enum: [...BUCKET_CHECKS] } },
            stacks: { type: "string" },
          },
          required: ["name", "reason"],
        },
        default: [],
        description:
          "buckets (resource-name regular expressions) exempt from some or all checks, with the reason, optionally only in some stacks (e.g. S3 access-log targets cannot use Object Lock; MinIO has no public access block)",
      },
    },
  },
  validateStack: (args: StackValidationArgs, report: ReportViolation) => {
    const cfg = args.getConfig<BucketConfig>();
    const rs = args.resources;
    for (const b of rs.filter((r) => r.type === BUCKET || r.type === BUCKET_V2)) {
      const waived = new Set<BucketCheck>();
      for (const e of cfg.exemptBuckets ?? [])
        if (new RegExp(e.name).test(b.name) && (!e.stacks || new RegExp(e.stacks).test(stackOfUrn(b.urn))))
          for (const c of e.checks ?? BUCKET_CHECKS) waived.add(c);
      const conf = configuring(rs, b);
      const has = (pred: (r: PolicyResource) => boolean) => conf.some(pred);
      if (
        !waived.has("versioning") &&
        !has(
          (r) => VERSIONING.has(r.type) && at(r.props, ["versioningConfiguration", "status"]) === "Enabled",
        )
      )
        report(
          `bucket ${b.name}: versioning is not enabled (add a BucketVersioning with status "Enabled")`,
          b.urn,
        );
      const lockOnBucket = plain(b.props.objectLockEnabled) === true;
      if (
        !waived.has("objectLock") &&
        !lockOnBucket &&
        !has((r) => (r.type === LOCK || r.type === LOCK_V2) && plain(r.props.objectLockEnabled) === "Enabled")
      )
        report(`bucket ${b.name}: Object Lock is not enabled (objectLockEnabled: true at creation)`, b.urn);
      if (!waived.has("encryption") && !has((r) => SSE.has(r.type)))
        report(
          `bucket ${b.name}: no default encryption (add a BucketServerSideEncryptionConfiguration)`,
          b.urn,
        );
      const pab = conf.find((r) => r.type === PAB);
      const flags = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
      if (waived.has("publicAccessBlock")) continue;
      if (!pab) report(`bucket ${b.name}: no public access block`, b.urn);
      else {
        const off = flags.filter((f) => plain(pab.props[f]) !== true);
        if (off.length > 0)
          report(`bucket ${b.name}: public access block leaves ${off.join(", ")} off`, b.urn);
      }
    }
  },
};

export interface InsecureConfig {
  /** Regular expression of production stack names. Default `^prod`. */
  productionStacks?: string;
}

/** Keys that switch off TLS verification (compared without case, dashes and underscores). */
const INSECURE_KEYS = new Set([
  "insecure",
  "skiptlsverify",
  "insecureskiptlsverify",
  "tlsinsecureskipverify",
  "insecureskipverify",
  "skipverify",
  "skipsslverify",
  "allowinsecureregistry",
  "verifytls",
]);
const normKey = (k: string) => k.toLowerCase().replace(/[-_]/g, "");

/** Paths of insecure settings in a value: `insecure: true`-like keys and kubeconfig text saying so. */
export function insecureSettings(value: unknown, where = ""): string[] {
  const v = plain(value);
  const out: string[] = [];
  if (typeof v === "string") {
    if (
      /insecure-skip-tls-verify:\s*["']?true/i.test(v) ||
      /--insecure(?:-skip-tls-verify)?(?:=true)?(?:\s|$)/.test(v)
    )
      out.push(where || "(value)");
  } else if (Array.isArray(v)) v.forEach((x, i) => out.push(...insecureSettings(x, `${where}[${i}]`)));
  else if (v !== null && typeof v === "object")
    for (const [k, raw] of Object.entries(v as Record<string, unknown>)) {
      const x = plain(raw);
      const here = where ? `${where}.${k}` : k;
      const nk = normKey(k);
      if (nk === "verifytls") {
        if (x === false || x === "false") out.push(here);
      } else if (INSECURE_KEYS.has(nk) && (x === true || x === "true")) out.push(here);
      else out.push(...insecureSettings(x, here));
    }
  return out;
}

/** The stack name in a resource URN (`urn:pulumi:<stack>::<project>::...`). */
export function stackOfUrn(urn: string): string {
  return /^urn:pulumi:([^:]+)::/.exec(urn)?.[1] ?? "";
}

export const noInsecureTls: ResourceValidationPolicy = {
  name: POLICY.insecure,
  description:
    "In production stacks, no resource or provider may turn off TLS verification (insecure, skipTLSVerify, insecure-skip-tls-verify and the like).",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: {
    properties: {
      productionStacks: {
        type: "string",
        default: "^prod",
        description: "regular expression of production stack names",
      },
    },
  },
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    const cfg = args.getConfig<InsecureConfig>();
    if (!new RegExp(cfg.productionStacks ?? "^prod").test(stackOfUrn(args.urn))) return;
    for (const where of insecureSettings(args.props))
      report(`${where}: TLS verification must stay on in production`);
    // Providers (e.g. a kubernetes provider with an insecure kubeconfig) are checked as resources too.
  },
};

export const policies = [noLatestImages, allowedRegistries, s3BucketProtection, noInsecureTls];
