/**
 * Pure bucket settings of the storage capability: lifecycle rules (SPEC R1.1, R1.2), default encryption
 * (R1.3) and Object Lock retention. Plain objects that are assignable to the @pulumi/aws v7 input types.
 */

export const LOCK_MODES = ["GOVERNANCE", "COMPLIANCE"] as const;
export type ObjectLockMode = (typeof LOCK_MODES)[number];

/** Archive storage classes S3 lifecycle transitions accept for the long-term prefix. */
export const ARCHIVE_STORAGE_CLASSES = [
  "GLACIER_IR",
  "GLACIER",
  "DEEP_ARCHIVE",
  "STANDARD_IA",
  "ONEZONE_IA",
] as const;
export type ArchiveStorageClass = (typeof ARCHIVE_STORAGE_CLASSES)[number];

/** What S3 requires of a general purpose bucket name (the one list, used by the component and the config). */
export const S3_BUCKET_NAME_FORM =
  "an S3 bucket name: 3-63 of [a-z0-9.-], no adjacent periods, not an IP address, no reserved prefix (xn--, sthree-, amzn-s3-demo-) or suffix (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3)";

/**
 * True when S3 accepts `name` for a general purpose bucket: 3-63 lowercase letters, digits, periods and
 * hyphens, starting and ending with a letter or digit, no adjacent periods, not an IPv4 address, none of the
 * prefixes and suffixes S3 reserves. Any other name is only refused when the bucket is created.
 */
export function isS3BucketName(name: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes("..") &&
    !/^\d{1,3}(\.\d{1,3}){3}$/.test(name) &&
    !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) &&
    !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)
  );
}

/**
 * The region of a KMS key or alias ARN (`arn:aws:kms:<region>:<account>:key/…`). S3 uses only a key of the
 * bucket's region, and does not check the key when default encryption is set: uploads fail later.
 */
export function kmsKeyRegion(arn: string): string {
  return arn.split(":")[3];
}

/**
 * The region of an EKS cluster's IAM OIDC provider ARN (`…:oidc-provider/oidc.eks.<region>.amazonaws.com/id/…`);
 * undefined for another issuer, which has no region to check.
 */
export function oidcProviderRegion(arn: string): string | undefined {
  return /:oidc-provider\/oidc\.eks\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\//.exec(arn)?.[1];
}

/**
 * Region-bound ARNs of an AWS storage config that name another region than the buckets' `region`, as
 * `[key, found, allowed]`: the KMS key (S3 only uses a key of the bucket's region) and the EKS cluster's OIDC
 * provider (Velero's role would trust a cluster of another region, copied from another region's stack file).
 */
export function regionMismatches(
  st: { kmsKeyArn?: string; oidcProviderArn?: string },
  region: string,
): [key: string, found: string, allowed: string][] {
  const out: [string, string, string][] = [];
  if (st.kmsKeyArn && kmsKeyRegion(st.kmsKeyArn) !== region)
    out.push([
      "kmsKeyArn",
      st.kmsKeyArn,
      `a KMS key or alias ARN in region "${region}" (the buckets' region; S3 only uses a key of the bucket's region)`,
    ]);
  const oidc = st.oidcProviderArn ? oidcProviderRegion(st.oidcProviderArn) : undefined;
  if (st.oidcProviderArn && oidc !== undefined && oidc !== region)
    out.push([
      "oidcProviderArn",
      st.oidcProviderArn,
      `the OIDC provider of an EKS cluster in region "${region}" (oidc.eks.${region}.amazonaws.com; Velero runs in this region's cluster)`,
    ]);
  return out;
}

/**
 * Whether a bucket's settings (versioning, lock, encryption, lifecycle, public access block, ownership, policy,
 * logging) are kept in place when a destroy deletes them: when the stack is protected, and whenever the bucket
 * cannot be deleted with its data (no `forceDestroy`). A destroy deletes the settings before their bucket, so
 * otherwise a non-empty bucket of an unprotected stack would stay behind, with its data, without them. Only
 * `forceDestroy` (dev) lets a destroy take the settings: the buckets go with their contents.
 */
export function bucketSettingsRetained(a: { protect: boolean; forceDestroy: boolean }): boolean {
  return a.protect || !a.forceDestroy;
}

/** S3 refuses transitions to the infrequent-access classes before objects are this many days old. */
export const IA_MIN_TRANSITION_DAYS = 30;

export interface LifecycleRule {
  id: string;
  status: "Enabled";
  filter: { prefix: string };
  expiration?: { days?: number; expiredObjectDeleteMarker?: boolean };
  noncurrentVersionExpiration?: { noncurrentDays: number };
  abortIncompleteMultipartUpload?: { daysAfterInitiation: number };
  transitions?: { days: number; storageClass: ArchiveStorageClass }[];
}

/**
 * Keeps deleted or overwritten versions for `noncurrentDays`, then removes them; afterwards the delete
 * markers left without any version are removed too (`expiredObjectDeleteMarker`).
 */
function noncurrentExpiry(id: string, noncurrentDays: number): LifecycleRule {
  return {
    id,
    status: "Enabled",
    filter: { prefix: "" },
    expiration: { expiredObjectDeleteMarker: true },
    noncurrentVersionExpiration: { noncurrentDays },
  };
}

function abortMultipart(days: number): LifecycleRule {
  return {
    id: "abort-incomplete-multipart-uploads",
    status: "Enabled",
    filter: { prefix: "" },
    abortIncompleteMultipartUpload: { daysAfterInitiation: days },
  };
}

/**
 * Registry bucket (R1.1): a blob the registry's garbage collection deleted (or that was overwritten)
 * stays recoverable as a noncurrent version for `recoveryWindowDays`, then expires; incomplete multipart
 * uploads are aborted after `abortMultipartDays` (only where the target supports that action).
 */
export function registryLifecycleRules(args: {
  recoveryWindowDays: number;
  abortMultipartDays?: number;
}): LifecycleRule[] {
  return [
    noncurrentExpiry("expire-noncurrent-after-recovery-window", args.recoveryWindowDays),
    ...(args.abortMultipartDays !== undefined ? [abortMultipart(args.abortMultipartDays)] : []),
  ];
}

/**
 * Backup bucket (R1.2): noncurrent versions expire once the Object Lock retention has run out (a version
 * becomes noncurrent no earlier than it was written, so its lock has always expired by then); the
 * long-term prefix moves to an archive storage class after N days (AWS only); incomplete multipart uploads
 * are aborted (where supported).
 */
export function backupLifecycleRules(args: {
  retentionDays: number;
  abortMultipartDays?: number;
  archive?: { prefix: string; transitionAfterDays: number; storageClass: ArchiveStorageClass };
}): LifecycleRule[] {
  return [
    noncurrentExpiry("expire-noncurrent-after-retention", args.retentionDays),
    ...(args.abortMultipartDays !== undefined ? [abortMultipart(args.abortMultipartDays)] : []),
    ...(args.archive
      ? [
          {
            id: "archive-long-term-prefix",
            status: "Enabled" as const,
            filter: { prefix: args.archive.prefix },
            transitions: [
              { days: args.archive.transitionAfterDays, storageClass: args.archive.storageClass },
            ],
          },
        ]
      : []),
  ];
}

/** Access-log bucket (AWS only, unversioned): log objects expire after `retentionDays`. */
export function logLifecycleRules(args: {
  retentionDays: number;
  abortMultipartDays: number;
}): LifecycleRule[] {
  return [
    {
      id: "expire-access-logs",
      status: "Enabled",
      filter: { prefix: "" },
      expiration: { days: args.retentionDays },
    },
    abortMultipart(args.abortMultipartDays),
  ];
}

export interface EncryptionRule {
  applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" | "AES256"; kmsMasterKeyId?: string };
  bucketKeyEnabled: boolean;
}

/**
 * Default encryption (R1.3): `aws:kms` with the customer key when given (else the AWS-managed `aws/s3`
 * key), with an S3 Bucket Key to cut KMS requests; otherwise SSE-S3 (`AES256`).
 */
export function encryptionRule(args: { kms: boolean; kmsKeyArn?: string }): EncryptionRule {
  if (!args.kms)
    return { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false };
  return {
    applyServerSideEncryptionByDefault: {
      sseAlgorithm: "aws:kms",
      ...(args.kmsKeyArn ? { kmsMasterKeyId: args.kmsKeyArn } : {}),
    },
    bucketKeyEnabled: true,
  };
}

/** Object Lock default retention rule of the backup bucket (R1.2). */
export function defaultRetentionRule(retention: { mode: ObjectLockMode; days: number }): {
  defaultRetention: { mode: ObjectLockMode; days: number };
} {
  return { defaultRetention: { mode: retention.mode, days: retention.days } };
}
