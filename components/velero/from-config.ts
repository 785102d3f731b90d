/**
 * The velero capability's wiring from the validated platform config. Pure; the platform component calls it
 * with the storage outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../config";
import { backupLocationScope } from "../replication/from-config";
import { bucketRegionOf } from "../storage/from-config";
import { trustBundle } from "../tls/registry-tls";
import type { VeleroArgs } from "./index";

/** What Velero takes from the other capabilities. */
export interface VeleroInputs {
  /** The WORM backup bucket (storage output). */
  backupBucket: pulumi.Input<string>;
  /** IRSA role ARN, when the storage component made one. */
  veleroRoleArn?: pulumi.Input<string>;
  /** Static credentials otherwise (storage output). */
  veleroCredentials?: { accessKeyId: pulumi.Input<string>; secretAccessKey: pulumi.Input<string> };
  /** The platform CA bundle, if any. */
  caBundlePem?: pulumi.Output<string>;
}

/** {@link VeleroArgs} for a stack, or `undefined` when `velero.enabled` is false. */
export function veleroArgsFromConfig(cfg: PlatformConfig, inputs: VeleroInputs): VeleroArgs | undefined {
  const v = cfg.velero;
  if (!v.enabled) return undefined;
  return {
    namespace: v.namespace,
    backupBucket: inputs.backupBucket,
    region: bucketRegionOf(cfg),
    archivePrefix: cfg.storage.archive.prefix,
    locationScope: backupLocationScope(cfg),
    storage:
      cfg.storage.provider === "s3-compatible"
        ? {
            kind: "s3-compatible",
            endpoint: cfg.storage.endpoint!,
            // The endpoint's CA: the platform CA when it certifies the endpoint, plus tls.extraCaBundles.
            caBundlePem: trustBundle(
              cfg.storage.endpointUsesPlatformCa ? inputs.caBundlePem : undefined,
              cfg.tls.extraCaBundles,
            ),
          }
        : { kind: "aws" },
    credentials: inputs.veleroRoleArn
      ? { kind: "irsa", roleArn: inputs.veleroRoleArn }
      : { kind: "static", ...inputs.veleroCredentials! },
    backupMode: v.backupMode,
    timezone: v.timezone,
    schedules: v.schedules,
    harborNamespace: cfg.harbor.namespace,
    harborDatabase: { type: cfg.harbor.database.type },
    serviceMonitor: v.serviceMonitor,
    prometheusRule: v.prometheusRule,
    drillCronJob: v.drillCronJob,
    drillSchedule: v.drillSchedule,
    drillImage: v.drillImage,
    production: cfg.isProduction,
    protect: cfg.protect,
    chart: cfg.charts.velero,
    imageMirror: cfg.images.mirror,
    wait: cfg.helm.wait,
    timeoutSeconds: cfg.helm.timeoutSeconds,
  };
}
