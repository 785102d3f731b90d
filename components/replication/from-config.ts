/**
 * The replication capability's wiring from the validated platform config (SPEC R6). Pure; the platform
 * component calls it.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../config";
import { mergeCaBundles, replicationPlan } from "./plan";
import type { ReplicationPeers, ReplicationPeersArgs } from "./peers";

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
  };
}

/**
 * The CA bundle this stack's Harbor trusts (`caBundleSecretName`: core and jobservice): its own CA, plus every
 * peer's CA, so that replication to a peer with a private CA verifies TLS (`insecure: false`).
 */
export function harborTrustedCaBundle(
  own: pulumi.Output<string> | undefined,
  peers: ReplicationPeers | undefined,
): pulumi.Output<string> | undefined {
  if (!peers) return own;
  return pulumi.all([own ?? "", peers.caBundlePems]).apply(([o, ps]) => mergeCaBundles([o, ...ps]));
}
