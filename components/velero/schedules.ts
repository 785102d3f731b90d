/**
 * Velero's schedules for the platform, pure: names and constants, the PostgreSQL dump hook of Harbor's internal
 * database, the three schedules (SPEC R5.4) and the alert rules on Velero's metrics. Nothing here registers a
 * resource; the chart values that carry them are built in ./values.ts.
 */

// ── schedule value types ───────────────────────────────────────────────────────────────────────────────

/** Velero backup hook spec (`spec.hooks.resources[]` of a Backup). */
export interface BackupHookResource {
  name: string;
  includedNamespaces: string[];
  labelSelector: { matchLabels: Record<string, string> };
  pre: {
    exec: { container: string; command: string[]; onError: "Continue" | "Fail"; timeout: string };
  }[];
}

/** The Backup template of a Schedule (velero.io/v1 BackupSpec subset). */
export interface BackupTemplate {
  ttl: string;
  storageLocation: string;
  includedNamespaces: string[];
  snapshotVolumes?: boolean;
  defaultVolumesToFsBackup?: boolean;
  snapshotMoveData?: boolean;
  metadata?: { labels: Record<string, string> };
  hooks?: { resources: BackupHookResource[] };
}

/** One entry of the chart's `schedules` map (rendered as `<fullname>-<key>` Schedule objects). */
export interface ScheduleValue {
  disabled: boolean;
  /** `CRON_TZ=<tz> <5-field cron>`. */
  schedule: string;
  useOwnerReferencesInBackup: boolean;
  skipImmediately: boolean;
  labels: Record<string, string>;
  template: BackupTemplate;
}

/** A Prometheus alerting rule (the chart renders `metrics.prometheusRule.spec` with `toYaml`, no `tpl`). */
export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

// ── names and constants ────────────────────────────────────────────────────────────────────────────────

/** Helm release name; the chart's fullname is the release name when it contains "velero". */
export const VELERO_RELEASE_NAME = "velero";
/** Name of the default backup storage location. */
export const DEFAULT_LOCATION = "default";
/** Name of the long-term (monthly) backup storage location. */
export const ARCHIVE_LOCATION = "archive";
/**
 * Prefix of the default location inside the backup bucket. A location must own its prefix: Velero refuses a
 * location whose root holds directories it does not know ("Backup store contains invalid top-level
 * directories"), so the default location cannot sit at the bucket root next to `archive/`.
 */
export const DEFAULT_PREFIX = "velero";
/** Service account of the Velero server (the IRSA role's trust policy must name it). */
export const SERVER_SERVICE_ACCOUNT = "velero-server";

export const SCHEDULE_KINDS = ["daily", "weekly", "monthly"] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

/** Backup TTL per schedule kind (SPEC R5.4): 7 days, 35 days, 365 days. */
export const SCHEDULE_TTL: Record<ScheduleKind, string> = {
  daily: "168h0m0s",
  weekly: "840h0m0s",
  monthly: "8760h0m0s",
};

/** Longest interval between two runs of a schedule kind, and the slack allowed before alerting. */
export const SCHEDULE_PERIOD: Record<ScheduleKind, { period: string; slack: string; seconds: number }> = {
  daily: { period: "24h", slack: "6h", seconds: 30 * 3600 },
  weekly: { period: "7d", slack: "12h", seconds: 7 * 86400 + 12 * 3600 },
  monthly: { period: "31d", slack: "1d", seconds: 32 * 86400 },
};

/** Names of the Schedule objects the chart creates (`<fullname>-<key>`); the `schedule` metric label. */
export function scheduleNames(release = VELERO_RELEASE_NAME): Record<ScheduleKind, string> {
  return { daily: `${release}-daily`, weekly: `${release}-weekly`, monthly: `${release}-monthly` };
}

/** `0 7 * * *` in Asia/Seoul → `CRON_TZ=Asia/Seoul 0 7 * * *` (robfig/cron v3 syntax, Velero ≥ 1.15). */
export function cronWithTimezone(timezone: string, cron: string): string {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) throw new Error(`expected a 5-field cron expression, got "${cron}"`);
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(timezone))
    throw new Error(`not a time zone name: "${timezone}"`);
  return `CRON_TZ=${timezone} ${fields.join(" ")}`;
}

/** Whether an archive prefix (`velero/x/`) lies inside the default location's prefix. */
export function overlapsDefaultPrefix(prefix: string): boolean {
  const p = prefix.replace(/^\/+|\/+$/g, "");
  return p === DEFAULT_PREFIX || p.startsWith(`${DEFAULT_PREFIX}/`);
}

/** `archive/` → `archive`; Velero prefixes carry no trailing slash. */
export function locationPrefix(prefix: string): string {
  const p = prefix.replace(/^\/+|\/+$/g, "");
  if (p === "") throw new Error("the archive prefix must not be empty");
  if (overlapsDefaultPrefix(p))
    throw new Error(
      `the archive prefix "${prefix}" overlaps the default location's prefix "${DEFAULT_PREFIX}/"`,
    );
  return p;
}

/** `velero` + `prod-apne2` → `velero/prod-apne2`; no scope → the prefix itself. */
export function scopedPrefix(prefix: string, scope: string | undefined): string {
  if (scope === undefined) return prefix;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(scope))
    throw new Error(`the location scope "${scope}" is not one path segment of [A-Za-z0-9._-]`);
  return `${prefix}/${scope}`;
}

// ── Harbor's internal PostgreSQL ───────────────────────────────────────────────────────────────────────

/**
 * Facts about the Harbor chart 1.19.1 internal database (templates/database/database-ss.yaml): pod labels
 * `app: harbor` + `component: database`, container `database`, the PVC `database-data` mounted at
 * `/var/lib/postgresql/data` with PGDATA in its `pgdata/` sub-directory, superuser `postgres` whose password
 * is the container's `POSTGRES_PASSWORD`, and the core database `registry`.
 */
export const HARBOR_DB = {
  labels: { app: "harbor", component: "database" },
  container: "database",
  dataMount: "/var/lib/postgresql/data",
  database: "registry",
  user: "postgres",
} as const;

/** Where the weekly dump lands: on the database PVC (so the file-system backup carries it), outside PGDATA. */
export const DUMP_DIR = `${HARBOR_DB.dataMount}/velero-dumps`;
export const DUMP_FILE = `${DUMP_DIR}/${HARBOR_DB.database}.dump`;

/** Share of the database volume the hook keeps free for PostgreSQL (its WAL and new rows), in percent. */
export const DUMP_VOLUME_RESERVE_PERCENT = 10;
/** Growth allowed for since the last dump, in percent of its size. */
export const DUMP_GROWTH_PERCENT = 25;

/**
 * The pre-backup exec hook: `pg_dump` (custom format) of Harbor's database into {@link DUMP_FILE}, written to
 * a temporary name first so that a failed dump never replaces the last good one. `onError: Fail` fails the
 * backup (and so raises the backup-failure alert) when the dump fails.
 *
 * The dump shares the volume with the database, and a full volume stops PostgreSQL. So before writing, the hook
 * removes a temporary file a killed run left, and checks the free space: it needs the last dump's size (for the
 * first dump, the database's size on disk) plus {@link DUMP_GROWTH_PERCENT} %, with
 * {@link DUMP_VOLUME_RESERVE_PERCENT} % of the volume left free. Short of that it writes nothing and fails,
 * naming both figures. A dump that fails half-way removes its temporary file. Only `df`, `wc` and the PostgreSQL
 * client tools of the database image besides the shell.
 */
export function harborDbDumpHook(harborNamespace: string): BackupHookResource {
  const tmp = `${DUMP_FILE}.partial`;
  const auth = `PGPASSWORD="$POSTGRES_PASSWORD"`;
  const db = `--username=${HARBOR_DB.user} --dbname=${HARBOR_DB.database}`;
  const script = [
    "set -eu",
    `mkdir -p ${DUMP_DIR}`,
    `rm -f ${tmp}`,
    `trap 'rm -f ${tmp}' EXIT`,
    // KiB: the last dump, else the database on disk.
    `if [ -f ${DUMP_FILE} ]; then est=$(( $(wc -c < ${DUMP_FILE}) / 1024 )); ` +
      `else est=$(${auth} psql ${db} -Atc 'SELECT pg_database_size(current_database()) / 1024'); fi`,
    // df -P: one line per file system; fields: name, size, used, available (KiB with -k).
    `set -- $(df -Pk ${DUMP_DIR} | { read -r _; read -r _ size _ avail _; echo "$size $avail"; })`,
    `need=$(( est + est * ${DUMP_GROWTH_PERCENT} / 100 + $1 * ${DUMP_VOLUME_RESERVE_PERCENT} / 100 ))`,
    `if [ "$2" -lt "$need" ]; then echo "harbor-postgresql-dump: not enough free space in ${DUMP_DIR}: $2 KiB free, $need KiB needed ` +
      `(the last dump or, for the first, the database: $est KiB, + ${DUMP_GROWTH_PERCENT} %; ${DUMP_VOLUME_RESERVE_PERCENT} % of the volume stays free for PostgreSQL); ` +
      `nothing was written; grow the database volume (harbor.database.size)" >&2; exit 1; fi`,
    `${auth} pg_dump ${db} --format=custom --file=${tmp}`,
    `mv -f ${tmp} ${DUMP_FILE}`,
    `date -u +%Y-%m-%dT%H:%M:%SZ > ${DUMP_DIR}/last-dump-utc`,
  ].join("\n");
  return {
    name: "harbor-postgresql-dump",
    includedNamespaces: [harborNamespace],
    labelSelector: { matchLabels: { ...HARBOR_DB.labels } },
    pre: [
      {
        exec: {
          container: HARBOR_DB.container,
          command: ["/bin/sh", "-c", script],
          onError: "Fail",
          timeout: "15m",
        },
      },
    ],
  };
}

// ── schedules ──────────────────────────────────────────────────────────────────────────────────────────

export type BackupMode = "fs-kopia" | "csi-datamover";

export interface ScheduleInputs {
  timezone: string;
  schedules: Record<ScheduleKind, string>;
  harborNamespace: string;
  harborDatabase: "internal" | "external";
  backupMode: BackupMode;
}

/**
 * The three schedules of SPEC R5.4. They are plain chart values: nothing about them waits for Harbor, a
 * missing namespace simply yields an empty backup, and `skipImmediately` keeps Velero from taking a backup
 * the moment the schedule is created (before Harbor may exist) — the first run is the first cron time.
 */
export function veleroSchedules(s: ScheduleInputs): Record<ScheduleKind, ScheduleValue> {
  const hooks =
    s.harborDatabase === "internal" ? { resources: [harborDbDumpHook(s.harborNamespace)] } : undefined;
  const volumes: Pick<BackupTemplate, "snapshotVolumes" | "defaultVolumesToFsBackup" | "snapshotMoveData"> =
    s.backupMode === "fs-kopia"
      ? { snapshotVolumes: false, defaultVolumesToFsBackup: true }
      : { snapshotVolumes: true, defaultVolumesToFsBackup: false, snapshotMoveData: true };
  const one = (kind: ScheduleKind, location: string, withHooks: boolean): ScheduleValue => ({
    disabled: false,
    schedule: cronWithTimezone(s.timezone, s.schedules[kind]),
    useOwnerReferencesInBackup: false,
    skipImmediately: true,
    labels: { "registry-platform/backup": kind },
    template: {
      ttl: SCHEDULE_TTL[kind],
      storageLocation: location,
      includedNamespaces: [s.harborNamespace],
      ...volumes,
      metadata: { labels: { "registry-platform/backup": kind } },
      ...(withHooks && hooks ? { hooks } : {}),
    },
  });
  return {
    daily: one("daily", DEFAULT_LOCATION, false),
    weekly: one("weekly", DEFAULT_LOCATION, true),
    monthly: one("monthly", ARCHIVE_LOCATION, true),
  };
}

// ── alerts ─────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Alerts on Velero's own metrics (pkg/metrics/metrics.go, label `schedule`): any failed, invalid or partially
 * failed backup of our schedules, and per schedule a last successful backup older than its period + slack (or none
 * at all for that long).
 */
export function veleroAlertRules(names: Record<ScheduleKind, string>): AlertRule[] {
  const all = SCHEDULE_KINDS.map((k) => names[k]).join("|");
  const sel = `schedule=~"${all}"`;
  const rules: AlertRule[] = [
    {
      alert: "VeleroBackupFailed",
      expr: `increase(velero_backup_failure_total{${sel}}[1h]) > 0`,
      for: "0m",
      labels: { severity: "critical" },
      annotations: {
        summary: "Velero backup of schedule {{ $labels.schedule }} failed",
        description:
          "A backup of {{ $labels.schedule }} ended Failed in the last hour. Check `velero backup describe` and the backup logs; for the weekly/monthly schedules a failing pg_dump hook fails the backup.",
      },
    },
    {
      // Velero counts a backup that fails validation (its location Unavailable or missing, a bad spec) only
      // here, not in velero_backup_failure_total: an unreachable or misconfigured bucket fails every backup so.
      alert: "VeleroBackupFailedValidation",
      expr: `increase(velero_backup_validation_failure_total{${sel}}[1h]) > 0`,
      for: "0m",
      labels: { severity: "critical" },
      annotations: {
        summary: "Velero backup of schedule {{ $labels.schedule }} failed validation",
        description:
          "A backup of {{ $labels.schedule }} ended FailedValidation in the last hour, before anything was backed up. Check `velero backup describe` (validation errors) and `velero backup-location get`: an Unavailable backup storage location fails every backup this way.",
      },
    },
    {
      alert: "VeleroBackupPartiallyFailed",
      expr: `increase(velero_backup_partial_failure_total{${sel}}[1h]) > 0`,
      for: "0m",
      labels: { severity: "warning" },
      annotations: {
        summary: "Velero backup of schedule {{ $labels.schedule }} partially failed",
        description:
          "A backup of {{ $labels.schedule }} ended PartiallyFailed in the last hour (some items or volumes are missing).",
      },
    },
  ];
  for (const kind of SCHEDULE_KINDS) {
    const p = SCHEDULE_PERIOD[kind];
    const metric = `velero_backup_last_successful_timestamp{schedule="${names[kind]}"}`;
    const title = kind[0].toUpperCase() + kind.slice(1);
    rules.push({
      alert: `Velero${title}BackupTooOld`,
      expr: `(time() - ${metric}) > ${p.seconds}`,
      for: "15m",
      labels: { severity: "critical" },
      annotations: {
        summary: `No successful ${kind} Velero backup for more than ${p.period} + ${p.slack}`,
        description: `The last successful backup of ${names[kind]} is {{ $value | humanizeDuration }} old.`,
      },
    });
    rules.push({
      alert: `Velero${title}BackupMissing`,
      expr: `absent(${metric})`,
      for: `${p.seconds}s`,
      labels: { severity: "critical" },
      annotations: {
        summary: `No successful ${kind} Velero backup recorded for ${p.period} + ${p.slack}`,
        description: `velero_backup_last_successful_timestamp has no series for ${names[kind]}: the schedule never completed a backup (or Velero is not scraped).`,
      },
    });
  }
  return rules;
}
