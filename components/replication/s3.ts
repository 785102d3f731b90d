/**
 * Pure S3 replication settings of the backup bucket (SPEC R6.3): the replication role's trust and
 * least-privilege permission policies and one replication rule per peer. Plain JSON-ready objects; the
 * {@link BackupReplication} component stringifies them.
 *
 * What the rules do: every new object version of the source backup bucket is copied into each peer's backup
 * bucket (versioned, Object Lock enabled with a default retention — the peer's own settings), re-encrypted
 * with the peer's KMS key; delete markers are NOT replicated (a ransomware actor deleting backups on the
 * primary does not delete the copies); replication metrics are on; Replication Time Control is optional.
 */
import { PolicyDocument, PolicyStatement, POLICY_VERSION } from "../storage/policies";

/** Read actions the replication role needs on the source bucket itself. */
export const SOURCE_BUCKET_ACTIONS = ["s3:GetReplicationConfiguration", "s3:ListBucket"] as const;

/**
 * Read actions on the source objects: the version to replicate, its ACL and tags, and (Object Lock buckets)
 * its retention and legal hold, which S3 copies to the replica.
 */
export const SOURCE_OBJECT_ACTIONS = [
  "s3:GetObjectVersionForReplication",
  "s3:GetObjectVersionAcl",
  "s3:GetObjectVersionTagging",
  "s3:GetObjectRetention",
  "s3:GetObjectLegalHold",
] as const;

/**
 * Write actions on the destination objects. `s3:ReplicateDelete` is deliberately absent: it is only used to
 * replicate delete markers, which these rules never do.
 */
export const DESTINATION_OBJECT_ACTIONS = ["s3:ReplicateObject", "s3:ReplicateTags"] as const;

/** KMS action on the destination key: S3 re-encrypts each replica with it (Bucket Keys: a data key). */
export const DESTINATION_KMS_ACTIONS = ["kms:Encrypt", "kms:GenerateDataKey"] as const;

/** The only event threshold and RTC time S3 accepts. */
export const REPLICATION_THRESHOLD_MINUTES = 15;

const KMS_ARN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):(key|alias)\/(\S+)$/;

export interface KmsKeyRef {
  /** Key or alias ARN. */
  arn: string;
  /** The region of the bucket the key encrypts (the `kms:ViaService` S3 endpoint). */
  region: string;
}

/** One peer's destination. */
export interface ReplicationDestination {
  /** Peer stack name (`prod-apne1`): the rule id is `to-<name>`. */
  name: string;
  /** Fully qualified peer stack name (for messages). */
  stack: string;
  /** The peer's backup bucket ARN (versioned, Object Lock enabled: checked when read from the peer). */
  bucketArn: string;
  /** Account owning the peer's bucket: must be the source's (same-account replication only). */
  accountId: string;
  /** The peer's bucket region. */
  region: string;
  /**
   * The key replicas are encrypted with: the peer's customer-managed key, or its region's AWS-managed
   * `aws/s3` alias when it has none. Only used when the source bucket is SSE-KMS encrypted.
   */
  kmsKeyArn?: string;
  /** S3 Replication Time Control (15 minutes). */
  replicationTime: boolean;
  /** Storage class of the replicas; default: the source object's. */
  storageClass?: string;
}

export interface SourceBucket {
  bucketArn: string;
  region: string;
  accountId: string;
  /** Source objects are SSE-KMS encrypted (with this customer key, or the AWS-managed key when undefined). */
  kms: boolean;
  kmsKeyArn?: string;
}

/** `prod-apne1` → `ProdApne1` (IAM statement ids are alphanumeric). */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join("");
}

function dnsSuffix(arn: string): string {
  return arn.startsWith("arn:aws-cn:") ? "amazonaws.com.cn" : "amazonaws.com";
}

/** `arn:aws:s3:::bucket` → `bucket`. */
export function bucketNameOfArn(arn: string): string {
  const m = /^arn:aws[a-z-]*:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])$/.exec(arn);
  if (!m) throw new Error(`found ${JSON.stringify(arn)}; allowed: an S3 bucket ARN arn:aws:s3:::<bucket>`);
  return m[1];
}

/** The AWS-managed S3 key of a region, by alias. */
export function awsManagedS3KeyArn(partition: string, region: string, accountId: string): string {
  return `arn:${partition}:kms:${region}:${accountId}:alias/aws/s3`;
}

/**
 * Trust policy of the replication role: only S3 may assume it, and only on behalf of the source bucket of
 * this account (`aws:SourceArn`, `aws:SourceAccount`: no confused deputy).
 */
export function replicationTrustPolicy(src: { bucketArn: string; accountId: string }): PolicyDocument {
  return {
    Version: POLICY_VERSION,
    Statement: [
      {
        Sid: "S3ReplicationOfSourceBucket",
        Effect: "Allow",
        Principal: { Service: "s3.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": src.accountId },
          ArnLike: { "aws:SourceArn": src.bucketArn },
        },
      },
    ],
  };
}

/**
 * A KMS statement for one key used through S3 in `region` on `bucketArn`'s objects. With S3 Bucket Keys the
 * encryption context is the bucket ARN, without them the object ARN: both are admitted, nothing else. An
 * alias ARN cannot be a resource of cryptographic operations, so an alias grants on keys carrying it.
 */
export function kmsUseStatement(
  sid: string,
  actions: readonly string[],
  key: KmsKeyRef,
  bucketArn: string,
): PolicyStatement {
  const m = KMS_ARN.exec(key.arn);
  if (!m) throw new Error(`${sid}: found ${JSON.stringify(key.arn)}; allowed: a KMS key or alias ARN`);
  const [, , , , kind, rest] = m;
  const condition = {
    StringEquals: { "kms:ViaService": `s3.${key.region}.${dnsSuffix(key.arn)}` },
    StringLike: { "kms:EncryptionContext:aws:s3:arn": [bucketArn, `${bucketArn}/*`] },
  };
  return kind === "key"
    ? { Sid: sid, Effect: "Allow", Action: [...actions], Resource: key.arn, Condition: condition }
    : {
        Sid: sid,
        Effect: "Allow",
        Action: [...actions],
        Resource: "*",
        Condition: { ...condition, "ForAnyValue:StringEquals": { "kms:ResourceAliases": `alias/${rest}` } },
      };
}

/**
 * The replication role's permissions: read the source bucket's replication configuration and object versions
 * (with their retention and legal hold), replicate objects and tags into exactly the peers' buckets, decrypt
 * with the source key and encrypt with each destination key, through S3 only. Nothing else: no delete, no
 * other bucket. AWS-managed `aws/s3` keys need no statement (their key policy admits the account via S3).
 */
export function replicationRolePolicy(
  src: SourceBucket,
  destinations: ReplicationDestination[],
): PolicyDocument {
  if (destinations.length === 0) throw new Error("replicationRolePolicy: no destination");
  const statements: PolicyStatement[] = [
    {
      Sid: "SourceBucket",
      Effect: "Allow",
      Action: [...SOURCE_BUCKET_ACTIONS],
      Resource: src.bucketArn,
    },
    {
      Sid: "SourceObjectVersions",
      Effect: "Allow",
      Action: [...SOURCE_OBJECT_ACTIONS],
      Resource: `${src.bucketArn}/*`,
    },
    {
      Sid: "ReplicateIntoPeerBuckets",
      Effect: "Allow",
      Action: [...DESTINATION_OBJECT_ACTIONS],
      Resource: destinations.map((d) => `${d.bucketArn}/*`),
    },
  ];
  if (src.kms && src.kmsKeyArn)
    statements.push(
      kmsUseStatement(
        "DecryptSourceObjects",
        ["kms:Decrypt"],
        { arn: src.kmsKeyArn, region: src.region },
        src.bucketArn,
      ),
    );
  if (src.kms)
    destinations.forEach((d) => {
      if (d.kmsKeyArn && !/:alias\/aws\/s3$/.test(d.kmsKeyArn))
        statements.push(
          kmsUseStatement(
            `EncryptReplicasFor${pascalCase(d.name)}`,
            DESTINATION_KMS_ACTIONS,
            { arn: d.kmsKeyArn, region: d.region },
            d.bucketArn,
          ),
        );
    });
  return { Version: POLICY_VERSION, Statement: statements };
}

/** One rule of `aws.s3.BucketReplicationConfig` (assignable to the @pulumi/aws v7 input type). */
export interface ReplicationRule {
  id: string;
  status: "Enabled";
  priority: number;
  filter: { prefix: string };
  deleteMarkerReplication: { status: "Disabled" };
  sourceSelectionCriteria?: { sseKmsEncryptedObjects: { status: "Enabled" } };
  destination: {
    bucket: string;
    storageClass?: string;
    encryptionConfiguration?: { replicaKmsKeyId: string };
    metrics: { status: "Enabled"; eventThreshold: { minutes: number } };
    replicationTime?: { status: "Enabled"; time: { minutes: number } };
  };
}

/**
 * One rule per peer, whole bucket (`filter.prefix: ""`, the V2 schema that multi-destination replication
 * needs, with distinct priorities). SSE-KMS source objects are replicated (they are skipped otherwise) and
 * re-encrypted with the destination key.
 */
export function replicationRules(
  src: SourceBucket,
  destinations: ReplicationDestination[],
): ReplicationRule[] {
  const ids = new Set<string>();
  return destinations.map((d, i) => {
    if (d.accountId !== src.accountId)
      throw new Error(
        `peer stack ${d.stack}: its backup bucket belongs to account ${d.accountId}, this stack runs in ${src.accountId}; ` +
          "S3 replication is set up within one account only (cross-account needs a bucket policy on the destination " +
          "and owner override: set backupReplication.enabled: false for this peer)",
      );
    const id = `to-${d.name}`;
    if (ids.has(id)) throw new Error(`replicationRules: two destinations named ${d.name}`);
    ids.add(id);
    if (src.kms && !d.kmsKeyArn)
      throw new Error(
        `replicationRules: destination ${d.name} needs a KMS key ARN (the source bucket is SSE-KMS encrypted)`,
      );
    return {
      id,
      status: "Enabled",
      priority: i + 1,
      filter: { prefix: "" },
      deleteMarkerReplication: { status: "Disabled" },
      ...(src.kms
        ? { sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" as const } } }
        : {}),
      destination: {
        bucket: d.bucketArn,
        ...(d.storageClass ? { storageClass: d.storageClass } : {}),
        ...(src.kms && d.kmsKeyArn ? { encryptionConfiguration: { replicaKmsKeyId: d.kmsKeyArn } } : {}),
        metrics: { status: "Enabled", eventThreshold: { minutes: REPLICATION_THRESHOLD_MINUTES } },
        ...(d.replicationTime
          ? {
              replicationTime: {
                status: "Enabled" as const,
                time: { minutes: REPLICATION_THRESHOLD_MINUTES },
              },
            }
          : {}),
      },
    };
  });
}
