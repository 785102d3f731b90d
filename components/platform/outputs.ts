/**
 * The stack output contract: what every platform stack exports for app stacks, peers and operators.
 * Secret values (admin password, pull dockerconfigjson) are Pulumi secrets. Consumers read it through
 * `components/access/contract.ts`, which checks {@link OUTPUT_CONTRACT_VERSION} and every field's type.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ReplicationTargetContract } from "../replication/contract";
import type { ReplicationPeerOutput } from "../replication/from-config";

/**
 * Version of {@link PlatformOutputs}, exported as `contractVersion`. New optional outputs keep it; removing,
 * renaming or retyping an output bumps it (consumers refuse a version they do not know).
 */
export const OUTPUT_CONTRACT_VERSION = 1;

/** Pull/push robot names of one Harbor project. */
export interface ProjectRobots {
  pullRobot: pulumi.Output<string>;
  /** Absent on proxy-cache projects (they have no push robot). */
  pushRobot?: pulumi.Output<string>;
}

export interface PlatformOutputs {
  /** {@link OUTPUT_CONTRACT_VERSION}. */
  contractVersion: number;
  environment: string;
  region: string;
  role: string;
  /** The registry's FQDN. */
  registryHost: string;
  /** `https://<registryHost>`. */
  registryUrl: string;
  registryBucket: pulumi.Output<string>;
  registryBucketArn: pulumi.Output<string>;
  backupBucket: pulumi.Output<string>;
  backupBucketArn: pulumi.Output<string>;
  storageRegion: pulumi.Output<string>;
  /** S3-compatible stacks only. */
  storageEndpoint?: pulumi.Output<string>;
  /** Public: clients install it. Absent with a public ACME issuer. */
  caBundlePem?: pulumi.Output<string>;
  /** sha256 of {@link caBundlePem}, hex. */
  registryCaSha256?: pulumi.Output<string>;
  harborNamespace: pulumi.Output<string>;
  /** Secret. */
  harborAdminPassword: pulumi.Output<string>;
  harborProjects?: Record<string, ProjectRobots>;
  /** Secret, per project: the `.dockerconfigjson` of its pull robot. */
  pullDockerConfigJson?: Record<string, pulumi.Output<string>>;
  /** Primaries: per peer stack, the Harbor endpoint and policies and whether backups are S3-replicated. */
  replicationPeers?: Record<string, ReplicationPeerOutput>;
  /** Replicas: what primaries read (`ReplicationTargetContract`, public). */
  replicationTarget?: pulumi.Output<ReplicationTargetContract>;
  /** Replicas: the replication robot's secret. Secret. */
  replicationRobotSecret?: pulumi.Output<string>;
  veleroNamespace?: pulumi.Output<string>;
  veleroSchedules?: Record<string, string>;
  veleroBackupLocations?: { default: string; archive: string };
}
