/**
 * End-to-end: the example application stack (examples/app, SPEC R8.3) on a real Pulumi engine against a real
 * kube-apiserver, consuming a real `dev` platform stack. `npm run e2e` (test/e2e/.mocharc.json).
 *
 * The `dev` platform stack is deployed as in platform.e2e.ts (scratch project, file backend, charts from the
 * local archives, Helm waits off, a fake Harbor behind the ingress stand-in). An image is pushed with `crane`
 * to a real `distribution` registry that sits behind the platform's host the way Harbor's registry sits behind
 * Harbor core (token service checking the fake Harbor's robots). Then a scratch copy of examples/app is its own
 * Pulumi project on the same file backend, `platformStack` = the deployed stack (a StackReference on real
 * state); `pulumi up` resolves the tag to a digest through the platform host with the pull robot and the
 * platform CA. Checked on the live API server: the Namespace, the pull Secret (= the platform's
 * pullDockerConfigJson for the project, whose auth is the pull robot Harbor holds), the Deployment's image
 * `host/project/repo@sha256:…` (= the pushed digest) and imagePullSecrets; then `preview --expect-no-changes`
 * and `destroy`. Report: <E2E_REPORT_DIR or out/e2e>/app/report.md.
 *
 * Runs beside other end-to-end runs: its own temp dir, its own API server/etcd ports, and its ingress stand-in
 * on port 443 of its own loopback address (127.0.0.x, x ≥ 2), which the built support/loopback-address.js
 * preload makes the stacks' hosts resolve to.
 */
import * as assert from "assert";
import { createHash, randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { apiServerHost, Kube, kubeFromFile, StandinControllers } from "./support/cluster";
import { DeploymentStandIn } from "./support/deployment-standin";
import { IngressStandIn } from "./support/ingress";
import { freeLoopbackAddress, labelled, LoopbackWorkspace } from "./support/loopback-workspace";
import { OciFront, ociMissing } from "./support/oci-front";
import { previewWithPolicyPack } from "./support/policy-pack";
import { failure } from "./support/proc";
import { resourceSummary as summary } from "./support/output";
import { Report } from "./support/report";
import { RunSetup } from "./support/run-setup";
import { loadSettings, preflight, readSha256Sums, ROOT } from "./support/settings";
import { loadStackPlan, requiredSecrets } from "./support/stacks";
import { NAMESPACE } from "./support/workspace";

const PLATFORM_STACK = "dev";
const APP_DIR = path.join(ROOT, "examples", "app");
const APP_STACK = "dev";

const base = loadSettings();
const reportDir = path.join(base.reportDir, "app");
const report = new Report();

interface Infra {
  tmp: string;
  kube: Kube;
  ingress: IngressStandIn;
  oci: OciFront;
  platform: LoopbackWorkspace;
  app: LoopbackWorkspace;
  appProject: string;
}

describe("example app on the dev platform stack (real engine + API server + OCI registry)", function () {
  const plan = loadStackPlan(ROOT, PLATFORM_STACK);
  const appConfig = (
    parse(fs.readFileSync(path.join(APP_DIR, `Pulumi.${APP_STACK}.yaml`), "utf8")) as {
      config: Record<string, unknown>;
    }
  ).config;
  const appKey = (k: string) => appConfig[`registry-platform-example-app:${k}`] as string;
  const project = appKey("project");
  const appNs = appKey("namespace");
  const repository = appKey("repository");
  const tag = appKey("tag");
  const setup = new RunSetup("e2e app", report, base);
  const done = new Set<string>();
  const need = (...steps: string[]) => {
    for (const s of steps) if (!done.has(s)) throw new Error(`not run: the "${s}" step did not pass`);
  };
  let infra: Infra | undefined;
  const I = (): Infra => {
    if (!infra) throw new Error("set-up did not complete (see the before-all hook)");
    return infra;
  };
  let pushed = "";
  let nodes = 0;

  before(async function () {
    this.timeout(600_000);
    const problems = [...(await preflight({ ...base, ingressPort: 443 })), ...ociMissing()];
    const tmp = setup.begin(problems, "registry-platform-e2e-app-", reportDir);
    const { kubeconfig, cluster } = await setup.cluster(tmp);
    const kube = new Kube(await kubeFromFile(kubeconfig));
    nodes = await kube.nodeCount();
    if (nodes === 0) {
      const sc = new StandinControllers(
        path.join(base.toolsDir!, "e2e-helpers", "standin-controllers.sh"),
        kubeconfig,
        path.join(reportDir, "standin-controllers.log"),
      );
      sc.start();
      setup.cleanup("stop the stand-in controllers", () => sc.stop());
      const ds = new DeploymentStandIn(kube, [appNs]);
      ds.start();
      setup.cleanup("stop the Deployment stand-in", () => {
        ds.stop();
        for (const e of ds.events) report.event(e);
      });
    }
    const address = await freeLoopbackAddress(base.ingressPort);
    const ingress = new IngressStandIn(kube, base.ingressPort, address);
    const oci = new OciFront(path.join(tmp, "registry"), (h) => ingress.harbor(h));
    await report.phase("distribution registry behind the platform host (Harbor-core-like token front)", () =>
      oci.start(),
    );
    setup.cleanup("stop the registry", () => oci.stop());
    ingress.intercept = (host, req, res) => host === plan.host && oci.handle(host, req, res);
    await ingress.start();
    setup.cleanup("stop the ingress stand-in and fake Harbor", async () => {
      for (const e of ingress.events) report.event(`ingress stand-in: ${e}`);
      await ingress.stop();
    });
    const direct = [apiServerHost(kubeconfig)];
    const platform = new LoopbackWorkspace(
      { ...base, reportDir: path.join(reportDir, "platform") },
      tmp,
      kubeconfig,
      labelled(report, "platform"),
      direct,
      address,
    );
    await report.phase("scratch platform project + file backend login", () => platform.init());
    const app = new LoopbackWorkspace(
      { ...base, reportDir: path.join(reportDir, "example") },
      path.join(tmp, "app"),
      kubeconfig,
      labelled(report, "app"),
      direct,
      address,
      platform.passphrase,
    );
    const appProject = await report.phase("scratch example-app project on the same backend", () =>
      app.initApp(APP_DIR, platform.stateDir),
    );
    infra = { tmp, kube, ingress, oci, platform, app, appProject };
    console.log(
      `    e2e app: engine ${base.pulumiBin}; cluster ${cluster ? `private (${cluster.runDir})` : kubeconfig}; ` +
        `ingress ${address}:${base.ingressPort}; registry ${oci.registry}; scratch ${tmp}`,
    );
  });

  afterEach(function () {
    const t = this.currentTest!;
    report.endCheck(t.title, t.state ?? "pending", t.duration ?? 0, t.err?.message);
  });

  after(async function () {
    this.timeout(600_000);
    if (infra && done.has("platform-up")) {
      const { platform } = infra;
      await report.phase("destroy the dev platform stack", async () => {
        const r = await platform.cli(["destroy", "--yes", "--skip-preview"], { stack: PLATFORM_STACK });
        if (r.code !== 0) console.error(`    e2e app: platform destroy failed: ${failure(r)}`);
      });
    }
    await setup.cleanUp();
    if (!setup.ranChecks) return;
    const md = report.write(reportDir);
    console.log(`\n${report.markdown()}\n(report: ${md}; command logs under ${reportDir})`);
  });

  it(`the \`${PLATFORM_STACK}\` platform stack is up (charts: local archive path + sha256; Helm waits off)`, async function () {
    const { platform, ingress } = I();
    const config: Record<string, unknown> = { ...plan.config };
    const sums = readSha256Sums(base.chartsDir!);
    const source = (file: string) => {
      const p = path.join(base.chartsDir!, file);
      return { path: p, sha256: sums[file] ?? createHash("sha256").update(fs.readFileSync(p)).digest("hex") };
    };
    const charts: Record<string, unknown> = {
      harbor: source(base.charts.harbor),
      velero: source(base.charts.velero),
    };
    if (base.charts.kyverno) charts.kyverno = source(base.charts.kyverno);
    else config[`${NAMESPACE}:policy`] = { ...(config[`${NAMESPACE}:policy`] as object), enabled: false };
    config[`${NAMESPACE}:charts`] = charts;
    config[`${NAMESPACE}:helm`] = { wait: false };
    await ingress.reset(plan.host);
    await platform.initStack(PLATFORM_STACK, config);
    for (const k of requiredSecrets(plan))
      await platform.setSecret(PLATFORM_STACK, k, randomBytes(24).toString("base64url"));
    const r = await platform.cliOk(["up", "--yes", "--skip-preview"], { stack: PLATFORM_STACK });
    const s = summary(r.stdout);
    report.note(
      `${JSON.stringify(s)}; ${(r.ms / 1000).toFixed(1)} s${base.charts.kyverno ? "" : "; policy.enabled: false (no Kyverno chart archive)"}`,
    );
    assert.ok((s.created ?? 0) > 0, `up created nothing?\n${r.stdout.slice(-2000)}`);
    const o = await platform.outputs(PLATFORM_STACK, false);
    assert.strictEqual(o.registryHost, plan.host);
    done.add("platform-up");
  });

  it(`an image is pushed (crane) to the registry behind ${plan.host}: ${project}/${repository}:${tag}`, async function () {
    need("platform-up");
    pushed = await I().oci.push(`${project}/${repository}`, tag, `hello from the e2e run ${Date.now()}`);
    assert.match(pushed, /^sha256:[a-f0-9]{64}$/);
    report.note(`${project}/${repository}:${tag} = ${pushed}`);
    done.add("pushed");
  });

  it("the app stack's `platformStack` names the deployed platform stack on the same backend", async function () {
    need("platform-up");
    const { app, appProject } = I();
    const ref = appKey("platformStack");
    assert.strictEqual(ref, `organization/${NAMESPACE}/${PLATFORM_STACK}`, "examples/app/Pulumi.dev.yaml");
    const config = { ...appConfig };
    if (nodes > 0) {
      // Real nodes cannot pull from the registry on this machine's loopback: no pods, so the rollout completes.
      config["registry-platform-example-app:replicas"] = 0;
      report.note("replicas: 0 (a cluster with nodes cannot pull from the loopback registry)");
    }
    await app.initStack(APP_STACK, config);
    const r = await app.cliOk(["stack", "ls", "--all", "--json"]);
    const stacks = (JSON.parse(r.stdout) as { name: string }[]).map((x) => x.name).sort();
    report.note(`project ${appProject}; stacks on the backend: ${stacks.join(", ")}`);
    assert.ok(stacks.includes(ref), `${ref} among ${stacks.join(", ")}`);
    done.add("app-stack");
  });

  it("`pulumi preview` of the app", async function () {
    need("app-stack", "pushed");
    const r = await I().app.cliOk(["preview"], { stack: APP_STACK });
    const s = summary(r.stdout);
    report.note(`plan: ${JSON.stringify(s)}`);
    assert.ok((s["to create"] ?? 0) > 0, `nothing to create?\n${r.stdout.slice(-2000)}`);
  });

  it("`pulumi up` of the app: StackReference on real state, the tag resolved through the platform host", async function () {
    need("app-stack", "pushed");
    const { app, oci } = I();
    const r = await app.cliOk(["up", "--yes", "--skip-preview"], { stack: APP_STACK });
    const s = summary(r.stdout);
    report.note(`${JSON.stringify(s)}; ${(r.ms / 1000).toFixed(1)} s`);
    assert.ok((s.created ?? 0) >= 4, `up created too little?\n${r.stdout.slice(-2000)}`);
    const tokens = oci.tokenRequests.filter((t) => t.status === 200);
    report.note(
      `token requests: ${oci.tokenRequests.map((t) => `${t.user} ${t.scopes.join(" ")} → ${t.status} [${t.granted.join(" ")}]`).join("; ")}`,
    );
    report.note(`/v2 requests: ${oci.requests.map((q) => `${q.method} ${q.path} ${q.status}`).join("; ")}`);
    assert.ok(
      tokens.some(
        (t) =>
          t.user === `robot$${project}+cluster-pull` && t.granted.includes(`${project}/${repository}:pull`),
      ),
      "the pull robot got a pull token for the repository",
    );
    assert.ok(
      oci.requests.some(
        (q) => q.path === `/v2/${project}/${repository}/manifests/${tag}` && q.status === 200,
      ),
      "the manifest was read through the platform host",
    );
    done.add("app-up");
  });

  it("live: Namespace, pull Secret = the platform's pullDockerConfigJson (the pull robot Harbor holds), Deployment pinned by digest with imagePullSecrets", async function () {
    need("app-up");
    const { kube, platform, app, ingress } = I();
    assert.ok(await kube.namespaceExists(appNs), `Namespace ${appNs}`);
    const po = await platform.outputs(PLATFORM_STACK, true);
    const host = po.registryHost as string;
    const pulls = (
      typeof po.pullDockerConfigJson === "string"
        ? JSON.parse(po.pullDockerConfigJson)
        : po.pullDockerConfigJson
    ) as Record<string, unknown>;
    const want = typeof pulls[project] === "string" ? JSON.parse(pulls[project]) : pulls[project];
    assert.ok(want, `pullDockerConfigJson.${project}`);
    const ao = await app.outputs(APP_STACK, false);
    const secretName = ao.pullSecret as string;
    const raw = await kube.get(`/api/v1/namespaces/${appNs}/secrets/${secretName}`);
    assert.ok(raw, `Secret ${appNs}/${secretName}`);
    assert.strictEqual(raw.type, "kubernetes.io/dockerconfigjson");
    const got = JSON.parse(Buffer.from(raw.data[".dockerconfigjson"] as string, "base64").toString("utf8"));
    assert.deepStrictEqual(
      got,
      want,
      `${appNs}/${secretName} = platform output pullDockerConfigJson.${project}`,
    );
    const auth = Buffer.from(got.auths[host].auth as string, "base64").toString("utf8");
    const robot = ingress
      .harbor(host)
      ?.robotsOf(project)
      .find((r) => auth === `${r.name}:${r.secret}`);
    assert.ok(robot, "the Secret's auth is a robot the (fake) Harbor holds, with its secret");
    assert.strictEqual(robot.name, `robot$${project}+cluster-pull`);
    const d = await kube.get(`/apis/apps/v1/namespaces/${appNs}/deployments/${ao.deployment as string}`);
    assert.ok(d, `Deployment ${appNs}/${ao.deployment as string}`);
    const image = d.spec.template.spec.containers[0].image as string;
    assert.strictEqual(image, `${host}/${project}/${repository}@${pushed}`);
    assert.strictEqual(ao.image, image, "the app's image output");
    assert.deepStrictEqual(d.spec.template.spec.imagePullSecrets, [{ name: secretName }]);
    report.note(`${image}; imagePullSecrets ${secretName}; auth = ${robot.name}`);
  });

  it("`pulumi preview --expect-no-changes` of the app passes", async function () {
    need("app-up");
    const r = await I().app.cli(["preview", "--expect-no-changes", "--diff"], { stack: APP_STACK });
    assert.strictEqual(r.code, 0, failure(r));
    report.note(`${(r.ms / 1000).toFixed(1)} s`);
  });

  it("the CrossGuard pack (`pulumi preview --policy-pack ./policy`) reports no violation on the app stack", async function () {
    need("app-up");
    const { result: r, output: out } = await previewWithPolicyPack((args) =>
      I().app.cli(args, { stack: APP_STACK }),
    );
    assert.strictEqual(r.code, 0, failure(r));
    assert.match(out, /registry-platform@v/, "the pack did not run");
    assert.doesNotMatch(out, /mandatory|advisory/, out);
    report.note("0 violations");
  });

  it("`pulumi destroy` of the app empties its stack and its namespace; the platform stays", async function () {
    need("app-up");
    const { app, kube, platform } = I();
    const r = await app.cliOk(["destroy", "--yes", "--skip-preview"], { stack: APP_STACK });
    report.note(`${JSON.stringify(summary(r.stdout))}; ${(r.ms / 1000).toFixed(1)} s`);
    assert.deepStrictEqual(await app.resources(APP_STACK), []);
    assert.deepStrictEqual(await kube.waitNamespacesGone([appNs], 60_000), [], `namespace ${appNs} left`);
    assert.ok((await platform.resources(PLATFORM_STACK)).length > 0, "the platform stack is untouched");
  });
});
