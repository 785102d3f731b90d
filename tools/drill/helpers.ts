/**
 * Pure helpers of the restore drill (re-exported by ./drill): durations, which backup to restore, the scratch
 * namespace, the Velero Restore and its resource modifiers, and the verdicts on a restore and on pods.
 */

import { HARBOR_DB } from "../../components/velero/schedules";
import { DRILL_LABEL } from "../../components/velero/drill-cronjob";

export { DRILL_LABEL };

/** `250ms`, `10s`, `30m`, `2h`, or a bare number of milliseconds. */
export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s.trim());
  if (!m) throw new Error(`not a duration: "${s}" (use e.g. 500ms, 30s, 10m, 2h)`);
  const n = Number(m[1]);
  const unit = m[2] ?? "ms";
  return Math.round(n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]!);
}

export interface VeleroBackup {
  metadata: { name: string; labels?: Record<string, string> };
  spec?: { includedNamespaces?: string[]; storageLocation?: string };
  status?: { phase?: string; completionTimestamp?: string; startTimestamp?: string };
}

/** The backup to restore: the named one (must be Completed), else the latest Completed one covering `ns`. */
export function pickBackup(items: VeleroBackup[], harborNamespace: string, name?: string): VeleroBackup {
  if (name !== undefined) {
    const b = items.find((x) => x.metadata.name === name);
    if (!b) throw new Error(`backup "${name}" not found`);
    if (b.status?.phase !== "Completed")
      throw new Error(`backup "${name}" is ${b.status?.phase ?? "without a phase"}, not Completed`);
    return b;
  }
  const covers = (b: VeleroBackup) => {
    const inc = b.spec?.includedNamespaces ?? [];
    return inc.length === 0 || inc.includes("*") || inc.includes(harborNamespace);
  };
  const done = items
    .filter((b) => b.status?.phase === "Completed" && covers(b))
    .sort((a, b) => (a.status?.completionTimestamp ?? "").localeCompare(b.status?.completionTimestamp ?? ""));
  if (done.length === 0) throw new Error(`no Completed backup includes namespace "${harborNamespace}"`);
  return done[done.length - 1];
}

/** `<ns>-drill-<yyyymmddhhmmss>` (UTC), shortened to a valid namespace name. */
export function scratchNamespaceName(harborNamespace: string, now: Date): string {
  const ts = now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const suffix = `-drill-${ts}`;
  return `${harborNamespace.slice(0, 63 - suffix.length).replace(/-+$/, "")}${suffix}`;
}

/**
 * What the drill does not restore: Ingresses (they would claim the production host on the shared ingress
 * controller), cert-manager objects (new certificate orders), and Prometheus Operator objects (duplicate
 * scrapes and alerts from the copy). Everything else — Deployments, StatefulSets, Secrets, ConfigMaps, PVCs
 * with their data — is restored.
 */
export const DRILL_EXCLUDED_RESOURCES = [
  "ingresses.networking.k8s.io",
  "certificates.cert-manager.io",
  "certificaterequests.cert-manager.io",
  "orders.acme.cert-manager.io",
  "challenges.acme.cert-manager.io",
  "servicemonitors.monitoring.coreos.com",
  "podmonitors.monitoring.coreos.com",
  "prometheusrules.monitoring.coreos.com",
];

/**
 * Velero restore resource modifiers: Harbor's jobservice is restored with 0 replicas. The restored Harbor
 * shares the registry bucket with production, and its jobservice would run the restored GC, retention and
 * replication schedules against that bucket — with an older database than production's.
 */
export function resourceModifiersYaml(): string {
  return [
    "version: v1",
    "resourceModifierRules:",
    "- conditions:",
    "    groupResource: deployments.apps",
    '    resourceNameRegex: "^.*jobservice.*$"',
    "  patches:",
    "  - operation: replace",
    '    path: "/spec/replicas"',
    '    value: "0"',
    "",
  ].join("\n");
}

export function restoreManifest(o: {
  name: string;
  veleroNamespace: string;
  backup: string;
  harborNamespace: string;
  scratchNamespace: string;
  modifiersConfigMap: string;
}): Record<string, unknown> {
  return {
    apiVersion: "velero.io/v1",
    kind: "Restore",
    metadata: { name: o.name, namespace: o.veleroNamespace, labels: { [DRILL_LABEL]: "true" } },
    spec: {
      backupName: o.backup,
      includedNamespaces: [o.harborNamespace],
      namespaceMapping: { [o.harborNamespace]: o.scratchNamespace },
      excludedResources: DRILL_EXCLUDED_RESOURCES,
      restorePVs: true,
      existingResourcePolicy: "none",
      resourceModifier: { kind: "ConfigMap", name: o.modifiersConfigMap },
    },
  };
}

export interface VeleroRestore {
  status?: {
    phase?: string;
    errors?: number;
    warnings?: number;
    failureReason?: string;
    validationErrors?: string[];
    progress?: { itemsRestored?: number; totalItems?: number };
  };
}

const TERMINAL_FAILURES = ["PartiallyFailed", "Failed", "FailedValidation"];

/** `done` with a verdict once the restore reached a terminal phase, else `running`. */
export function restoreVerdict(
  r: VeleroRestore,
): { state: "running" } | { state: "done"; ok: boolean; detail: string } {
  const s = r.status ?? {};
  const phase = s.phase ?? "New";
  const counts = `errors ${s.errors ?? 0}, warnings ${s.warnings ?? 0}`;
  if (phase === "Completed") return { state: "done", ok: true, detail: `Completed (${counts})` };
  if (TERMINAL_FAILURES.includes(phase)) {
    const why = [s.failureReason, ...(s.validationErrors ?? [])].filter(Boolean).join("; ");
    return { state: "done", ok: false, detail: `${phase} (${counts})${why ? `: ${why}` : ""}` };
  }
  return { state: "running" };
}

export interface Pod {
  metadata: { name: string; labels?: Record<string, string> };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

/** Pods that must be Ready (finished Job pods excluded). */
export function podReadiness(pods: Pod[]): { ready: number; total: number; waiting: string[] } {
  const live = pods.filter((p) => p.status?.phase !== "Succeeded");
  const waiting = live
    .filter((p) => !(p.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"))
    .map((p) => p.metadata.name);
  return { ready: live.length - waiting.length, total: live.length, waiting };
}

/**
 * Whether the restore brought Harbor's internal database back (a pod with the chart's database labels,
 * {@link HARBOR_DB}). Without one Harbor runs on an external database, which the restored Harbor shares with
 * the source: its artifact count then reads the same database and does not test a database restore.
 */
export function restoredDatabase(pods: Pod[]): "internal" | "external" {
  const want = Object.entries(HARBOR_DB.labels);
  return pods.some((p) => want.every(([k, v]) => p.metadata.labels?.[k] === v)) ? "internal" : "external";
}
