import { z } from "zod";
import { cron5, k8sNameSchema, timeZone } from "./common";

export const BACKUP_MODES = ["fs-kopia", "csi-datamover"] as const;

/** `registry-platform:velero` — backups (SPEC R5). */
export const veleroSection = z
  .strictObject({
    enabled: z.boolean().default(true),
    namespace: k8sNameSchema.default("velero"),
    /** IANA time zone the schedules are expressed in. Default UTC. */
    timezone: timeZone.default("UTC"),
    /** File-system backup of PVs with the node agent (kopia), or CSI snapshots with data movement. */
    backupMode: z.enum(BACKUP_MODES).default("fs-kopia"),
    schedules: z
      .strictObject({
        daily: cron5.default("0 7 * * *"),
        weekly: cron5.default("0 7 * * 0"),
        monthly: cron5.default("0 7 1 * *"),
      })
      .prefault({}),
    serviceMonitor: z.boolean().default(false),
    prometheusRule: z.boolean().default(false),
    /** Quarterly in-cluster restore drill CronJob (requires `drillImage`). */
    drillCronJob: z.boolean().default(false),
    /** When the drill CronJob runs, in `timezone`. Default 05:00 on the 1st of every third month. */
    drillSchedule: cron5.default("0 5 1 */3 *"),
    /**
     * Image with this repository's built drill (`dist/` + production node_modules), pinned by digest:
     * `registry/name:tag@sha256:<64 hex>`. No default: the platform does not build images.
     */
    drillImage: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9.:_/-]*[a-z0-9])?(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?@sha256:[a-f0-9]{64}$/, {
        message:
          "an image reference pinned by digest, such as registry.example.com/platform/drill:1.0@sha256:<64 hex>",
      })
      .optional(),
  })
  .prefault({});
