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
    /** Quarterly in-cluster restore drill CronJob. */
    drillCronJob: z.boolean().default(false),
    drillSchedule: cron5.default("0 5 1 */3 *"),
  })
  .prefault({});
