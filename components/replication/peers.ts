/**
 * `ReplicationPeers` (SPEC R6.2, R6.3): a primary's view of its replicas. One `StackReference` per peer
 * (a missing output fails once, naming the peer stack, the output and the deploy order: {@link missingPeerOutput}), each peer's
 * `replicationTarget` checked against what this primary needs, and — on AWS — the S3 replication of the
 * backup bucket into the peers' backup buckets.
 *
 * Peers are read before Harbor is deployed (their CA bundles go into Harbor's trusted bundle); the Harbor
 * endpoints and policies are made afterwards by {@link HarborReplication}.
 */
import * as pulumi from "@pulumi/pulumi";
import { BackupReplication } from "./backup-replication";
import {
  checkReplicationTarget,
  peerRegistryProblems,
  REPLICATION_ROBOT_SECRET_OUTPUT,
  REPLICATION_TARGET_OUTPUT,
  ReplicationTargetContract,
} from "./contract";
import { PeerPlan } from "./plan";
import { awsManagedS3KeyArn, ReplicationDestination } from "./s3";

export interface ReplicationPeersArgs {
  /** From {@link replicationPlan}. */
  peers: PeerPlan[];
  /** This stack's backup bucket; required when any peer has backup replication. */
  backupSource?: {
    bucketName: pulumi.Input<string>;
    bucketArn: pulumi.Input<string>;
    region: string;
    kms: boolean;
    kmsKeyArn?: string;
    /** The source bucket's versioning must exist first: pass the storage component. */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
  };
  tags?: Record<string, string>;
  /** This stack's registry host (`host` config): a peer publishing it is refused. */
  registryHost?: string;
  /**
   * The AWS provider of the S3 backup replication. Default: the one inherited from `opts`. Given here, it goes to
   * the backup replication only: the component and its `StackReference`s then do not wait for the provider, which
   * may itself wait for them ({@link ReplicationPeers.references}).
   */
  awsProvider?: pulumi.ProviderResource;
}

/** One peer as read. */
export interface PeerTarget {
  plan: PeerPlan;
  /** The checked `replicationTarget` output. */
  target: pulumi.Output<ReplicationTargetContract>;
  /** The robot's secret (secret). */
  robotSecret: pulumi.Output<string>;
}

/**
 * The error for a peer stack without one of the outputs a primary reads: the peer was not deployed yet (or by a
 * version without replication). Starts `peer stack <name>:` like the offline synth's peer errors.
 */
export function missingPeerOutput(stack: string, output: string): string {
  return (
    `peer stack ${stack}: it has no output ${JSON.stringify(output)}: deploy it before this stack ` +
    `(replicas before their primary): pulumi up --stack ${stack}`
  );
}

export class ReplicationPeers extends pulumi.ComponentResource {
  /** By peer stack name. */
  public readonly peers: Record<string, PeerTarget>;
  /**
   * Every peer's checked `replicationTarget`, in plan order. Resolves only when every peer was read and passed the
   * checks, each alone and together; otherwise the run fails with what is wrong.
   */
  public readonly targets: pulumi.Output<ReplicationTargetContract[]>;
  /** Every peer's CA bundle (public), for the trusted bundle of this stack's Harbor. */
  public readonly caBundlePems: pulumi.Output<string[]>;
  /** Absent when no peer has backup replication. */
  public readonly backupReplication?: BackupReplication;
  /**
   * The peers' `StackReference`s. A read fails when a peer stack does not exist (deployed out of order): what
   * depends on them is then never registered (the platform's providers do, so nothing is created on AWS or
   * Kubernetes before the replicas are read).
   */
  public readonly references: pulumi.StackReference[];

  constructor(name: string, args: ReplicationPeersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("registry-platform:replication:ReplicationPeers", name, {}, opts);
    this.peers = {};
    this.references = [];
    const read = args.peers.map((plan) => {
      const ref = new pulumi.StackReference(`${name}-${plan.name}`, { name: plan.stack }, { parent: this });
      this.references.push(ref);
      // One error for a peer not deployed yet (the SDK's requireOutput failed once per output, each with the SDK's
      // stack trace): the robot's secret is read after the target.
      const required = (output: string) =>
        ref.getOutput(output).apply((v: unknown) => {
          if (v === undefined)
            throw new pulumi.ResourceError(missingPeerOutput(plan.stack, output), this, true);
          return v;
        });
      const target = required(REPLICATION_TARGET_OUTPUT).apply((t: unknown) =>
        checkReplicationTarget(t, {
          stack: plan.stack,
          projects: plan.projects,
          deletion: plan.policies.some((p) => p.deletion),
          backupReplication: plan.backupReplication !== undefined,
          region: args.backupSource?.region,
        }),
      );
      // Secret through the peer's secretOutputNames; wrapped again so it stays secret whatever the engine says.
      const robotSecret = pulumi.secret(
        target.apply(() => required(REPLICATION_ROBOT_SECRET_OUTPUT)) as pulumi.Output<string>,
      );
      return { plan, target, robotSecret };
    });
    // The peers together: none is this stack's own registry, no two are one registry.
    this.targets = pulumi.all(read.map((r) => r.target)).apply((ts) => {
      const problems = peerRegistryProblems(
        ts.map((t, i) => ({ stack: read[i].plan.stack, registryUrl: t.registryUrl })),
        args.registryHost,
      );
      if (problems.length > 0) throw new Error(problems.join("; "));
      return ts;
    });
    read.forEach((r, i) => {
      this.peers[r.plan.name] = { ...r, target: this.targets.apply((ts) => ts[i]) };
    });
    this.caBundlePems = this.targets.apply((ts) =>
      ts.map((t) => t.caBundlePem).filter((x): x is string => x !== undefined),
    );

    const backupPeers = Object.values(this.peers).filter((p) => p.plan.backupReplication);
    if (backupPeers.length > 0) {
      const src = args.backupSource;
      if (!src)
        throw new Error(
          `ReplicationPeers ${name}: backup replication needs backupSource (an AWS backup bucket)`,
        );
      const destinations = backupPeers.map((p) =>
        p.target.apply((t): ReplicationDestination => {
          const b = t.backupBucket!;
          const partition = /^arn:(aws[a-z-]*):/.exec(b.bucketArn)?.[1] ?? "aws";
          return {
            name: p.plan.name,
            stack: p.plan.stack,
            bucketArn: b.bucketArn,
            accountId: b.accountId,
            region: b.region,
            kmsKeyArn:
              b.kmsKeyArn ?? (src.kms ? awsManagedS3KeyArn(partition, b.region, b.accountId) : undefined),
            replicationTime: p.plan.backupReplication!.replicationTime,
            ...(p.plan.backupReplication!.storageClass
              ? { storageClass: p.plan.backupReplication!.storageClass }
              : {}),
          };
        }),
      );
      this.backupReplication = new BackupReplication(
        `${name}-backup`,
        {
          source: {
            bucketName: src.bucketName,
            bucketArn: src.bucketArn,
            region: src.region,
            kms: src.kms,
            ...(src.kmsKeyArn ? { kmsKeyArn: src.kmsKeyArn } : {}),
          },
          destinations,
          tags: args.tags,
          dependsOn: src.dependsOn,
        },
        { parent: this, ...(args.awsProvider ? { providers: { aws: args.awsProvider } } : {}) },
      );
    }
    this.registerOutputs({
      peers: Object.fromEntries(Object.entries(this.peers).map(([k, p]) => [k, p.target])),
      caBundlePems: this.caBundlePems,
    });
  }
}
