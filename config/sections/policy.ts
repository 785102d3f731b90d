import { createPublicKey } from "crypto";
import { z } from "zod";
import { FAILURE_ACTIONS, FAILURE_POLICIES } from "../../components/policy/cluster-policies";
import { isValidRegistryEntry } from "../../components/policy/image-ref";
import { k8sNameSchema } from "./common";

/** `key=value` of a namespace label (Kubernetes label key and value syntax). */
const labelSelector = z
  .string()
  .regex(
    /^([a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?=[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/,
    {
      message: "a namespace label key=value, such as registry-platform/require-digest=true",
    },
  );

const registryEntry = z.string().refine(isValidRegistryEntry, {
  message:
    "a lowercase registry host[:port], optionally with a path prefix, such as ghcr.io/acme or registry.k8s.io",
});

/** `registry-platform:policy` — image policy in the cluster with Kyverno (SPEC R7.1). */
export const policySection = z
  .strictObject({
    /** Install Kyverno and the image ClusterPolicies. Default true. */
    enabled: z.boolean().default(true),
    /** Kyverno's namespace. Default `kyverno`. */
    namespace: k8sNameSchema.default("kyverno"),
    /** `Enforce` blocks non-compliant workloads, `Audit` reports them. Default `Enforce` in prod, else `Audit`. */
    failureAction: z.enum(FAILURE_ACTIONS).optional(),
    /** Webhook failure policy when Kyverno is down: `Fail` or `Ignore`. Default `Fail` in prod, else `Ignore`. */
    failurePolicy: z.enum(FAILURE_POLICIES).optional(),
    /** Admission controller replicas. Default 3 in prod (at least 3 there), 1 elsewhere. */
    admissionReplicas: z.number().int().min(1).max(15).optional(),
    /**
     * Namespaces no policy applies to. Default `[kube-system]`; the platform's own namespaces (Kyverno, Harbor,
     * Velero, kubernetes.systemNamespace) are always added.
     */
    excludedNamespaces: z.array(k8sNameSchema).default(["kube-system"]),
    /** Registries allowed besides the platform registry: `host[:port][/path-prefix]`. Default none. */
    allowedRegistries: z.array(registryEntry).default([]),
    /** Require digests only in namespaces with this label (`key=value`). Default: every namespace not excluded. */
    digestNamespaceLabel: labelSelector.optional(),
    /** Cosign signature verification of the platform registry's signed projects. Default off. */
    signatures: z
      .strictObject({
        /** cosign public key (PEM, `-----BEGIN PUBLIC KEY-----`). Exclusive with `keyless`. */
        publicKey: z.string().optional(),
        /** Keyless (Fulcio) identity. Exclusive with `publicKey`. */
        keyless: z
          .strictObject({
            issuer: z.string().regex(/^https?:\/\/[^\s/?#]+(\/\S*)?$/, {
              message:
                "an http(s) URL of the OIDC issuer, such as https://token.actions.githubusercontent.com",
            }),
            subject: z.string().min(1),
          })
          .optional(),
        /** Rekor transparency log; default none with a key (air-gapped), https://rekor.sigstore.dev keyless. */
        rekorUrl: z
          .string()
          .regex(/^https:\/\/\S+$/, { message: "an https URL" })
          .optional(),
        /** Harbor projects whose images must be signed. Default: harborConfig projects with `cosign: true`. */
        projects: z
          .array(z.string().regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, { message: "a Harbor project name" }))
          .optional(),
      })
      .optional(),
  })
  .prefault({});

export type PolicySection = z.output<typeof policySection>;

/** The environment-dependent defaults of the section. */
export function resolvedPolicyModes(
  p: PolicySection,
  isProduction: boolean,
): { failureAction: "Enforce" | "Audit"; failurePolicy: "Fail" | "Ignore"; admissionReplicas: number } {
  return {
    failureAction: p.failureAction ?? (isProduction ? "Enforce" : "Audit"),
    failurePolicy: p.failurePolicy ?? (isProduction ? "Fail" : "Ignore"),
    admissionReplicas: p.admissionReplicas ?? (isProduction ? 3 : 1),
  };
}

/** The Harbor projects whose images must be signed: configured, else the harborConfig projects with cosign. */
export function signedProjects(
  p: PolicySection,
  harborProjects: readonly { name: string; cosign: boolean }[],
): string[] {
  return p.signatures?.projects ?? harborProjects.filter((h) => h.cosign).map((h) => h.name);
}

/** A PEM public key that Node can load (cosign writes `-----BEGIN PUBLIC KEY-----`). */
export function isPublicKeyPem(pem: string): boolean {
  if (!/^\s*-----BEGIN PUBLIC KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END PUBLIC KEY-----\s*$/.test(pem))
    return false;
  try {
    createPublicKey(pem);
    return true;
  } catch {
    return false;
  }
}

/** Rules of the section that span keys or depend on the environment; paths are relative to the namespace. */
export function policyIssues(
  p: PolicySection,
  ctx: { isProduction: boolean; host: string; harborProjects: readonly { name: string; cosign: boolean }[] },
): { path: PropertyKey[]; found: unknown; described?: string; allowed: string }[] {
  const out: { path: PropertyKey[]; found: unknown; described?: string; allowed: string }[] = [];
  if (!p.enabled) return out;
  const modes = resolvedPolicyModes(p, ctx.isProduction);
  if (ctx.isProduction && modes.admissionReplicas < 3)
    out.push({
      path: ["policy", "admissionReplicas"],
      found: modes.admissionReplicas,
      allowed: 'a whole number >= 3 when environment is "prod" (Kyverno admission HA)',
    });
  if (modes.failureAction === "Enforce" && p.allowedRegistries.length === 0)
    out.push({
      path: ["policy", "allowedRegistries"],
      found: [],
      allowed: `at least one registry when policy.failureAction is "Enforce" (images of the cluster's add-ons would be refused); to allow only the platform registry, list it: ["${ctx.host}"]`,
    });
  const s = p.signatures;
  if (s) {
    if (s.publicKey !== undefined && s.keyless !== undefined)
      out.push({
        path: ["policy", "signatures"],
        found: undefined,
        described: "both publicKey and keyless",
        allowed: "exactly one of publicKey or keyless",
      });
    if (s.publicKey === undefined && s.keyless === undefined)
      out.push({
        path: ["policy", "signatures"],
        found: undefined,
        described: "neither publicKey nor keyless",
        allowed: "exactly one of publicKey or keyless",
      });
    if (s.publicKey !== undefined && !isPublicKeyPem(s.publicKey))
      out.push({
        path: ["policy", "signatures", "publicKey"],
        found: undefined,
        described: "a value that is not a PEM public key",
        allowed:
          "a cosign public key in PEM (-----BEGIN PUBLIC KEY----- ... -----END PUBLIC KEY-----), e.g. cosign.pub",
      });
    if (signedProjects(p, ctx.harborProjects).length === 0)
      out.push({
        path: ["policy", "signatures", "projects"],
        found: s.projects ?? [],
        allowed:
          "at least one Harbor project (or harborConfig projects with cosign: true) when policy.signatures is set",
      });
  }
  return out;
}
