/**
 * `BackupReplication` (SPEC R6.3): S3 replication of this region's WORM backup bucket into each peer's backup
 * bucket — one replication role with a least-privilege policy, one replication configuration with a rule per
 * peer. The rules and policies are the pure functions of `./s3`.
 */
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import * as iam from "@pulumi/aws/iam";
import * as s3 from "@pulumi/aws/s3";
import * as pulumi from "@pulumi/pulumi";
import {
  ReplicationDestination,
  replicationRolePolicy,
  replicationRules,
  replicationTrustPolicy,
  SourceBucket,
} from "./s3";

export interface BackupReplicationArgs {
  /** The source (this stack's backup bucket). */
  source: {
    bucketName: pulumi.Input<string>;
    bucketArn: pulumi.Input<string>;
    region: string;
    /** SSE-KMS default encryption (with `kmsKeyArn`, else the AWS-managed key). */
    kms: boolean;
    kmsKeyArn?: string;
  };
  /** One per peer; at least one. Usually computed from the peers' stack outputs. */
  destinations: pulumi.Input<ReplicationDestination>[];
  /** Tags of the IAM role. */
  tags?: Record<string, string>;
  /**
   * Resources the configuration must wait for: the source bucket's versioning (S3 refuses replication on an
   * unversioned bucket). Pass the storage component.
   */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export class BackupReplication extends pulumi.ComponentResource {
  public readonly roleArn: pulumi.Output<string>;
  /** Rule ids, `to-<peer>`. */
  public readonly ruleIds: pulumi.Output<string[]>;

  constructor(name: string, args: BackupReplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    if (args.destinations.length === 0) throw new Error(`BackupReplication ${name}: no destination`);
    super("registry-platform:replication:BackupReplication", name, {}, opts);
    const accountId = getCallerIdentityOutput({}, { parent: this }).accountId;
    const source = pulumi
      .all([args.source.bucketArn, accountId])
      .apply(([bucketArn, account]): SourceBucket => ({
        bucketArn,
        region: args.source.region,
        accountId: account,
        kms: args.source.kms,
        ...(args.source.kmsKeyArn ? { kmsKeyArn: args.source.kmsKeyArn } : {}),
      }));
    const destinations = pulumi.all(args.destinations);

    const role = new iam.Role(
      `${name}-role`,
      {
        description: "S3 replication of the backup bucket into the peer regions' backup buckets",
        assumeRolePolicy: source.apply((s) => JSON.stringify(replicationTrustPolicy(s))),
        tags: { ...args.tags, "registry-platform/component": "backup-replication" },
      },
      { parent: this },
    );
    const policy = new iam.RolePolicy(
      `${name}-role-policy`,
      {
        role: role.name,
        policy: pulumi
          .all([source, destinations])
          .apply(([s, d]) => JSON.stringify(replicationRolePolicy(s, d))),
      },
      { parent: this },
    );
    const rules = pulumi.all([source, destinations]).apply(([s, d]) => replicationRules(s, d));
    new s3.BucketReplicationConfig(
      `${name}-config`,
      { bucket: args.source.bucketName, role: role.arn, rules },
      { parent: this, dependsOn: [policy, ...(args.dependsOn ?? [])] },
    );
    this.roleArn = role.arn;
    this.ruleIds = rules.apply((r) => r.map((x) => x.id));
    this.registerOutputs({ roleArn: this.roleArn, ruleIds: this.ruleIds });
  }
}
