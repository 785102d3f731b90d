/**
 * End-to-end: the built program on a real Pulumi engine against a real kube-apiserver, for the four example stacks,
 * one after the other: `dev`, `onprem` (taken down after its checks), `prod-apne1`, and on a second private API
 * server the primary `prod-apne2`, which reads `prod-apne1`'s outputs. `npm run e2e` (own mocha config:
 * test/e2e/.mocharc.json; `npm test` never loads this file). Preconditions are checked first; a missing one fails
 * the run with the command that provides it.
 *
 * Per stack: scratch project + file backend, secrets through `pulumi config set --secret`, charts from a local
 * archive (dev), an OCI registry (onprem) or a Helm repository on loopback, Helm waits off, `pulumi preview` and
 * `up`; then the live cluster (references, admission, Velero, node trust, NetworkPolicies), the outputs against
 * the cluster, the Harbor API objects on a fake Harbor behind the live Ingress certificate, no changes on a second
 * preview/up/refresh, a small in-place diff for a config change, and `destroy` (dev empties; the protected
 * stacks refuse). The report (out/e2e/report.md) lists every check with its duration and every pulumi command.
 */
import * as assert from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import {
  apiServerHost,
  ForegroundFinalizer,
  Kube,
  kubeFromFile,
  StandinControllers,
} from "./support/cluster";
import { LoopbackHelmRepo } from "./support/helm-repo";
import { OciChartRegistry, ociChartsAvailable } from "./support/oci-charts";
import { REGISTRY_BIN } from "../access/support/registry-lab";
import { IngressStandIn } from "./support/ingress";
import { Report } from "./support/report";
import { RunSetup } from "./support/run-setup";
import { loadSettings, preflight, readSha256Sums } from "./support/settings";
import { PulumiWorkspace } from "./support/workspace";
import { clusterChecks } from "./platform/cluster";
import { workloadChecks } from "./platform/workloads";
import { EXTERNAL_REDIS, Infra, InfraRef, StackName, stackContext } from "./platform/context";
import { redisChecks } from "./platform/redis";
import { deployChecks } from "./platform/deploy";
import { lifecycleChecks } from "./platform/lifecycle";
import { outputChecks } from "./platform/outputs";

const TIME_BUDGET_MS = 15 * 60_000;

const settings = loadSettings();

/**
 * In order. prod-apne2 deploys to a second private API server while prod-apne1 stays deployed on the first (its
 * replica: the primary reads its outputs); on a cluster you give there is no second one, and prod-apne2 is left out.
 */
const SECOND_CLUSTER: readonly StackName[] = ["prod-apne2"];
const STACKS: readonly StackName[] = (["dev", "onprem", "prod-apne1", "prod-apne2"] as const).filter(
  (s) => !settings.kubeconfig || !SECOND_CLUSTER.includes(s),
);
/** Whether a later stack than `i` deploys to the same API server (then `i`, when protected, is taken down first). */
const sharedLater = (i: number) =>
  STACKS.slice(i + 1).some((s) => SECOND_CLUSTER.includes(s) === SECOND_CLUSTER.includes(STACKS[i]));
const report = new Report();
const t0 = Date.now();
const infra = new InfraRef();
const setup = new RunSetup("e2e", report, settings);

function sha256File(f: string): string {
  return createHash("sha256").update(fs.readFileSync(f)).digest("hex");
}

/**
 * Without kubelet/controller-manager (no Node): the shared stand-in controllers (hook Jobs, DaemonSet status,
 * namespace finalize) and the foreground-deletion stand-in, stopped at clean-up. `label` tells two clusters apart.
 */
async function standInControllers(
  kube: Kube,
  kubeconfig: string,
  label: string,
): Promise<StandinControllers | undefined> {
  if ((await kube.nodeCount()) > 0) return undefined;
  const sc = new StandinControllers(
    path.join(settings.toolsDir!, "e2e-helpers", "standin-controllers.sh"),
    kubeconfig,
    path.join(settings.reportDir, `standin-controllers${label ? `-${label}` : ""}.log`),
  );
  sc.start();
  setup.cleanup(`stop the stand-in controllers${label ? ` (${label})` : ""}`, () => sc.stop());
  const extra = new ForegroundFinalizer(kube);
  extra.start();
  setup.cleanup(`stop the foreground-deletion stand-in${label ? ` (${label})` : ""}`, () => {
    extra.stop();
    if (extra.released.length > 0)
      report.event(
        `foreground deletion released (stand-in${label ? `, ${label}` : ""}): ${extra.released.join(", ")}`,
      );
  });
  return sc;
}

/**
 * A second private API server for a stack that reads another stack left deployed on the first (prod-apne2 reads
 * prod-apne1's outputs, and the two share namespace and cluster-wide names): the same backend, passphrase, ingress
 * stand-in and chart sources, its own cluster, stand-in controllers and kubeconfig.
 */
async function secondCluster(first: Infra, label: string): Promise<Infra> {
  const tmp = path.join(first.tmp, label);
  fs.mkdirSync(tmp, { recursive: true });
  const { kubeconfig, cluster } = await setup.cluster(tmp);
  const kube = new Kube(await kubeFromFile(kubeconfig));
  const standins = await standInControllers(kube, kubeconfig, label);
  first.ingress.addCluster(kube);
  const ws = first.ws.onCluster(kubeconfig, [apiServerHost(kubeconfig)]);
  return { ...first, kubeconfig, kube, cluster, standins, ws };
}

// ── run-wide set-up and clean-up ────────────────────────────────────────────────────────────────────────

before(async function () {
  this.timeout(600_000);
  const tmp = setup.begin(await preflight(settings), "registry-platform-e2e-", settings.reportDir);
  const { kubeconfig, cluster } = await setup.cluster(tmp);
  // The other end-to-end files of this run (test/e2e/policy-*.e2e.ts) use $KUBECONFIG: the private API server.
  if (cluster) process.env.KUBECONFIG = kubeconfig;
  const kube = new Kube(await kubeFromFile(kubeconfig));
  const standins = await standInControllers(kube, kubeconfig, "");
  const ingress = new IngressStandIn(kube, settings.ingressPort);
  await ingress.start();
  setup.cleanup("stop the ingress stand-in and fake Harbors", async () => {
    for (const e of ingress.events) report.event(`ingress stand-in: ${e}`);
    await ingress.stop();
  });
  const chartFiles = [settings.charts.harbor, settings.charts.velero, settings.charts.kyverno]
    .filter((f): f is string => f !== undefined)
    .map((f) => path.join(settings.chartsDir!, f));
  const sums = readSha256Sums(settings.chartsDir!);
  const chartSha = Object.fromEntries(
    chartFiles.map((f) => [path.basename(f), sums[path.basename(f)] ?? sha256File(f)]),
  );
  const repo = new LoopbackHelmRepo(path.join(tmp, "helm-repo"), settings.helmBin!);
  setup.cleanup("stop the loopback Helm repository", () => repo.stop());
  await report.phase("loopback Helm repository (helm repo index)", () => repo.start(chartFiles));
  const ws = new PulumiWorkspace(settings, tmp, kubeconfig, report, [apiServerHost(kubeconfig)]);
  let oci: OciChartRegistry | undefined;
  if (ociChartsAvailable()) {
    // The onprem stack's charts come from an OCI registry, as its stack file says (`charts.<chart>.oci`).
    const registry = new OciChartRegistry(path.join(tmp, "oci-charts"), REGISTRY_BIN, settings.helmBin!);
    setup.cleanup("stop the OCI chart registry", () => registry.stop());
    await report.phase("OCI chart registry on loopback (TLS; helm push)", () => registry.start(chartFiles));
    ws.extraEnv.SSL_CERT_FILE = registry.trustFile;
    oci = registry;
  }
  await report.phase("scratch Pulumi project + file backend login", () => ws.init({ checkout: true }));
  infra.value = { tmp, kubeconfig, kube, cluster, standins, ingress, repo, oci, ws, chartSha };
  console.log(
    `    e2e: engine ${settings.pulumiBin}; cluster ${cluster ? `private (${cluster.runDir})` : kubeconfig}; ` +
      `charts ${settings.chartsDir}; Helm repo ${repo.url}; scratch ${tmp}`,
  );
});

afterEach(function () {
  const t = this.currentTest!;
  report.endCheck(t.fullTitle(), t.state ?? "pending", t.duration ?? 0, t.err?.message);
});

after(async function () {
  this.timeout(300_000);
  await setup.cleanUp();
  if (!setup.ranChecks) return; // preconditions failed: their message is the whole story
  const md = report.write(settings.reportDir);
  console.log(
    `\n${report.markdown()}\n(report: ${md}; command logs: ${path.join(settings.reportDir, "logs")})`,
  );
});

// ── per stack: deploy, live cluster, outputs + Harbor objects, lifecycle (test/e2e/platform/*.ts) ───────────

const second = new InfraRef();

STACKS.forEach((stack, i) => {
  describe(`${stack}`, function () {
    const onSecond = SECOND_CLUSTER.includes(stack);
    const takeDown = !!settings.kubeconfig || sharedLater(i);
    const ctx = stackContext(stack, { settings, report, infra: onSecond ? second : infra, takeDown });
    if (onSecond)
      before(async function () {
        this.timeout(300_000);
        second.value ??= await secondCluster(infra.get(), "second-cluster");
      });
    deployChecks(ctx);
    clusterChecks(ctx);
    if (stack === EXTERNAL_REDIS.stack) redisChecks(ctx);
    workloadChecks(ctx);
    outputChecks(ctx);
    lifecycleChecks(ctx);
  });
});

describe("run", function () {
  it(`the whole run stays under ${TIME_BUDGET_MS / 60_000} minutes`, function () {
    const ms = Date.now() - t0;
    report.note(`${(ms / 1000).toFixed(0)} s so far (clean-up follows)`);
    assert.ok(ms < TIME_BUDGET_MS, `${(ms / 60_000).toFixed(1)} min`);
  });
});
