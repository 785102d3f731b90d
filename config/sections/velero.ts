import { z } from "zod";
import { cron5, k8sNameSchema, timeZone } from "./common";

export const BACKUP_MODES = ["fs-kopia", "csi-datamover"] as const;

/**
 * {@link cron5} behind a field-count check that stops parsing when it fails: zod runs every check of a
 * schema, and cron5's per-field refinement throws (instead of reporting) on a 6-field expression.
 */
const cron = z
  .string()
  .regex(/^\s*(\S+\s+){4}\S+\s*$/, { message: "a 5-field cron expression such as '0 7 * * *'" })
  .pipe(cron5);

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
        daily: cron.default("0 7 * * *"),
        weekly: cron.default("0 7 * * 0"),
        monthly: cron.default("0 7 1 * *"),
      })
      .prefault({}),
    serviceMonitor: z.boolean().default(false),
    prometheusRule: z.boolean().default(false),
    /** Quarterly in-cluster restore drill CronJob (needs `drillImage`; skipped with a warning without one). */
    drillCronJob: z.boolean().default(false),
    /** When the drill CronJob runs, in `timezone`. Default 05:00 on the 1st of every third month. */
    drillSchedule: cron.default("0 5 1 */3 *"),
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
