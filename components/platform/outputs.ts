/**
 * The stack output contract: what every platform stack exports for app stacks, peers and operators.
 * Secret values (admin password, pull dockerconfigjson) are Pulumi secrets.
 */
import * as pulumi from "@pulumi/pulumi";

/** Pull/push robot names of one Harbor project. */
export interface ProjectRobots {
  pullRobot: pulumi.Output<string>;
  /** Absent on proxy-cache projects (they have no push robot). */
  pushRobot?: pulumi.Output<string>;
}

export interface PlatformOutputs {
  environment: string;
  region: string;
  role: string;
  /** The registry's FQDN. */
  registryHost: string;
  /** `https://<registryHost>`. */
  registryUrl: string;
  registryBucket: pulumi.Output<string>;
  backupBucket: pulumi.Output<string>;
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
  veleroNamespace?: pulumi.Output<string>;
  veleroSchedules?: Record<string, string>;
  veleroBackupLocations?: { default: string; archive: string };
}
