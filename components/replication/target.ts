/**
 * `ReplicationTarget` (SPEC R6.2): what a replica publishes for the primaries that push to it — its
 * system-level replication robot (push rights only on the replicated projects, deletes only when allowed) and
 * the {@link ReplicationTargetContract} (URL, CA bundle, robot name, projects, backup bucket). The projects
 * themselves are the replica's own `harborConfig.projects` (same names and settings as the primary's: the same
 * config), created by `HarborConfig` before the robot.
 */
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import * as pulumi from "@pulumi/pulumi";
import { HarborApiArgs, harborConnection } from "../harbor-config/connection";
import type { ObjectLockMode } from "../storage/rules";
import { REPLICATION_CONTRACT_VERSION, ReplicationTargetContract } from "./contract";
import { SystemRobotAccount } from "./harbor/resources";
import type { RobotPermission } from "./harbor/system-robot";
import { REPLICATION_ROBOT_ACCESS, REPLICATION_ROBOT_DELETE_ACCESS } from "./plan";

export interface ReplicationTargetArgs {
  /** This replica's Harbor: URL, admin password (secret), CA bundle. */
  harbor: HarborApiArgs;
  /** `https://<host>`, published to the primaries. */
  registryUrl: string;
  /** The CA bundle clients (and primaries) must trust; absent with a publicly trusted certificate. */
  caBundlePem?: pulumi.Input<string>;
  robot: {
    /** Short name, `robot$<name>`. Default `replication`. */
    name?: string;
    /** Projects the robot may push to (they must exist: pass the HarborConfig component in `dependsOn`). */
    projects: string[];
    /** Allow replicated deletions. Default false. */
    allowDeletion?: boolean;
    /** Change to refresh the secret. Default "1". */
    rotation?: string;
  };
  /** The backup bucket primaries replicate into (AWS stacks); omitted on S3-compatible stacks. */
  backupBucket?: {
    bucket: pulumi.Input<string>;
    bucketArn: pulumi.Input<string>;
    region: string;
    sseKms: boolean;
    kmsKeyArn?: string;
    objectLock: { mode: ObjectLockMode; days: number };
  };
}

/** The robot's permissions: push (and optionally delete) on each project, nothing system-wide. */
export function replicationRobotPermissions(
  projects: readonly string[],
  allowDeletion: boolean,
): RobotPermission[] {
  return [...new Set(projects)].sort().map((project) => ({
    project,
    access: [...REPLICATION_ROBOT_ACCESS, ...(allowDeletion ? REPLICATION_ROBOT_DELETE_ACCESS : [])].map(
      (a) => ({
        ...a,
      }),
    ),
  }));
}

/** The connection every Harbor dynamic resource stores (secret). */

export class ReplicationTarget extends pulumi.ComponentResource {
  public readonly robot: SystemRobotAccount;
  /** The `replicationTarget` stack output (public). */
  public readonly target: pulumi.Output<ReplicationTargetContract>;
  /** The `replicationRobotSecret` stack output (secret). */
  public readonly robotSecret: pulumi.Output<string>;

  constructor(name: string, args: ReplicationTargetArgs, opts?: pulumi.ComponentResourceOptions) {
    if (args.robot.projects.length === 0) throw new Error(`ReplicationTarget ${name}: no project`);
    super("registry-platform:replication:ReplicationTarget", name, {}, opts);
    const allowDeletion = args.robot.allowDeletion ?? false;
    const projects = [...new Set(args.robot.projects)].sort();
    // Children do not inherit the component's dependsOn (the projects): pass it on.
    this.robot = new SystemRobotAccount(
      `${name}-robot`,
      {
        connection: harborConnection(args.harbor),
        name: args.robot.name ?? "replication",
        description: `Replication robot: primaries push ${projects.join(", ")} here (registry-platform)`,
        permissions: replicationRobotPermissions(projects, allowDeletion),
        rotation: args.robot.rotation ?? "1",
      },
      { parent: this, dependsOn: opts?.dependsOn, deletedWith: args.harbor.deletedWith },
    );
    this.robotSecret = pulumi.secret(this.robot.secret);
    const b = args.backupBucket;
    const backup = b
      ? pulumi
          .all([b.bucket, b.bucketArn, getCallerIdentityOutput({}, { parent: this }).accountId])
          .apply(([bucket, bucketArn, accountId]) => ({
            provider: "aws" as const,
            bucket,
            bucketArn,
            region: b.region,
            accountId,
            sseKms: b.sseKms,
            ...(b.kmsKeyArn ? { kmsKeyArn: b.kmsKeyArn } : {}),
            versioning: "Enabled" as const,
            objectLock: { mode: b.objectLock.mode, days: b.objectLock.days },
          }))
      : undefined;
    this.target = pulumi
      .all([this.robot.fullName, args.caBundlePem, backup])
      .apply(([robotName, caBundlePem, backupBucket]) => ({
        version: REPLICATION_CONTRACT_VERSION,
        role: "replica" as const,
        registryUrl: args.registryUrl,
        ...(caBundlePem ? { caBundlePem } : {}),
        robotName,
        projects,
        allowsDeletion: allowDeletion,
        ...(backupBucket ? { backupBucket } : {}),
      }));
    this.registerOutputs({ target: this.target, robotSecret: this.robotSecret });
  }
}
