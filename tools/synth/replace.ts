/**
 * Which input changes make Pulumi REPLACE a resource (delete + create) rather than update it in place. The
 * offline synth has no provider to ask, so plan-diff applies these rules, taken from the providers' schemas
 * (`replaceOnChanges` / ForceNew) for the types this program creates, and from our own dynamic providers'
 * `diff` (components/harbor-config).
 *
 * A rule matches a changed path relative to the resource's inputs (`bucket`, `metadata.name`, `spec.selector`,
 * ...): the path itself or anything below it.
 */
import type { harborCruds as HarborCruds } from "../../components/harbor-config/provider";
import { flatView } from "../../components/harbor-config/shape";

/** Loaded on first use: the Harbor CRUD modules pull in the Pulumi SDK, which plan-diff otherwise never needs. */
function harborCruds(): typeof HarborCruds {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("../../components/harbor-config/provider") as { harborCruds: typeof HarborCruds })
    .harborCruds;
}

interface Rule {
  /** Exact type, or a prefix ending in `*`. */
  type: string;
  /** Input paths whose change forces replacement; `*` = any input. */
  paths: string[];
  /** With `*`: inputs the provider updates in place. */
  except?: string[];
  /** A provider input that, when true, makes these changes in-place updates (the rule then does not apply). */
  unlessProvider?: string;
  why: string;
}

const RULES: Rule[] = [
  // Every attribute of the tls and random providers' resources requires replacement, but a certificate's
  // `earlyRenewalHours` (terraform-provider-tls: no RequiresReplace; the resource updates it in place).
  { type: "tls:*", paths: ["*"], except: ["earlyRenewalHours"], why: "tls resources are immutable" },
  { type: "random:*", paths: ["*"], why: "random resources are immutable" },
  {
    type: "aws:s3/bucket:Bucket",
    paths: ["bucket", "bucketPrefix", "objectLockEnabled"],
    why: "a bucket's name and Object Lock are fixed at creation",
  },
  { type: "aws:s3/bucket*", paths: ["bucket", "expectedBucketOwner"], why: "bound to one bucket" },
  { type: "aws:iam/role:Role", paths: ["name", "namePrefix", "path"], why: "IAM role identity" },
  { type: "aws:iam/policy:Policy", paths: ["name", "namePrefix", "path"], why: "IAM policy identity" },
  {
    type: "aws:iam/userPolicy:UserPolicy",
    paths: ["name", "namePrefix", "user"],
    why: "inline policy identity",
  },
  {
    type: "aws:iam/rolePolicy:RolePolicy",
    paths: ["name", "namePrefix", "role"],
    why: "inline policy identity",
  },
  { type: "aws:iam/accessKey:AccessKey", paths: ["user", "pgpKey"], why: "access keys are immutable" },
  {
    type: "aws:kms/key:Key",
    paths: ["customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId", "customKeyStoreId"],
    why: "KMS key spec is fixed",
  },
  // Kubernetes: identity, and fields the API server refuses to change.
  { type: "kubernetes:*", paths: ["metadata.name", "metadata.namespace"], why: "object identity" },
  {
    // Without `enableSecretMutable` / `enableConfigMapMutable` on the provider, data changes replace the object
    // (the program's provider sets both: components/providers/index.ts).
    type: "kubernetes:core/v1:Secret",
    paths: ["data", "stringData"],
    unlessProvider: "enableSecretMutable",
    why: "Secret data is replaced, not patched (provider without enableSecretMutable)",
  },
  {
    type: "kubernetes:core/v1:ConfigMap",
    paths: ["data", "binaryData"],
    unlessProvider: "enableConfigMapMutable",
    why: "ConfigMap data is replaced, not patched (provider without enableConfigMapMutable)",
  },
  {
    type: "kubernetes:core/v1:Secret",
    paths: ["type", "immutable"],
    why: "a Secret's type and immutability are fixed",
  },
  { type: "kubernetes:core/v1:ConfigMap", paths: ["immutable"], why: "a ConfigMap's immutability is fixed" },
  {
    type: "kubernetes:apps/v1:*",
    paths: ["spec.selector"],
    why: "a workload's selector is immutable",
  },
  {
    type: "kubernetes:apps/v1:StatefulSet",
    paths: ["spec.volumeClaimTemplates", "spec.serviceName", "spec.podManagementPolicy"],
    why: "immutable StatefulSet fields",
  },
  { type: "kubernetes:batch/v1:Job", paths: ["spec"], why: "a Job's spec is immutable" },
  {
    type: "kubernetes:core/v1:PersistentVolumeClaim",
    paths: ["spec.storageClassName", "spec.accessModes", "spec.volumeName", "spec.selector"],
    why: "immutable PVC fields",
  },
  {
    type: "kubernetes:core/v1:Service",
    paths: ["spec.clusterIP"],
    why: "a Service's clusterIP is immutable",
  },
  {
    type: "kubernetes:helm.sh/v3:Release",
    paths: ["name", "namespace"],
    why: "a release's name and namespace are its identity",
  },
];

function typeMatches(pattern: string, type: string): boolean {
  return pattern.endsWith("*") ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}

function pathMatches(rule: string, path: string): boolean {
  return (
    path === rule || path.startsWith(`${rule}.`) || path.startsWith(`${rule}[`) || path.startsWith(`${rule}<`)
  );
}

/** A provider input that is true (the engine passes provider inputs as strings: `"true"`). */
function providerFlag(inputs: Record<string, unknown> | undefined, key: string): boolean {
  const v = inputs?.[key];
  return v === true || v === "true";
}

/**
 * The replace reasons for a resource whose inputs changed at `changedPaths` (relative to the inputs), under a
 * provider with `providerInputs`. For our Harbor dynamic resources the real `diff` of their provider decides.
 * Empty = an in-place update.
 */
export function replaceReasons(
  type: string,
  changedPaths: string[],
  before: unknown,
  after: unknown,
  providerInputs?: Record<string, unknown>,
): string[] {
  if (type === "pulumi-nodejs:dynamic:Resource") {
    const kind = (flatView(after) as { kind?: unknown } | null)?.kind;
    const crud = typeof kind === "string" ? harborCruds()[kind] : undefined;
    if (!crud) return [];
    // Inputs under `spec` (components/harbor-config/shape.ts): the CRUD code compares the flat view.
    const r = crud.diff(flatView(before) as never, flatView(after) as never);
    return r.replaces.map((k) => `\`${k}\` (${kind as string} identity)`);
  }
  const reasons: string[] = [];
  for (const rule of RULES) {
    if (!typeMatches(rule.type, type)) continue;
    if (rule.unlessProvider && providerFlag(providerInputs, rule.unlessProvider)) continue;
    if (rule.paths.includes("*")) {
      const forcing = changedPaths.filter((p) => !(rule.except ?? []).some((e) => pathMatches(e, p)));
      if (forcing.length && !reasons.includes(rule.why)) reasons.push(rule.why);
      continue;
    }
    const hits = changedPaths.filter((p) => rule.paths.some((rp) => pathMatches(rp, p)));
    // The first (most specific) rule that names a path gives its reason.
    for (const p of hits)
      if (!reasons.some((r) => r.startsWith(`\`${p}\` `))) reasons.push(`\`${p}\` (${rule.why})`);
  }
  return reasons;
}
