import { z } from "zod";
import { isPort } from "../../components/tls/certs";

/** Kubernetes namespace / object name (RFC 1123 label). */
export const k8sNameSchema = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
  message: "a Kubernetes name: [a-z0-9-], 1-63 characters",
});

const SIZE_FORM = 'a size string with a unit, such as "5Gi" (Ki, Mi, Gi, Ti, Pi, or k, M, G, T, P)';

/**
 * Kubernetes quantity for storage, with a unit: `5Gi`. A bare `5` in YAML (or `--path ... 5`) is a number,
 * and a unit-less "5" would be 5 bytes: both are refused with the expected form.
 */
export const storageQuantity = z
  .string({ error: SIZE_FORM })
  .regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)$/, { message: SIZE_FORM, abort: true })
  // Kubernetes refuses a PVC request of zero.
  .refine((s) => parseFloat(s) > 0, { message: `${SIZE_FORM}, more than 0` });

export { isPort };

/** `host:port`, the port 1-65535. */
export const hostPort = z
  .string()
  .regex(/^[^\s:/]+:\d{1,5}$/, { message: "host:port (port 1-65535)", abort: true })
  .refine((s) => isPort(s.slice(s.lastIndexOf(":") + 1)), { message: "host:port (port 1-65535)" });

const CRON5_FORM =
  "a 5-field cron expression such as '0 7 * * *' (minute 0-59, hour 0-23, day 1-31, month 1-12, weekday 0-6 (0 = Sunday))";
const CRON6_FORM = "a 6-field cron expression (second minute hour day month weekday) such as '0 0 3 * * 0'";

/** Five-field cron expression (minute hour day-of-month month day-of-week). */
export const cron5 = z
  .string()
  // `abort`: a wrong field count is one problem, not also the field check's.
  .regex(/^(\S+\s+){4}\S+$/, { message: CRON5_FORM, abort: true })
  .refine(
    (s) => {
      const fields = s.trim().split(/\s+/);
      return fields.length === 5 && fields.every((f, i) => cronFieldOk(f, i));
    },
    { message: CRON5_FORM },
  );

/** Six-field cron (Harbor's scheduler: second minute hour day month weekday). */
export const cron6 = z
  .string()
  .regex(/^(\S+\s+){5}\S+$/, {
    message: CRON6_FORM,
    abort: true,
  })
  .refine(
    (s) => {
      const fields = s.trim().split(/\s+/);
      return (
        fields.length === 6 &&
        fields.every((f, i) => (i === 0 ? cronRangeOk(f, 0, 59) : cronFieldOk(f, i - 1)))
      );
    },
    { message: CRON6_FORM },
  );

const HARBOR_CRON_FORM =
  "a 6-field cron expression (second minute hour day month weekday) with the seconds field 0 (Harbor refuses other seconds), such as '0 0 3 * * 0'";

/**
 * The schedule of a Harbor job (GC, tag retention, audit-log purge, a replication policy): {@link cron6} with the
 * seconds field `0`, as Harbor's `ValidateCronString` requires (any other is a 400 when the schedule is updated).
 * One problem per value: a malformed expression is reported once, with the same form.
 */
export const harborCron = z
  .string()
  .refine((s) => cron6.safeParse(s).success && s.trim().split(/\s+/)[0] === "0", {
    message: HARBOR_CRON_FORM,
  });

const CRON_LIMITS: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  // robfig/cron v3 (Velero's schedules, a CronJob's schedule, Harbor's scheduler) knows Sunday as 0 only: a 7
  // is "end of range (7) above maximum (6)" there, a Schedule that never runs.
  [0, 6],
];

function cronFieldOk(field: string, index: number): boolean {
  const [lo, hi] = CRON_LIMITS[index];
  return cronRangeOk(field, lo, hi);
}

/** Checks one cron field: `*`, `?`, numbers, ranges `a-b`, lists `a,b`, steps `x/n`, within [lo, hi]. */
export function cronRangeOk(field: string, lo: number, hi: number): boolean {
  return field.split(",").every((part) => {
    const [range, step] = part.split("/");
    // A step of 0 never fires: robfig/cron (Velero) and Harbor's scheduler refuse it.
    if (step !== undefined && (!/^\d+$/.test(step) || Number(step) === 0)) return false;
    if (range === "*" || range === "?") return true;
    const m = /^(\d+)(?:-(\d+))?$/.exec(range);
    if (!m) return false;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    return a >= lo && b <= hi && a <= b;
  });
}

/** IANA time zone name known to this Node.js runtime (e.g. Asia/Seoul, UTC). */
export const timeZone = z.string().refine((tz) => isKnownTimeZone(tz), {
  message: "an IANA time zone such as Asia/Seoul or UTC",
});

/** The runtime's canonical zone names, read on first use. */
let canonicalZones: ReadonlySet<string> | undefined;
let lowerCanonicalZones: ReadonlySet<string> | undefined;

export function isKnownTimeZone(tz: string): boolean {
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(tz)) return false;
  // A canonical name (Asia/Seoul) is answered from the list, ~2 ms; the formatter also knows aliases (UTC,
  // US/Pacific) but its first construction loads the zone data, 15-40 ms of every synth.
  canonicalZones ??= new Set(Intl.supportedValuesOf("timeZone"));
  if (canonicalZones.has(tz)) return true;
  // The runtime matches zone names in any case; Go's zone lookup (Velero's CRON_TZ, the API server's check of a
  // CronJob's timeZone) does not: "asia/seoul" is unknown there. Every IANA name's segments start uppercase.
  lowerCanonicalZones ??= new Set([...canonicalZones].map((z) => z.toLowerCase()));
  if (lowerCanonicalZones.has(tz.toLowerCase())) return false;
  if (!tz.split("/").every((segment) => /^[A-Z]/.test(segment))) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
