/**
 * The harbor-config capability's wiring from the validated platform config. Pure; the platform component calls
 * it with Harbor's URL and admin password.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../config";
import type { HarborConfigArgs } from "./component";

/** {@link HarborConfigArgs} for a stack, or `undefined` when `harborConfig.enabled` is false. */
export function harborConfigArgsFromConfig(
  cfg: PlatformConfig,
  harbor: {
    url: pulumi.Input<string>;
    adminPassword: pulumi.Input<string>;
    caBundlePem?: pulumi.Input<string>;
    deletedWith?: pulumi.Resource;
  },
): HarborConfigArgs | undefined {
  const hc = cfg.harborConfig;
  if (!hc.enabled) return undefined;
  return {
    url: harbor.url,
    adminPassword: harbor.adminPassword,
    caBundlePem: harbor.caBundlePem,
    deletedWith: harbor.deletedWith,
    registryHost: cfg.host,
    projects: hc.projects,
    retention: hc.retention,
    gc: hc.gc,
    auditLog: hc.auditLog,
    proxyCaches: hc.proxyCaches,
    robotRotation: hc.robotRotation,
    protectProjects: cfg.protect,
  };
}
