/**
 * The backup alerts (SPEC R5.6) as Prometheus loads and evaluates them, on real tools (part of `npm run test:real`):
 * the pinned Velero chart renders the values the program registers for prod-apne2 (real `helm template`), and the
 * PrometheusRule it renders goes to `promtool check rules` (PromQL, durations, templates) and `promtool test rules`
 * (the rules driven by series: which alerts fire, when, with which labels and text).
 *
 * Tools: `PROMTOOL_BIN` (default `${TOOLS_BIN:-/tmp/tools-bin}/promtool`, built by
 * `scripts/tools/build-go-tool.sh promtool`); helm and the chart archive as `npm run e2e` finds them
 * (`E2E_HELM_BIN`, `E2E_CHARTS_DIR`, else ../shared).
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { versions } from "../../components/versions";
import { helmTemplate } from "../e2e/support/helm-template";
import { loadSettings } from "../e2e/support/settings";
import { stackRun } from "../harness";
import { scratchDir } from "../harness/scratch";

const PROMTOOL = process.env.PROMTOOL_BIN ?? path.join(process.env.TOOLS_BIN ?? "/tmp/tools-bin", "promtool");

interface RuleGroup {
  name: string;
  rules: {
    alert: string;
    expr: string;
    for: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  }[];
}

/** A `promtool test rules` expectation: `alertname` is firing at `eval_time`, once, with these labels and text. */
function fires(
  evalTime: string,
  alertname: string,
  labels: { severity: string; schedule: string },
  summary: string,
  description: string,
) {
  return {
    eval_time: evalTime,
    alertname,
    exp_alerts: [{ exp_labels: labels, exp_annotations: { summary, description } }],
  };
}

/** `promtool <args>`: exit status and both streams. */
function promtool(args: string[], cwd: string): { code: number; out: string } {
  const r = spawnSync(PROMTOOL, args, { cwd, encoding: "utf8" });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe("velero: backup alerts in the chart's PrometheusRule, checked and evaluated by promtool (real tools)", function () {
  this.timeout(300000);
  let dir: string;
  let groups: RuleGroup[];

  before(async function () {
    const s = loadSettings();
    const chart = s.chartsDir && path.join(s.chartsDir, `velero-${versions.velero.chart}.tgz`);
    const missing = [
      fs.existsSync(PROMTOOL) ? "" : `promtool (${PROMTOOL}; scripts/tools/build-go-tool.sh promtool)`,
      s.helmBin ? "" : "helm (E2E_HELM_BIN; ../shared/tools/real-k8s/build.sh helm)",
      chart && fs.existsSync(chart)
        ? ""
        : `the Velero chart archive (E2E_CHARTS_DIR; ${chart ?? "no ../shared"})`,
    ].filter(Boolean);
    if (missing.length > 0) {
      console.log(`      (skipped: not available: ${missing.join("; ")})`);
      this.skip();
    }
    dir = scratchDir("velero-alerts");
    const rec = await stackRun("prod-apne2");
    const release = rec.one("kubernetes:helm.sh/v3:Release", "registry-velero-release");
    const rules = (
      helmTemplate({
        helmBin: s.helmBin!,
        release: "velero",
        archive: chart!,
        namespace: "velero",
        values: rec.inputs(release).values,
        valuesFile: path.join(dir, "values.json"),
      }) as { kind?: string; spec?: { groups: RuleGroup[] } }[]
    ).filter((d) => d.kind === "PrometheusRule");
    assert.strictEqual(rules.length, 1, "the chart renders one PrometheusRule for prod-apne2");
    groups = rules[0].spec!.groups;
    fs.writeFileSync(path.join(dir, "rules.yml"), stringify({ groups }));
  });

  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it("`promtool check rules` accepts the rendered group: 9 alerts, no lint finding", function () {
    const r = promtool(["check", "rules", "--lint=all", "--lint-fatal", "rules.yml"], dir);
    assert.strictEqual(r.code, 0, r.out);
    assert.match(r.out, /SUCCESS: 9 rules found/);
  });

  it("`promtool test rules`: failures of our schedules alert at once, others' do not; a stale or missing last success alerts after its slack", function () {
    const daily = "velero-daily";
    const test = {
      rule_files: ["rules.yml"],
      evaluation_interval: "1m",
      tests: [
        {
          // A failed, an invalid and a partially failed backup of our daily schedule, and a failure of a schedule
          // that is not ours; the daily schedule last succeeded at t=0.
          interval: "1m",
          input_series: [
            { series: `velero_backup_failure_total{schedule="${daily}"}`, values: "0 0 1 1 1" },
            { series: `velero_backup_validation_failure_total{schedule="${daily}"}`, values: "0 0 1 1 1" },
            { series: `velero_backup_partial_failure_total{schedule="${daily}"}`, values: "0 0 1 1 1" },
            { series: `velero_backup_failure_total{schedule="someone-else"}`, values: "0 0 1 1 1" },
            ...["velero-daily", "velero-weekly", "velero-monthly"].map((s) => ({
              series: `velero_backup_last_successful_timestamp{schedule="${s}"}`,
              values: "0x4",
            })),
          ],
          alert_rule_test: [
            fires(
              "3m",
              "VeleroBackupFailed",
              { severity: "critical", schedule: daily },
              `Velero backup of schedule ${daily} failed`,
              `A backup of ${daily} ended Failed in the last hour. Check \`velero backup describe\` and the backup logs; for the weekly/monthly schedules a failing pg_dump hook fails the backup.`,
            ),
            fires(
              "3m",
              "VeleroBackupFailedValidation",
              { severity: "critical", schedule: daily },
              `Velero backup of schedule ${daily} failed validation`,
              `A backup of ${daily} ended FailedValidation in the last hour, before anything was backed up. Check \`velero backup describe\` (validation errors) and \`velero backup-location get\`: an Unavailable backup storage location fails every backup this way.`,
            ),
            fires(
              "3m",
              "VeleroBackupPartiallyFailed",
              { severity: "warning", schedule: daily },
              `Velero backup of schedule ${daily} partially failed`,
              `A backup of ${daily} ended PartiallyFailed in the last hour (some items or volumes are missing).`,
            ),
            // Before any failure: nothing.
            { eval_time: "1m", alertname: "VeleroBackupFailed", exp_alerts: [] },
          ],
        },
        {
          // The daily schedule's last success stays at t=0 for 32 h (scraped every minute): it is too old once
          // its period + slack (30 h) has passed, and fires after 15 min pending. The weekly schedule never
          // succeeded (no series), which alerts only after 7.5 days.
          interval: "1m",
          input_series: [
            { series: `velero_backup_last_successful_timestamp{schedule="${daily}"}`, values: "0x1920" },
          ],
          alert_rule_test: [
            { eval_time: "30h10m", alertname: "VeleroDailyBackupTooOld", exp_alerts: [] },
            fires(
              "31h",
              "VeleroDailyBackupTooOld",
              { severity: "critical", schedule: daily },
              "No successful daily Velero backup for more than 24h + 6h",
              `The last successful backup of ${daily} is 1d 7h 0m 0s old.`,
            ),
            { eval_time: "31h", alertname: "VeleroDailyBackupMissing", exp_alerts: [] },
            { eval_time: "31h", alertname: "VeleroWeeklyBackupMissing", exp_alerts: [] },
          ],
        },
        {
          // No series at all for 8 days: each schedule's "missing" alert fires once its period + slack has
          // passed (daily after 30 h, weekly after 7.5 d; monthly, 32 d, not yet).
          interval: "1h",
          input_series: [],
          alert_rule_test: [
            fires(
              "8d",
              "VeleroDailyBackupMissing",
              { severity: "critical", schedule: daily },
              "No successful daily Velero backup recorded for 24h + 6h",
              `velero_backup_last_successful_timestamp has no series for ${daily}: the schedule never completed a backup (or Velero is not scraped).`,
            ),
            fires(
              "8d",
              "VeleroWeeklyBackupMissing",
              { severity: "critical", schedule: "velero-weekly" },
              "No successful weekly Velero backup recorded for 7d + 12h",
              "velero_backup_last_successful_timestamp has no series for velero-weekly: the schedule never completed a backup (or Velero is not scraped).",
            ),
            { eval_time: "8d", alertname: "VeleroMonthlyBackupMissing", exp_alerts: [] },
          ],
        },
      ],
    };
    fs.writeFileSync(path.join(dir, "test.yml"), stringify(test));
    const r = promtool(["test", "rules", "test.yml"], dir);
    assert.strictEqual(r.code, 0, r.out);
    assert.match(r.out, /SUCCESS/);
  });
});
