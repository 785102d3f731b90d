/**
 * The replication capability's wiring from the validated platform config (SPEC R6). Pure; the platform
 * component calls it.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../config";
import type { HarborArgs } from "../harbor/args";
import { pemBundle } from "../tls/certs";
import { replicationPlan } from "./plan";
import type { ReplicationPeers, ReplicationPeersArgs } from "./peers";
import type { ReplicationTargetArgs } from "./target";
import type { ReplicationTargetContract } from "./contract";

/** The regular (non-proxy-cache) Harbor projects of a stack: what replication can carry. */
export function replicableProjects(cfg: PlatformConfig): string[] {
  return cfg.harborConfig.projects.map((p) => p.name);
}

/**
 * {@link ReplicationPeersArgs} of a primary with peers; `undefined` on a replica or a primary without peers.
 * `storage` is this stack's storage component (the source of the backup replication, on AWS).
 */
export function replicationPeersArgsFromConfig(
  cfg: PlatformConfig,
  storage: {
    backupBucketName: pulumi.Input<string>;
    backupBucketArn: pulumi.Input<string>;
    /** The storage component: the source bucket's versioning must exist before replication. */
    resource: pulumi.Resource;
  },
  tags: Record<string, string>,
): ReplicationPeersArgs | undefined {
  if (cfg.role !== "primary" || cfg.replication.peers.length === 0) return undefined;
  const onAws = cfg.storage.provider === "aws";
  const peers = replicationPlan(cfg.replication.peers, replicableProjects(cfg), onAws);
  return {
    peers,
    ...(onAws && peers.some((p) => p.backupReplication)
      ? {
          backupSource: {
            bucketName: storage.backupBucketName,
            bucketArn: storage.backupBucketArn,
            region: cfg.region,
            kms: cfg.storage.kms,
            ...(cfg.storage.kmsKeyArn ? { kmsKeyArn: cfg.storage.kmsKeyArn } : {}),
            dependsOn: [storage.resource],
          },
        }
      : {}),
    tags,
    registryHost: cfg.host,
  };
}

/**
 * Harbor's args with every peer's CA added to the CAs Harbor trusts for its outgoing TLS
 * (`trustedCaBundlePem`: merged with the platform CA behind `caBundleSecretName`, read by core and jobservice),
 * so that replication to a peer with a private CA verifies TLS (`insecure: false`). The portal's CA download
 * stays the platform CA.
 */
export function withPeerCas(args: HarborArgs, peers: ReplicationPeers | undefined): HarborArgs {
  if (!peers) return args;
  return {
    ...args,
    trustedCaBundlePem: pulumi
      .all([args.trustedCaBundlePem ?? "", peers.caBundlePems])
      .apply(([extra, ps]) => pemBundle(extra, ...ps)),
  };
}

/** {@link ReplicationTargetArgs} of a replica; `undefined` on a primary. */
export function replicationTargetArgsFromConfig(
  cfg: PlatformConfig,
  inputs: {
    harborUrl: pulumi.Input<string>;
    adminPassword: pulumi.Input<string>;
    caBundlePem?: pulumi.Output<string>;
    /** What the Harbor API client trusts (the platform's root). Default: {@link caBundlePem}. */
    harborApiCaPem?: pulumi.Output<string>;
    /** The Harbor release: its deletion takes the replication robot with it (`HarborApiArgs.deletedWith`). */
    harborRelease?: pulumi.Resource;
    backupBucketName: pulumi.Input<string>;
    backupBucketArn: pulumi.Input<string>;
  },
): ReplicationTargetArgs | undefined {
  if (cfg.role !== "replica") return undefined;
  const robot = cfg.replication.robot;
  return {
    harbor: {
      url: inputs.harborUrl,
      adminPassword: inputs.adminPassword,
      caBundlePem: inputs.harborApiCaPem ?? inputs.caBundlePem,
      deletedWith: inputs.harborRelease,
    },
    registryUrl: `https://${cfg.host}`,
    caBundlePem: inputs.caBundlePem,
    robot: {
      name: robot?.name ?? "replication",
      projects: robot?.projects ?? replicableProjects(cfg),
      allowDeletion: robot?.allowDeletion ?? false,
      rotation: cfg.harborConfig.robotRotation,
    },
    ...(cfg.storage.provider === "aws"
      ? {
          backupBucket: {
            bucket: inputs.backupBucketName,
            bucketArn: inputs.backupBucketArn,
            region: cfg.region,
            sseKms: cfg.storage.kms,
            ...(cfg.storage.kmsKeyArn ? { kmsKeyArn: cfg.storage.kmsKeyArn } : {}),
            objectLock: cfg.storage.backupRetention,
          },
        }
      : {}),
  };
}

/** Per peer of a primary, in the stack outputs: where it pushes and how. */
export interface ReplicationPeerOutput {
  stack: string;
  registryUrl: pulumi.Output<string>;
  /** Harbor registry endpoint name. */
  endpoint: string;
  /** Harbor replication policy names. */
  policies: string[];
  projects: string[];
  /** The backup bucket is S3-replicated into the peer's. */
  backupReplication: boolean;
}

/** The replication part of the output contract (see README "Outputs"). */
export function replicationOutputs(
  peers: ReplicationPeers | undefined,
  target:
    { target: pulumi.Output<ReplicationTargetContract>; robotSecret: pulumi.Output<string> } | undefined,
): {
  replicationPeers?: Record<string, ReplicationPeerOutput>;
  replicationTarget?: pulumi.Output<ReplicationTargetContract>;
  replicationRobotSecret?: pulumi.Output<string>;
} {
  return {
    ...(peers
      ? {
          replicationPeers: Object.fromEntries(
            Object.entries(peers.peers).map(([k, p]) => [
              k,
              {
                stack: p.plan.stack,
                registryUrl: p.target.apply((t) => t.registryUrl),
                endpoint: p.plan.endpointName,
                policies: p.plan.policies.map((x) => x.name),
                projects: p.plan.projects,
                backupReplication: p.plan.backupReplication !== undefined,
              },
            ]),
          ),
        }
      : {}),
    ...(target ? { replicationTarget: target.target, replicationRobotSecret: target.robotSecret } : {}),
  };
}

/**
 * The sub-prefix of Velero's backup locations: the stack name (`velero/<stack>`, `archive/<stack>`), or
 * `replication.backupScope`. In S3 backup replication a replica's bucket holds its own backups under
 * `velero/<replica>` and each primary's replicated ones under `velero/<primary>`: neither Velero sees (nor
 * overwrites, nor syncs) the other's backups or kopia repository. Every stack is scoped, not only those in
 * replication: Velero refuses a location whose root holds a directory it does not know ("Backup store contains
 * invalid top-level directories", velero pkg/persistence/object_store.go `IsValid`), so a prefix that moved from
 * `velero/<stack>` back to `velero` (the last backup peer removed, a replica promoted) left the location
 * Unavailable and every backup failing. A scope that never depends on peers or role never moves.
 */
export function backupLocationScope(cfg: PlatformConfig): string {
  return cfg.replication.backupScope ?? cfg.stack;
}
