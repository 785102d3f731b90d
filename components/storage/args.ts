/**
 * Arguments of {@link RegistryStorage}, their defaults, the per-target feature set and the checks the
 * component applies before registering anything. All pure.
 */
import * as pulumi from "@pulumi/pulumi";
import { StorageTarget } from "../providers";
import {
  ARCHIVE_STORAGE_CLASSES,
  ArchiveStorageClass,
  IA_MIN_TRANSITION_DAYS,
  isS3BucketName,
  kmsKeyRegion,
  LOCK_MODES,
  ObjectLockMode,
  S3_BUCKET_NAME_FORM,
} from "./rules";
import { shownValue } from "../redact";

/** Static S3 credentials as passed in (S3-compatible targets: from secret stack config). */
export interface S3CredentialsInput {
  accessKeyId: pulumi.Input<string>;
  secretAccessKey: pulumi.Input<string>;
}

/** IAM Roles for Service Accounts (EKS) for Velero. */
export interface IrsaArgs {
  /** The cluster's IAM OIDC provider ARN (`arn:aws:iam::<account>:oidc-provider/<issuer>`). */
  oidcProviderArn: pulumi.Input<string>;
  /** Namespace of Velero's service account. */
  namespace: string;
  /** Name of Velero's service account. */
  serviceAccount: string;
}

export interface ArchiveArgs {
  /** Key prefix of the long-term (monthly) backups. Default `archive/`. */
  prefix?: string;
  /** Days after creation before objects under the prefix move. Default 30. */
  transitionAfterDays?: number;
  /** Target storage class. Default `GLACIER_IR`. */
  storageClass?: ArchiveStorageClass;
}

export interface RegistryStorageArgs {
  /**
   * Where the buckets live: AWS S3 in a region, or an S3-compatible endpoint (MinIO, Ceph RGW). Resources
   * are created through the `aws` provider passed in the component's options (for S3-compatible targets
   * it must point at the endpoint; see `awsProviderArgs`). Required.
   */
  target: StorageTarget;
  /** Physical name of the registry bucket (Harbor image layers). Required. */
  registryBucketName: string;
  /** Physical name of the backup bucket (Velero, database dumps). Required. */
  backupBucketName: string;
  /** Physical name of the access-log bucket. Required on AWS; ignored on S3-compatible targets. */
  logBucketName?: string;
  /** Days a deleted or overwritten registry blob stays recoverable (noncurrent expiry). Default 30. */
  recoveryWindowDays?: number;
  /** Days after which incomplete multipart uploads are aborted (AWS only, see README). Default 7. */
  abortMultipartDays?: number;
  /**
   * Object Lock default retention of the backup bucket. Default `{ mode: "GOVERNANCE", days: 7 }`;
   * production passes COMPLIANCE.
   */
  backupRetention?: { mode: ObjectLockMode; days: number };
  /** Long-term prefix transition to an archive storage class (AWS only; ignored elsewhere). */
  archive?: ArchiveArgs;
  /** Days access logs are kept in the log bucket (AWS only). Default 365. */
  logRetentionDays?: number;
  /** Customer-managed KMS key (or alias) ARN for `aws:kms` encryption. AWS only. Default: none. */
  kmsKeyArn?: string;
  /**
   * `aws:kms` default encryption (with `kmsKeyArn`, else the AWS-managed `aws/s3` key) instead of SSE-S3
   * (`AES256`). Default: true on AWS, false on S3-compatible targets (where it cannot be true).
   */
  kms?: boolean;
  /**
   * Default bucket encryption at all. Default true; it cannot be false on AWS. On S3-compatible targets it
   * requests SSE-S3, which the server accepts only with a KMS configured (MinIO: KES; Ceph RGW: an SSE-S3
   * backend) — set false when encryption at rest is provided below the object store.
   */
  encryption?: boolean;
  /**
   * Let `pulumi destroy` empty the buckets. Never together with `protect` or COMPLIANCE. Default false. Without
   * it, the buckets' settings are `retainOnDelete` even when not protected: a destroy stops at a non-empty bucket
   * and leaves it with its public access block, policy, lock and lifecycle (`bucketSettingsRetained`).
   */
  forceDestroy?: boolean;
  /**
   * Set `protect` and `retainOnDelete` on every resource that holds data or its protection settings (the
   * buckets and their versioning, Object Lock, encryption, lifecycle, public access block, ownership,
   * policy and logging settings). Default false.
   */
  protect?: boolean;
  /** Tags on every cloud resource; each bucket also gets `registry-platform/component`. Default `{}`. */
  tags?: Record<string, string>;
  /**
   * Credentials Harbor's registry uses. S3-compatible only (default: the target's own access key); on AWS
   * an IAM user scoped to the registry bucket is created instead.
   */
  registryCredentials?: S3CredentialsInput;
  /**
   * Credentials Velero uses. S3-compatible only (default: the target's own access key); on AWS an IAM user
   * (or, with `irsa`, a role) scoped to the backup bucket is created instead.
   */
  veleroCredentials?: S3CredentialsInput;
  /** AWS only: give Velero an IRSA role instead of an IAM user with static keys. Default: none. */
  irsa?: IrsaArgs;
  /** AWS only: grant Velero the EBS snapshot actions (volume snapshots). Default false. */
  veleroSnapshots?: boolean;
}

/** Tag key naming which part of the platform a bucket belongs to. */
export const COMPONENT_TAG = "registry-platform/component";

export const DEFAULTS = {
  recoveryWindowDays: 30,
  abortMultipartDays: 7,
  backupRetention: { mode: "GOVERNANCE", days: 7 },
  archive: { prefix: "archive/", transitionAfterDays: 30, storageClass: "GLACIER_IR" },
  logRetentionDays: 365,
} as const;

/**
 * What a target supports. On S3-compatible targets the AWS-only parts are skipped (see README for the
 * reasons): IAM, server access logging, public access block, ownership controls, storage-class
 * transitions, KMS and the abort-multipart lifecycle action. The TLS-only bucket policy is skipped when the
 * endpoint itself is plain HTTP (it would deny every request).
 */
export interface StorageFeatures {
  iam: boolean;
  accessLogging: boolean;
  publicAccessBlock: boolean;
  ownershipControls: boolean;
  archiveTransition: boolean;
  abortMultipartRule: boolean;
  kms: boolean;
  tlsOnlyPolicy: boolean;
}

export function storageFeatures(target: StorageTarget): StorageFeatures {
  const aws = target.kind === "aws";
  return {
    iam: aws,
    accessLogging: aws,
    publicAccessBlock: aws,
    ownershipControls: aws,
    archiveTransition: aws,
    abortMultipartRule: aws,
    kms: aws,
    tlsOnlyPolicy: aws || /^https:\/\//i.test(target.endpoint),
  };
}

/** Arguments with every default applied. */
export interface ResolvedStorageArgs extends Omit<
  Required<RegistryStorageArgs>,
  "logBucketName" | "kmsKeyArn" | "registryCredentials" | "veleroCredentials" | "irsa" | "archive"
> {
  logBucketName?: string;
  kmsKeyArn?: string;
  registryCredentials?: S3CredentialsInput;
  veleroCredentials?: S3CredentialsInput;
  irsa?: IrsaArgs;
  archive: Required<ArchiveArgs>;
  features: StorageFeatures;
}

export function resolveStorageArgs(args: RegistryStorageArgs): ResolvedStorageArgs {
  const aws = args.target.kind === "aws";
  return {
    ...args,
    recoveryWindowDays: args.recoveryWindowDays ?? DEFAULTS.recoveryWindowDays,
    abortMultipartDays: args.abortMultipartDays ?? DEFAULTS.abortMultipartDays,
    backupRetention: args.backupRetention ?? { ...DEFAULTS.backupRetention },
    archive: { ...DEFAULTS.archive, ...stripUndefined(args.archive ?? {}) },
    logRetentionDays: args.logRetentionDays ?? DEFAULTS.logRetentionDays,
    kms: args.kms ?? aws,
    encryption: args.encryption ?? true,
    forceDestroy: args.forceDestroy ?? false,
    protect: args.protect ?? false,
    tags: args.tags ?? {},
    veleroSnapshots: args.veleroSnapshots ?? false,
    features: storageFeatures(args.target),
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Every problem with the arguments, as `key: found …; allowed …` lines (empty when fine). Secret inputs
 * are only checked for presence, never rendered.
 */
export function storageArgsProblems(a: ResolvedStorageArgs): string[] {
  const out: string[] = [];
  const add = (key: string, found: unknown, allowed: string) =>
    out.push(`${key}: found ${shownValue(found)}; allowed: ${allowed}`);
  const aws = a.target.kind === "aws";

  const names: [string, string | undefined][] = [
    ["registryBucketName", a.registryBucketName],
    ["backupBucketName", a.backupBucketName],
    ...(aws ? [["logBucketName", a.logBucketName] as [string, string | undefined]] : []),
  ];
  for (const [k, v] of names) if (v === undefined || !isS3BucketName(v)) add(k, v, S3_BUCKET_NAME_FORM);
  const given = names.map(([, v]) => v).filter((v): v is string => v !== undefined);
  if (new Set(given).size !== given.length)
    add("bucket names", given, "distinct registry, backup and log bucket names");

  const positive = (k: string, v: number) => {
    if (!Number.isInteger(v) || v <= 0) add(k, v, "a whole number > 0");
  };
  positive("recoveryWindowDays", a.recoveryWindowDays);
  positive("abortMultipartDays", a.abortMultipartDays);
  positive("backupRetention.days", a.backupRetention.days);
  positive("logRetentionDays", a.logRetentionDays);
  if (!(LOCK_MODES as readonly string[]).includes(a.backupRetention.mode))
    add("backupRetention.mode", a.backupRetention.mode, LOCK_MODES.join(" or "));

  if (aws) {
    positive("archive.transitionAfterDays", a.archive.transitionAfterDays);
    if (!/^[^/\s][^\s]*$/.test(a.archive.prefix))
      add("archive.prefix", a.archive.prefix, "a non-empty key prefix such as archive/");
    if (!(ARCHIVE_STORAGE_CLASSES as readonly string[]).includes(a.archive.storageClass))
      add("archive.storageClass", a.archive.storageClass, ARCHIVE_STORAGE_CLASSES.join(", "));
    if (
      (a.archive.storageClass === "STANDARD_IA" || a.archive.storageClass === "ONEZONE_IA") &&
      a.archive.transitionAfterDays < IA_MIN_TRANSITION_DAYS
    )
      add(
        "archive.transitionAfterDays",
        a.archive.transitionAfterDays,
        `>= ${IA_MIN_TRANSITION_DAYS} for ${a.archive.storageClass} (S3 refuses earlier transitions)`,
      );
  }

  if (a.forceDestroy && a.protect) add("forceDestroy", true, "false while protect is true");
  if (a.forceDestroy && a.backupRetention.mode === "COMPLIANCE")
    add(
      "forceDestroy",
      true,
      "false with COMPLIANCE retention (locked versions cannot be deleted before they expire, so destroy could never empty the backup bucket)",
    );

  if (a.target.kind === "aws") {
    if (a.registryCredentials)
      add("registryCredentials", "credentials", "nothing on AWS (an IAM user and access key are created)");
    if (a.veleroCredentials)
      add("veleroCredentials", "credentials", "nothing on AWS (an IAM user or IRSA role is created)");
    if (!a.encryption) add("encryption", false, "true on AWS");
    if (a.kmsKeyArn !== undefined) {
      if (!/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/\S+$/.test(a.kmsKeyArn))
        add("kmsKeyArn", a.kmsKeyArn, "a KMS key or alias ARN");
      else if (kmsKeyRegion(a.kmsKeyArn) !== a.target.region)
        add(
          "kmsKeyArn",
          a.kmsKeyArn,
          `a KMS key or alias ARN in ${a.target.region} (the buckets' region; S3 only uses a key of the bucket's region)`,
        );
      if (!a.kms) add("kms", false, "true when kmsKeyArn is given");
    }
    if (a.irsa) {
      if (
        typeof a.irsa.oidcProviderArn === "string" &&
        !/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/\S+$/.test(a.irsa.oidcProviderArn)
      )
        add("irsa.oidcProviderArn", a.irsa.oidcProviderArn, "an IAM OIDC provider ARN");
      for (const k of ["namespace", "serviceAccount"] as const)
        if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(a.irsa[k]))
          add(`irsa.${k}`, a.irsa[k], "a Kubernetes name ([a-z0-9-], 1-63)");
    }
  } else {
    if (a.kmsKeyArn !== undefined)
      add("kmsKeyArn", a.kmsKeyArn, "nothing on S3-compatible targets (AWS KMS only)");
    if (a.kms) add("kms", true, "false on S3-compatible targets (AWS KMS only)");
    if (a.irsa) add("irsa", "IRSA settings", "nothing on S3-compatible targets (IRSA is AWS IAM)");
    if (a.veleroSnapshots) add("veleroSnapshots", true, "false on S3-compatible targets (EBS only)");
    if (!/^https?:\/\/[^\s/@]+(:\d+)?(\/\S*)?$/.test(a.target.endpoint))
      add(
        "target.endpoint",
        a.target.endpoint,
        "an absolute http(s) URL without user info (the credentials go in accessKey and secretKey, secrets)",
      );
  }
  return out;
}
