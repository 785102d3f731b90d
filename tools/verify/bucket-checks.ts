/**
 * The bucket checks of `verify` (re-exported by ./checks): versioning, Object Lock, encryption and the
 * TLS-only bucket policy, read through the S3 API.
 */
import { S3Client, S3Error, xmlText } from "./s3";
import { fromItems, Outcome } from "./outcome";

export interface BucketExpectation {
  /** Object Lock default retention; `null` = none allowed (the registry bucket). */
  defaultRetention: { mode: string; days: number } | null;
  /** `null` = default encryption not required. */
  encryption: { algorithm: "aws:kms" | "AES256"; kmsKeyId?: string } | null;
  /** The four public access block flags (AWS; S3-compatible endpoints have none). */
  publicAccessBlock: boolean;
  /** A bucket policy denying `aws:SecureTransport = false`. */
  tlsOnlyPolicy: boolean;
}

async function optional(
  s3: S3Client,
  bucket: string,
  sub: string,
  notFound: string,
): Promise<string | undefined> {
  try {
    return await s3.get(bucket, sub);
  } catch (e) {
    if (e instanceof S3Error && (e.code === notFound || (e.status === 404 && e.code !== "NoSuchBucket")))
      return undefined;
    throw e;
  }
}

/** Versioning, Object Lock (+ default retention), encryption, public access block, TLS-only policy. */
export async function checkBucket(s3: S3Client, bucket: string, expect: BucketExpectation): Promise<Outcome> {
  const items: [boolean, string][] = [];
  const versioning = xmlText(await s3.get(bucket, "versioning"), "Status") ?? "never enabled";
  items.push([versioning === "Enabled", `versioning: ${versioning}`]);

  const lock = await optional(s3, bucket, "object-lock", "ObjectLockConfigurationNotFoundError");
  const lockEnabled = lock !== undefined && xmlText(lock, "ObjectLockEnabled") === "Enabled";
  items.push([lockEnabled, `object lock: ${lockEnabled ? "enabled" : "not enabled"}`]);
  const mode = lock ? xmlText(lock, "Mode") : undefined;
  const days = lock ? xmlText(lock, "Days") : undefined;
  const years = lock ? xmlText(lock, "Years") : undefined;
  const found = mode ? `${mode} ${days ? `${days} days` : `${years} years`}` : "none";
  if (expect.defaultRetention === null)
    items.push([mode === undefined, `default retention: ${found} (expected none: GC must free space)`]);
  else {
    const want = `${expect.defaultRetention.mode} ${expect.defaultRetention.days} days`;
    items.push([found === want, `default retention: ${found}${found === want ? "" : ` (expected ${want})`}`]);
  }

  const enc = await optional(s3, bucket, "encryption", "ServerSideEncryptionConfigurationNotFoundError");
  const alg = enc ? xmlText(enc, "SSEAlgorithm") : undefined;
  const keyId = enc ? xmlText(enc, "KMSMasterKeyID") : undefined;
  if (expect.encryption === null) items.push([true, `default encryption: ${alg ?? "none"} (not required)`]);
  else {
    const want = expect.encryption;
    const keyOk =
      !want.kmsKeyId || keyId === want.kmsKeyId || (keyId !== undefined && want.kmsKeyId.endsWith(keyId));
    items.push([
      alg === want.algorithm && keyOk,
      `default encryption: ${alg ?? "none"}${keyId ? ` (${keyId})` : ""}` +
        (alg === want.algorithm && keyOk
          ? ""
          : ` (expected ${want.algorithm}${want.kmsKeyId ? ` with ${want.kmsKeyId}` : ""})`),
    ]);
  }

  if (expect.publicAccessBlock) {
    const pab = await optional(s3, bucket, "publicAccessBlock", "NoSuchPublicAccessBlockConfiguration");
    const flags = ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"];
    const off = flags.filter((f) => !pab || xmlText(pab, f) !== "true");
    items.push([
      off.length === 0,
      off.length === 0 ? "public access block: all four on" : `public access block: off: ${off.join(", ")}`,
    ]);
  }

  if (expect.tlsOnlyPolicy) {
    const policy = await optional(s3, bucket, "policy", "NoSuchBucketPolicy");
    items.push([policy !== undefined && deniesInsecureTransport(policy), policyText(policy)]);
  }
  return fromItems(items);
}

function policyText(policy: string | undefined): string {
  if (policy === undefined) return "TLS-only policy: no bucket policy";
  return deniesInsecureTransport(policy)
    ? "TLS-only policy: denies aws:SecureTransport=false"
    : "TLS-only policy: no Deny of aws:SecureTransport=false";
}

/**
 * A statement `Deny` for every principal, of every S3 action (`s3:*` or `*`), on the bucket and its objects
 * (`arn:…:s3:::<bucket>` and `arn:…:s3:::<bucket>/*`, or `*`), on `aws:SecureTransport` = false. A Deny of some
 * actions or of the objects only leaves the other requests allowed over plain http.
 */
export function deniesInsecureTransport(policy: string): boolean {
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(policy) as typeof doc;
  } catch {
    return false;
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
  return statements.some((s: Record<string, unknown>) => {
    if (s.Effect !== "Deny") return false;
    const principal = s.Principal;
    const everyone =
      principal === "*" ||
      (typeof principal === "object" &&
        principal !== null &&
        [(principal as Record<string, unknown>).AWS].flat().includes("*"));
    const cond = (s.Condition as Record<string, Record<string, unknown>> | undefined)?.Bool?.[
      "aws:SecureTransport"
    ];
    if ("NotAction" in s || "NotResource" in s || "NotPrincipal" in s) return false;
    const actions = [s.Action].flat().map(String);
    const allActions = actions.some((a) => a === "*" || a === "s3:*");
    const resources = [s.Resource].flat().map(String);
    const bucket = resources.find((r) => /^arn:aws[a-z-]*:s3:::[^/*]+$/.test(r));
    const allResources =
      resources.some((r) => r === "*" || /^arn:aws[a-z-]*:s3:::\*$/.test(r)) ||
      (bucket !== undefined && resources.includes(`${bucket}/*`));
    return everyone && allActions && allResources && [cond].flat().map(String).includes("false");
  });
}
