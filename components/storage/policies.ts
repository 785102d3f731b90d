/**
 * Pure policy documents of the storage capability (SPEC R1.3, R1.4): the TLS-only bucket policy, the log
 * bucket's delivery policy, least-privilege IAM policies for Harbor's registry and Velero, and the IRSA trust
 * policy. Every function returns a plain JSON-ready object; the component stringifies it.
 */

export const POLICY_VERSION = "2012-10-17";

/** Condition block: operator → key → value(s). */
export type PolicyCondition = Record<string, Record<string, string | string[]>>;

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Principal?: "*" | { Service: string } | { Federated: string };
  Action: string | string[];
  Resource?: string | string[];
  Condition?: PolicyCondition;
}

export interface PolicyDocument {
  Version: typeof POLICY_VERSION;
  Statement: PolicyStatement[];
}

/**
 * Denies every S3 action on the bucket and its objects when the request did not arrive over TLS
 * (`aws:SecureTransport = false`), for every principal. An explicit Deny wins over any Allow, so no IAM
 * policy or ACL can re-open plain HTTP.
 */
export function denyInsecureTransportStatement(bucketArn: string): PolicyStatement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/** Bucket policy of the registry and backup buckets: TLS only. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
  return { Version: POLICY_VERSION, Statement: [denyInsecureTransportStatement(bucketArn)] };
}

/**
 * Bucket policy of the access-log bucket: TLS only, plus the S3 logging service principal may write log
 * objects, but only on behalf of the given source buckets of this account. With Object Ownership
 * `BucketOwnerEnforced` ACL grants no longer work, so this policy is how server access logs are delivered.
 */
export function logBucketPolicy(args: {
  logBucketArn: string;
  sourceBucketArns: string[];
  accountId: string;
}): PolicyDocument {
  return {
    Version: POLICY_VERSION,
    Statement: [
      denyInsecureTransportStatement(args.logBucketArn),
      {
        Sid: "AllowS3ServerAccessLogDelivery",
        Effect: "Allow",
        Principal: { Service: "logging.s3.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${args.logBucketArn}/*`,
        Condition: {
          ArnLike: { "aws:SourceArn": [...args.sourceBucketArns] },
          StringEquals: { "aws:SourceAccount": args.accountId },
        },
      },
    ],
  };
}

/** Bucket-level actions Harbor's registry (distribution S3 driver) needs: listing, incl. multipart uploads. */
export const REGISTRY_BUCKET_ACTIONS = [
  "s3:ListBucket",
  "s3:GetBucketLocation",
  "s3:ListBucketMultipartUploads",
] as const;

/** Object-level actions of the registry: read, write, delete blobs and resumable (multipart) uploads. */
export const REGISTRY_OBJECT_ACTIONS = [
  "s3:GetObject",
  "s3:PutObject",
  "s3:DeleteObject",
  "s3:ListMultipartUploadParts",
  "s3:AbortMultipartUpload",
] as const;

/** Object-level actions of Velero's AWS object store plugin. */
export const VELERO_OBJECT_ACTIONS = [
  "s3:GetObject",
  "s3:PutObject",
  "s3:DeleteObject",
  "s3:AbortMultipartUpload",
  "s3:ListMultipartUploadParts",
] as const;

/** Bucket-level action of Velero's object store plugin. */
export const VELERO_BUCKET_ACTIONS = ["s3:ListBucket"] as const;

/** EBS actions of Velero's volume snapshotter (granted only when volume snapshots are enabled). */
export const VELERO_SNAPSHOT_ACTIONS = [
  "ec2:DescribeVolumes",
  "ec2:DescribeSnapshots",
  "ec2:CreateTags",
  "ec2:CreateVolume",
  "ec2:CreateSnapshot",
  "ec2:DeleteSnapshot",
] as const;

/** KMS actions a principal needs to read and write SSE-KMS objects through S3. */
export const KMS_S3_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey"] as const;

const KMS_KEY_ARN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):(key|alias)\/(\S+)$/;

/**
 * Grants the KMS actions S3 needs for a customer-managed key, only when called through S3 in `region`
 * (`kms:ViaService`). A key ARN is the resource itself; an alias ARN cannot authorize cryptographic
 * operations as a resource, so the statement targets any key that carries that alias
 * (`kms:ResourceAliases`). Buckets encrypted with the AWS-managed `aws/s3` key need no statement: its key
 * policy already admits principals of the account via S3.
 */
export function kmsStatement(kmsKeyArn: string, region: string): PolicyStatement {
  const m = KMS_KEY_ARN.exec(kmsKeyArn);
  if (!m) throw new Error(`kmsKeyArn: found ${JSON.stringify(kmsKeyArn)}; allowed: a KMS key or alias ARN`);
  const [, partition, , , kind, rest] = m;
  const dnsSuffix = partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  const viaService = { "kms:ViaService": `s3.${region}.${dnsSuffix}` };
  return kind === "key"
    ? {
        Sid: "UseBucketKmsKey",
        Effect: "Allow",
        Action: [...KMS_S3_ACTIONS],
        Resource: kmsKeyArn,
        Condition: { StringEquals: viaService },
      }
    : {
        Sid: "UseBucketKmsKey",
        Effect: "Allow",
        Action: [...KMS_S3_ACTIONS],
        Resource: "*",
        Condition: {
          StringEquals: viaService,
          "ForAnyValue:StringEquals": { "kms:ResourceAliases": `alias/${rest}` },
        },
      };
}

/** Customer-managed key used by the buckets, when any (AWS-managed `aws/s3` and AES256 need no grant). */
export interface KmsGrant {
  kmsKeyArn: string;
  region: string;
}

/**
 * Least-privilege policy of Harbor's registry: only its bucket — listing (incl. multipart uploads) on the
 * bucket ARN, object read/write/delete and multipart actions on `<bucket>/*` — plus the CMK if one encrypts
 * the bucket.
 */
export function registryIamPolicy(args: { bucketArn: string; kms?: KmsGrant }): PolicyDocument {
  return {
    Version: POLICY_VERSION,
    Statement: [
      {
        Sid: "RegistryBucket",
        Effect: "Allow",
        Action: [...REGISTRY_BUCKET_ACTIONS],
        Resource: args.bucketArn,
      },
      {
        Sid: "RegistryObjects",
        Effect: "Allow",
        Action: [...REGISTRY_OBJECT_ACTIONS],
        Resource: `${args.bucketArn}/*`,
      },
      ...(args.kms ? [kmsStatement(args.kms.kmsKeyArn, args.kms.region)] : []),
    ],
  };
}

/**
 * Least-privilege policy of Velero: the backup bucket only, the CMK if one encrypts it, and the EBS
 * snapshot actions only when volume snapshots are enabled (EC2 snapshot APIs take no bucket-like resource
 * scoping for Describe*, so that statement is `*` as the plugin documents).
 */
export function veleroIamPolicy(args: {
  bucketArn: string;
  snapshots: boolean;
  kms?: KmsGrant;
}): PolicyDocument {
  return {
    Version: POLICY_VERSION,
    Statement: [
      {
        Sid: "VeleroBackupBucket",
        Effect: "Allow",
        Action: [...VELERO_BUCKET_ACTIONS],
        Resource: args.bucketArn,
      },
      {
        Sid: "VeleroBackupObjects",
        Effect: "Allow",
        Action: [...VELERO_OBJECT_ACTIONS],
        Resource: `${args.bucketArn}/*`,
      },
      ...(args.kms ? [kmsStatement(args.kms.kmsKeyArn, args.kms.region)] : []),
      ...(args.snapshots
        ? [
            {
              Sid: "VeleroEbsSnapshots",
              Effect: "Allow" as const,
              Action: [...VELERO_SNAPSHOT_ACTIONS],
              Resource: "*",
            },
          ]
        : []),
    ],
  };
}

const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/(\S+)$/;
const K8S_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** The issuer host/path of an IAM OIDC provider ARN (`oidc.eks.<region>.amazonaws.com/id/<id>`). */
export function oidcIssuerOf(oidcProviderArn: string): string {
  const m = OIDC_PROVIDER_ARN.exec(oidcProviderArn);
  if (!m)
    throw new Error(
      `irsa.oidcProviderArn: found ${JSON.stringify(oidcProviderArn)}; allowed: an IAM OIDC provider ARN such as arn:aws:iam::123456789012:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<id>`,
    );
  return m[1];
}

/**
 * Trust policy of the Velero IRSA role: only tokens issued by the cluster's OIDC provider for exactly
 * `system:serviceaccount:<namespace>:<serviceAccount>` with audience `sts.amazonaws.com` may assume it.
 */
export function irsaTrustPolicy(args: {
  oidcProviderArn: string;
  namespace: string;
  serviceAccount: string;
}): PolicyDocument {
  const issuer = oidcIssuerOf(args.oidcProviderArn);
  for (const [k, v] of [
    ["irsa.namespace", args.namespace],
    ["irsa.serviceAccount", args.serviceAccount],
  ] as const)
    if (!K8S_NAME.test(v))
      throw new Error(`${k}: found ${JSON.stringify(v)}; allowed: a Kubernetes name ([a-z0-9-], 1-63)`);
  return {
    Version: POLICY_VERSION,
    Statement: [
      {
        Sid: "VeleroServiceAccount",
        Effect: "Allow",
        Principal: { Federated: args.oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: `system:serviceaccount:${args.namespace}:${args.serviceAccount}`,
            [`${issuer}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ],
  };
}
