/**
 * The restore drill (SPEC R5.6): restore a Velero backup of the registry namespace into a scratch namespace,
 * wait for it, prove the restored Harbor works (pods ready, health, artifact count equal to the source, a
 * manifest fetched by digest through the restored registry), report, and clean up.
 *
 * Pure helpers are exported for tests; {@link runDrill} is the orchestration over a {@link KubeApi}.
 */
import {
  DEFAULT_HARBOR_RELEASE_NAME,
  harborAdminSecret,
  harborServiceNames,
} from "../../components/harbor/names";
import { HarborViaProxy } from "./harbor";
import { KubeApi, KubeError, kubeJson } from "./kube";
import {
  VeleroBackup,
  pickBackup,
  scratchNamespaceName,
  resourceModifiersYaml,
  restoreManifest,
  VeleroRestore,
  restoreVerdict,
  Pod,
  podReadiness,
  restoredDatabase,
  DRILL_LABEL,
} from "./helpers";

export {
  DRILL_LABEL,
  parseDuration,
  VeleroBackup,
  pickBackup,
  scratchNamespaceName,
  DRILL_EXCLUDED_RESOURCES,
  resourceModifiersYaml,
  restoreManifest,
  VeleroRestore,
  restoreVerdict,
  Pod,
  podReadiness,
  restoredDatabase,
} from "./helpers";

export interface DrillOptions {
  veleroNamespace: string;
  harborNamespace: string;
  /** Backup to restore; default the latest Completed backup that includes the Harbor namespace. */
  backup?: string;
  /** Keep the scratch namespace afterwards. */
  keep: boolean;
  restoreTimeoutMs: number;
  readyTimeoutMs: number;
  pollMs: number;
  /** `name:port` of Harbor core's Service. Default `harbor-core:80` (the Harbor component's release `harbor`). */
  coreService: string;
  /**
   * Secret (in the Harbor namespace) and key holding the admin password. Default: the Harbor component's own
   * Secret, `harbor-admin-password` / `HARBOR_ADMIN_PASSWORD` ({@link harborAdminSecret}); the chart's
   * `harbor-core` Secret does not hold the password when the component installs Harbor.
   */
  adminSecret: string;
  adminSecretKey: string;
  adminUser: string;
  /** Artifacts the restored Harbor may lack or have relative to the source (pushes after the backup). */
  maxArtifactDrift: number;
  /** Harbor components expected to be down in the drill (scaled to 0 by the restore). */
  expectDown: string[];
}

export const DEFAULT_DRILL_OPTIONS: Omit<DrillOptions, "veleroNamespace" | "harborNamespace"> = {
  keep: false,
  restoreTimeoutMs: 30 * 60_000,
  readyTimeoutMs: 20 * 60_000,
  pollMs: 10_000,
  coreService: `${harborServiceNames(DEFAULT_HARBOR_RELEASE_NAME).core}:80`,
  adminSecret: harborAdminSecret(DEFAULT_HARBOR_RELEASE_NAME).name,
  adminSecretKey: harborAdminSecret(DEFAULT_HARBOR_RELEASE_NAME).key,
  adminUser: "admin",
  maxArtifactDrift: 0,
  expectDown: ["jobservice"],
};

export interface DrillDeps {
  now(): Date;
  sleep(ms: number): Promise<void>;
  /** Progress lines (stderr in the CLI). */
  progress(line: string): void;
  /**
   * Aborted on an interrupt (the CLI: SIGINT/SIGTERM), its reason the signal's name: the running step fails at
   * its next poll, later steps are skipped, and the cleanup runs as after any failure.
   */
  signal?: AbortSignal;
}

export type StepStatus = "pass" | "fail" | "skipped";

export interface DrillStep {
  name: string;
  status: StepStatus;
  detail: string;
  durationMs: number;
}

export interface DrillReport {
  result: "pass" | "fail";
  veleroNamespace: string;
  harborNamespace: string;
  backup?: string;
  scratchNamespace?: string;
  restore?: string;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  steps: DrillStep[];
  /** Numbers a person wants to compare across drills. */
  facts: Record<string, string | number>;
  /** What happened to what the drill created: `deleted`, `kept`, `not created`, `already gone` or an error. */
  cleanup: { namespace: string; modifiers: string; restore?: string };
}

// ── the drill ──────────────────────────────────────────────────────────────────────────────────────────

class StepFailure extends Error {}

export async function runDrill(kube: KubeApi, o: DrillOptions, deps: DrillDeps): Promise<DrillReport> {
  const started = deps.now();
  const steps: DrillStep[] = [];
  const facts: Record<string, string | number> = {};
  const report: DrillReport = {
    result: "fail",
    veleroNamespace: o.veleroNamespace,
    harborNamespace: o.harborNamespace,
    startedAt: started.toISOString(),
    finishedAt: "",
    durationSeconds: 0,
    steps,
    facts,
    cleanup: { namespace: "not created", modifiers: "not created" },
  };
  const vns = encodeURIComponent(o.veleroNamespace);
  let failed = false;
  const interrupted = () => `interrupted by ${String(deps.signal?.reason ?? "a signal")}`;
  const step = async (name: string, fn: () => Promise<string>): Promise<void> => {
    if (failed) {
      steps.push({ name, status: "skipped", detail: "an earlier step failed", durationMs: 0 });
      return;
    }
    if (deps.signal?.aborted) {
      failed = true;
      steps.push({ name, status: "fail", detail: interrupted(), durationMs: 0 });
      return;
    }
    const t0 = deps.now().getTime();
    deps.progress(`▶ ${name}`);
    try {
      const detail = await fn();
      steps.push({ name, status: "pass", detail, durationMs: deps.now().getTime() - t0 });
      deps.progress(`  ✔ ${detail}`);
    } catch (e) {
      failed = true;
      const detail = e instanceof Error ? e.message : String(e);
      steps.push({ name, status: "fail", detail, durationMs: deps.now().getTime() - t0 });
      deps.progress(`  ✘ ${detail}`);
    }
  };
  /** Polls `check` until it returns a value or `timeoutMs` passes. */
  const poll = async <T>(timeoutMs: number, check: () => Promise<T | undefined>, onTimeout: () => string) => {
    const deadline = deps.now().getTime() + timeoutMs;
    for (;;) {
      const v = await check();
      if (v !== undefined) return v;
      if (deps.signal?.aborted) throw new StepFailure(interrupted());
      if (deps.now().getTime() >= deadline) throw new StepFailure(onTimeout());
      await deps.sleep(o.pollMs);
      if (deps.signal?.aborted) throw new StepFailure(interrupted());
    }
  };

  let scratch: string | undefined;
  let modifiers: string | undefined;
  let restoreName: string | undefined;
  let restoreRunning = false;
  let externalDb = false;

  try {
    await step("select backup", async () => {
      const list = await kubeJson<{ items: VeleroBackup[] }>(
        kube,
        "GET",
        `/apis/velero.io/v1/namespaces/${vns}/backups`,
      );
      const b = pickBackup(list.items, o.harborNamespace, o.backup);
      report.backup = b.metadata.name;
      facts.backupCompletedAt = b.status?.completionTimestamp ?? "";
      facts.backupStorageLocation = b.spec?.storageLocation ?? "";
      return `${b.metadata.name} (completed ${b.status?.completionTimestamp ?? "?"}, location ${b.spec?.storageLocation ?? "?"})`;
    });

    await step("create scratch namespace", async () => {
      const name = scratchNamespaceName(o.harborNamespace, deps.now());
      await kubeJson(kube, "POST", "/api/v1/namespaces", {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name, labels: { [DRILL_LABEL]: "true", [`${DRILL_LABEL}-source`]: o.harborNamespace } },
      });
      scratch = name;
      report.scratchNamespace = name;
      report.cleanup.namespace = "pending";
      // The restored NetworkPolicies admit only the ingress controller and in-namespace traffic; the drill
      // reaches Harbor through the API server's service proxy, so admit that too (policies are additive).
      await kubeJson(kube, "POST", `/apis/networking.k8s.io/v1/namespaces/${name}/networkpolicies`, {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "restore-drill-allow-ingress", labels: { [DRILL_LABEL]: "true" } },
        spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{}] },
      });
      return name;
    });

    await step("create restore", async () => {
      const name = scratch!;
      const cm = `${name}-modifiers`;
      await kubeJson(kube, "POST", `/api/v1/namespaces/${vns}/configmaps`, {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: cm, labels: { [DRILL_LABEL]: "true" } },
        data: { "modifiers.yaml": resourceModifiersYaml() },
      });
      modifiers = cm;
      report.cleanup.modifiers = "pending";
      await kubeJson(
        kube,
        "POST",
        `/apis/velero.io/v1/namespaces/${vns}/restores`,
        restoreManifest({
          name,
          veleroNamespace: o.veleroNamespace,
          backup: report.backup!,
          harborNamespace: o.harborNamespace,
          scratchNamespace: name,
          modifiersConfigMap: cm,
        }),
      );
      restoreName = name;
      restoreRunning = true;
      report.restore = name;
      return `Restore ${name} of ${report.backup} → namespace ${name}`;
    });

    await step("wait for the restore", async () => {
      let last = "";
      const verdict = await poll(
        o.restoreTimeoutMs,
        async () => {
          const r = await kubeJson<VeleroRestore>(
            kube,
            "GET",
            `/apis/velero.io/v1/namespaces/${vns}/restores/${restoreName}`,
          );
          const v = restoreVerdict(r);
          const p = r.status?.progress;
          const line = `restore ${r.status?.phase ?? "New"}${p ? ` ${p.itemsRestored ?? 0}/${p.totalItems ?? "?"} items` : ""}`;
          if (line !== last) deps.progress(`  … ${line}`);
          last = line;
          return v.state === "done" ? v : undefined;
        },
        () => `the restore did not finish within ${Math.round(o.restoreTimeoutMs / 1000)} s (last: ${last})`,
      );
      restoreRunning = false;
      facts.restorePhase = verdict.detail;
      if (!verdict.ok) throw new StepFailure(verdict.detail);
      return verdict.detail;
    });

    await step("pods ready", async () => {
      const r = await poll(
        o.readyTimeoutMs,
        async () => {
          const pods = await kubeJson<{ items: Pod[] }>(kube, "GET", `/api/v1/namespaces/${scratch}/pods`);
          const p = podReadiness(pods.items);
          deps.progress(`  … ${p.ready}/${p.total} pods ready`);
          return p.total > 0 && p.waiting.length === 0
            ? { ...p, db: restoredDatabase(pods.items) }
            : undefined;
        },
        () => `pods not ready within ${Math.round(o.readyTimeoutMs / 1000)} s`,
      );
      facts.pods = r.total;
      externalDb = r.db === "external";
      facts.database =
        r.db === "internal"
          ? "internal (restored with the backup)"
          : "external (shared with the source, not restored)";
      return `${r.ready}/${r.total} pods ready`;
    });

    const restored = new HarborViaProxy(kube, scratch ?? "", o.coreService);
    const source = new HarborViaProxy(kube, o.harborNamespace, o.coreService);

    await step("harbor health", async () => {
      const h = await restored.health();
      const comps = h.components ?? [];
      const bad = comps.filter((c) => c.status !== "healthy" && !o.expectDown.includes(c.name));
      const down = comps
        .filter((c) => c.status !== "healthy" && o.expectDown.includes(c.name))
        .map((c) => c.name);
      const summary = comps.map((c) => `${c.name}=${c.status}`).join(", ");
      if (comps.length === 0 && h.status !== "healthy") throw new StepFailure(`Harbor reports ${h.status}`);
      if (bad.length > 0)
        throw new StepFailure(
          `unhealthy: ${bad.map((c) => `${c.name}${c.error ? ` (${c.error})` : ""}`).join(", ")}`,
        );
      return `${summary || h.status}${down.length ? ` (${down.join(", ")} down by design)` : ""}`;
    });

    let sample: string | undefined;
    await step("artifact count", async () => {
      const secret = await kubeJson<{ data?: Record<string, string> }>(
        kube,
        "GET",
        `/api/v1/namespaces/${encodeURIComponent(o.harborNamespace)}/secrets/${encodeURIComponent(o.adminSecret)}`,
      );
      const b64 = secret.data?.[o.adminSecretKey];
      if (!b64)
        throw new StepFailure(`secret ${o.harborNamespace}/${o.adminSecret} has no key ${o.adminSecretKey}`);
      const password = Buffer.from(b64, "base64").toString("utf8");
      await source.login(o.adminUser, password);
      await restored.login(o.adminUser, password);
      const [src, dst] = [await source.artifacts(), await restored.artifacts()];
      facts.sourceArtifacts = src.total;
      facts.restoredArtifacts = dst.total;
      facts.repositories = dst.repositories.length;
      sample = dst.repositories.find((r) => r.artifact_count > 0)?.name;
      const drift = Math.abs(src.total - dst.total);
      const msg = `source ${src.total}, restored ${dst.total} artifacts in ${dst.repositories.length} repositories`;
      const note = externalDb
        ? "; external database: the restored Harbor reads the source's database, so this does not test a database restore"
        : "";
      if (drift > o.maxArtifactDrift)
        throw new StepFailure(
          `${msg}: differ by ${drift} (allowed ${o.maxArtifactDrift}; pushes or deletions since the backup count too)`,
        );
      return msg + note;
    });

    await step("manifest by digest", async () => {
      if (!sample) throw new StepFailure("the restored Harbor has no artifact to fetch");
      const digest = await restored.firstDigest(sample);
      const m = await restored.manifestByDigest(sample, digest);
      facts.manifest = `${sample}@${digest}`;
      return `${sample}@${digest}: ${m.bytes} bytes, ${m.mediaType || "no content type"}, digest verified`;
    });
  } finally {
    // Cleanup runs whatever happened above.
    if (restoreRunning && restoreName) {
      try {
        await kube.request("DELETE", `/apis/velero.io/v1/namespaces/${vns}/restores/${restoreName}`);
        report.cleanup.restore = "deleted (it was still running)";
      } catch (e) {
        report.cleanup.restore = `delete failed: ${(e as Error).message}`;
      }
    }
    if (modifiers)
      report.cleanup.modifiers = await remove(kube, `/api/v1/namespaces/${vns}/configmaps/${modifiers}`);
    if (scratch) {
      if (o.keep) report.cleanup.namespace = "kept";
      else report.cleanup.namespace = await remove(kube, `/api/v1/namespaces/${scratch}`);
    }
    deps.progress(`cleanup: namespace ${report.cleanup.namespace}, modifiers ${report.cleanup.modifiers}`);
  }

  const finished = deps.now();
  report.finishedAt = finished.toISOString();
  report.durationSeconds = Math.round((finished.getTime() - started.getTime()) / 1000);
  report.result = steps.every((s) => s.status === "pass") ? "pass" : "fail";
  return report;
}

async function remove(kube: KubeApi, path: string): Promise<string> {
  try {
    const res = await kube.request("DELETE", path);
    if (res.status === 404) return "already gone";
    if (res.status < 200 || res.status > 299) throw new KubeError("DELETE", path, res.status, "");
    return "deleted";
  } catch (e) {
    return `delete failed: ${(e as Error).message}`;
  }
}
