/**
 * End-to-end: the built program on a real Pulumi engine against a real kube-apiserver, for the `dev` and
 * `onprem` example stacks. `npm run e2e` (own mocha config: test/e2e/.mocharc.json; `npm test` never loads
 * this file). Preconditions are checked first; a missing one fails the run with the command that provides it.
 *
 * Per stack: scratch project + file backend, secrets through `pulumi config set --secret`, charts from a local
 * archive (dev) or a Helm repository on loopback (onprem), Helm waits off, `pulumi preview` and `up`; then the
 * live cluster (references, admission, Velero, node trust, NetworkPolicies), the outputs against the cluster,
 * the Harbor API objects on a fake Harbor behind the live Ingress certificate, no changes on a second
 * preview/up/refresh, a small in-place diff for a config change, and `destroy` (dev empties; protected onprem
 * refuses). The report (out/e2e/report.md) lists every check with its duration and every pulumi command.
 */
import * as assert from "assert";
import { createHash, randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { versions } from "../../components/versions";
import { CA_EXT, issue, Issued, selfSignedCa, verify } from "../tls/openssl";
import {
  apiServerHost,
  harborAdminPassword,
  Kube,
  kubeFromFile,
  KObj,
  PrivateCluster,
  StandinControllers,
  startPrivateCluster,
} from "./support/cluster";
import { LoopbackHelmRepo } from "./support/helm-repo";
import { IngressStandIn } from "./support/ingress";
import { failure, run } from "./support/proc";
import { norm, pemBlocks, previewSteps, resourceSummary as summary, stepLabel } from "./support/output";
import { Report } from "./support/report";
import { loadSettings, preflight, readSha256Sums, ROOT } from "./support/settings";
import { durationHours, loadStackPlan, requiredSecrets, StackPlan } from "./support/stacks";
import { NAMESPACE, PulumiWorkspace } from "./support/workspace";

const STACKS = ["dev", "onprem"] as const;
/** How many resources a config change that adds one SAN may touch (certificate, TLS secret, node trust). */
const SMALL_DIFF = 10;
const TIME_BUDGET_MS = 15 * 60_000;

const settings = loadSettings();
const report = new Report();
const t0 = Date.now();

interface Infra {
  tmp: string;
  kubeconfig: string;
  kube: Kube;
  cluster?: PrivateCluster;
  standins?: StandinControllers;
  ingress: IngressStandIn;
  repo: LoopbackHelmRepo;
  ws: PulumiWorkspace;
  chartSha: Record<string, string>;
}
let infra: Infra | undefined;

function I(): Infra {
  if (!infra) throw new Error("set-up did not complete (see the before-all hook)");
  return infra;
}

function sha256File(f: string): string {
  return createHash("sha256").update(fs.readFileSync(f)).digest("hex");
}

/** Pod templates (labels) of the Deployments and StatefulSets in `ns`. */
async function podTemplates(
  kube: Kube,
  ns: string,
): Promise<{ name: string; labels: Record<string, string> }[]> {
  const out: { name: string; labels: Record<string, string> }[] = [];
  for (const kind of ["deployments", "statefulsets"])
    for (const w of await kube.list(`/apis/apps/v1/namespaces/${ns}/${kind}`))
      out.push({ name: `${kind}/${w.metadata.name}`, labels: w.spec.template.metadata?.labels ?? {} });
  return out;
}

/** Kubernetes label-selector semantics (matchLabels + matchExpressions). */
function selects(sel: KObj, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries((sel?.matchLabels ?? {}) as Record<string, string>))
    if (labels[k] !== v) return false;
  for (const e of (sel?.matchExpressions ?? []) as KObj[]) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const v = labels[e.key as string];
    const ok =
      e.operator === "In"
        ? has && (e.values as string[]).includes(v)
        : e.operator === "NotIn"
          ? !has || !(e.values as string[]).includes(v)
          : e.operator === "Exists"
            ? has
            : !has;
    if (!ok) return false;
  }
  return true;
}

/**
 * The keys Harbor's retained state depends on, by Secret data key, from the Harbor namespace: `secretKey`
 * (encrypts credentials stored in the database), the database password (POSTGRES_PASSWORD / password), and
 * the admin password Harbor wrote into its database at first start.
 */
async function harborDataSecrets(kube: Kube, ns: string): Promise<Record<string, string>> {
  const keys = ["secretKey", "POSTGRES_PASSWORD", "HARBOR_ADMIN_PASSWORD"];
  const out: Record<string, string> = {};
  for (const sec of await kube.list(`/api/v1/namespaces/${ns}/secrets`)) {
    if ((sec.metadata.name as string).startsWith("sh.helm.release.")) continue;
    for (const k of keys)
      if (sec.data?.[k])
        out[`${sec.metadata.name as string}/${k}`] = Buffer.from(sec.data[k] as string, "base64").toString();
  }
  return out;
}

function summarizeTypes(types: string[]): string {
  const n = new Map<string, number>();
  for (const t of types) n.set(t.split(":").slice(-1)[0], (n.get(t.split(":").slice(-1)[0]) ?? 0) + 1);
  return [...n].map(([t, c]) => `${c} ${t}`).join(", ");
}

// ── run-wide set-up and clean-up ────────────────────────────────────────────────────────────────────────

/** Clean-up steps, newest first; registered as each piece of the set-up starts. */
const cleanups: { name: string; fn: () => Promise<void> | void }[] = [];
let ranChecks = false;

before(async function () {
  this.timeout(600_000);
  const problems = await preflight(settings);
  if (problems.length) {
    const msg =
      `end-to-end preconditions not met (nothing was run; fix these, then npm run e2e again):\n` +
      problems.map((p) => `  - ${p}`).join("\n");
    console.error(msg);
    throw new Error(msg);
  }
  ranChecks = true;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "registry-platform-e2e-"));
  cleanups.unshift({
    name: "remove the scratch directory",
    fn: () => {
      if (settings.keep) console.log(`    e2e: kept ${tmp}`);
      else fs.rmSync(tmp, { recursive: true, force: true });
    },
  });
  fs.mkdirSync(settings.reportDir, { recursive: true });
  let cluster: PrivateCluster | undefined;
  if (!settings.kubeconfig) {
    cluster = await report.phase("start private etcd + kube-apiserver (shared start.sh)", () =>
      startPrivateCluster(settings, tmp),
    );
    const c = cluster;
    cleanups.unshift({
      name: "stop the private kube-apiserver + etcd (shared stop.sh)",
      fn: () => (settings.keep ? console.log(`    e2e: kept the cluster, RUN=${c.runDir}`) : c.stop()),
    });
  }
  const kubeconfig = settings.kubeconfig ?? cluster!.kubeconfig;
  // The other end-to-end files of this run (test/e2e/policy-*.e2e.ts) use $KUBECONFIG: the private API server.
  if (cluster) process.env.KUBECONFIG = kubeconfig;
  const kube = new Kube(await kubeFromFile(kubeconfig));
  let standins: StandinControllers | undefined;
  if ((await kube.nodeCount()) === 0) {
    // No kubelet/controller-manager: hook Jobs, DaemonSet status, foreground deletion, namespace finalize.
    const sc = new StandinControllers(
      path.join(settings.toolsDir!, "e2e-helpers", "standin-controllers.sh"),
      kubeconfig,
      path.join(settings.reportDir, "standin-controllers.log"),
    );
    sc.start();
    standins = sc;
    cleanups.unshift({ name: "stop the stand-in controllers", fn: () => sc.stop() });
  }
  const ingress = new IngressStandIn(kube, settings.ingressPort);
  await ingress.start();
  cleanups.unshift({
    name: "stop the ingress stand-in and fake Harbors",
    fn: async () => {
      for (const e of ingress.events) report.event(`ingress stand-in: ${e}`);
      await ingress.stop();
    },
  });
  const chartFiles = [settings.charts.harbor, settings.charts.velero, settings.charts.kyverno]
    .filter((f): f is string => f !== undefined)
    .map((f) => path.join(settings.chartsDir!, f));
  const sums = readSha256Sums(settings.chartsDir!);
  const chartSha = Object.fromEntries(
    chartFiles.map((f) => [path.basename(f), sums[path.basename(f)] ?? sha256File(f)]),
  );
  const repo = new LoopbackHelmRepo(path.join(tmp, "helm-repo"), settings.helmBin!);
  cleanups.unshift({ name: "stop the loopback Helm repository", fn: () => repo.stop() });
  await report.phase("loopback Helm repository (helm repo index)", () => repo.start(chartFiles));
  const ws = new PulumiWorkspace(settings, tmp, kubeconfig, report, [apiServerHost(kubeconfig)]);
  await report.phase("scratch Pulumi project + file backend login", () => ws.init());
  infra = { tmp, kubeconfig, kube, cluster, standins, ingress, repo, ws, chartSha };
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
  for (const c of cleanups) {
    try {
      await report.phase(c.name, async () => {
        await c.fn();
      });
    } catch (e) {
      console.error(`    e2e clean-up "${c.name}" failed: ${(e as Error).message}`);
    }
  }
  if (!ranChecks) return; // preconditions failed: their message is the whole story
  const md = report.write(settings.reportDir);
  console.log(
    `\n${report.markdown()}\n(report: ${md}; command logs: ${path.join(settings.reportDir, "logs")})`,
  );
});

// ── per stack ───────────────────────────────────────────────────────────────────────────────────────────

for (const stack of STACKS) {
  const plan: StackPlan = loadStackPlan(ROOT, stack);
  const secrets = requiredSecrets(plan);
  const chartSource = stack === "dev" ? "local archive path + sha256" : "Helm repository on loopback";

  describe(`${stack}`, function () {
    const done = new Set<string>();
    const need = (...steps: string[]) => {
      for (const s of steps) if (!done.has(s)) throw new Error(`not run: the "${s}" step did not pass`);
    };
    let ca: { root: Issued; intermediate: Issued } | undefined;
    let upResources = 0;
    /** Harbor's data-bound keys before the refused destroy (values compared, never printed). */
    let dataSecrets: Record<string, string> = {};
    const cli = (args: string[], timeoutMs?: number) => I().ws.cli(args, { stack, timeoutMs });
    const cliOk = (args: string[], timeoutMs?: number) => I().ws.cliOk(args, { stack, timeoutMs });

    before(async function () {
      this.timeout(120_000);
      const { ws, repo, chartSha, ingress } = I();
      const config: Record<string, unknown> = { ...plan.config };
      const source = (file: string) =>
        stack === "dev"
          ? { path: path.join(settings.chartsDir!, file), sha256: chartSha[file] }
          : { repository: repo.url };
      const charts: Record<string, unknown> = {
        harbor: source(settings.charts.harbor),
        velero: source(settings.charts.velero),
      };
      const changed = [`charts (${chartSource})`, "helm.wait: false"];
      if (settings.charts.kyverno) charts.kyverno = source(settings.charts.kyverno);
      else {
        // Kyverno's chart is not among the archives: without it the release would reach for the public repository.
        config[`${NAMESPACE}:policy`] = { ...(config[`${NAMESPACE}:policy`] as object), enabled: false };
        changed.push(
          `policy.enabled: false (no kyverno-${versions.kyverno.chart}.tgz in ${settings.chartsDir})`,
        );
      }
      config[`${NAMESPACE}:charts`] = charts;
      config[`${NAMESPACE}:helm`] = { wait: false };
      if (plan.tlsMode === "byo-intermediate") {
        // The site's CA: a root that never enters Pulumi, and the intermediate whose key Pulumi gets as a secret.
        const dir = path.join(I().tmp, `${stack}-ca`);
        fs.mkdirSync(dir);
        const root = selfSignedCa(dir, "e2e-root", CA_EXT(1));
        const intermediate = issue(dir, "e2e-intermediate", root, CA_EXT(0), 1825);
        ca = { root, intermediate };
        const t = { ...(config[`${NAMESPACE}:tls`] as Record<string, unknown>) };
        t.rootCertPem = root.certPem;
        t.intermediateCertPem = intermediate.certPem;
        config[`${NAMESPACE}:tls`] = t;
        changed.push("tls.rootCertPem/intermediateCertPem: a CA made with openssl for this run");
      }
      report.event(`${stack}: stack file as in stacks/, except ${changed.join("; ")}`);
      await ingress.reset(plan.host);
      await ws.initStack(stack, config);
    });

    if (secrets.length)
      it(`preview without the secret keys fails naming each \`pulumi config set --secret\` to run (${secrets.join(", ")})`, async function () {
        const r = await cli(["preview"]);
        const out = `${r.stdout}\n${r.stderr}`;
        assert.notStrictEqual(r.code, 0, "preview passed without the required secrets");
        assert.doesNotMatch(out, /illegal base64/, "a real engine choked on a placeholder secret");
        // `pulumi config set --secret <key>` or `... registry-platform:<key>` (the project's namespace is implied).
        const unnamed = secrets.filter(
          (k) => !new RegExp(`pulumi config set --secret (?:${NAMESPACE}:)?${k}\\b`).test(out),
        );
        assert.deepStrictEqual(unnamed, [], "no `pulumi config set --secret <key>` for these keys");
        report.note(`exit ${r.code}; every key named with its command`);
      });

    it(`secrets set with \`pulumi config set --secret\`${secrets.length ? ` (${secrets.join(", ")})` : " (none required)"}`, async function () {
      const { ws } = I();
      for (const k of secrets) {
        const value =
          k === "tlsIntermediateKeyPem"
            ? ca!.intermediate.keyPem
            : k === "s3AccessKey"
              ? `E2E${randomBytes(8).toString("hex").toUpperCase()}`
              : randomBytes(24).toString("base64url");
        await ws.setSecret(stack, k, value);
      }
      const r = await cliOk(["config", "--json"]);
      const cfg = JSON.parse(r.stdout) as Record<string, { secret: boolean; value?: unknown }>;
      for (const k of secrets) {
        assert.strictEqual(cfg[`${NAMESPACE}:${k}`]?.secret, true, `${k} is not stored as a secret`);
        assert.strictEqual(
          cfg[`${NAMESPACE}:${k}`]?.value,
          undefined,
          `${k}'s value is shown without --show-secrets`,
        );
      }
      const text = fs.readFileSync(ws.stackFile(stack), "utf8");
      assert.doesNotMatch(text, /offlinePlaceholder/);
      done.add("secrets");
    });

    it(`\`pulumi preview\` succeeds (charts: ${chartSource}; Helm waits off)`, async function () {
      need("secrets");
      const r = await cliOk(["preview"]);
      const s = summary(r.stdout);
      report.note(`plan: ${JSON.stringify(s)}`);
      assert.ok((s["to create"] ?? 0) > 0, `nothing to create?\n${r.stdout.slice(-2000)}`);
      done.add("preview");
    });

    it("`pulumi up` creates the stack", async function () {
      need("preview");
      const r = await cliOk(["up", "--yes", "--skip-preview"]);
      const s = summary(r.stdout);
      upResources = (await I().ws.resources(stack)).length;
      report.note(`${JSON.stringify(s)}; ${upResources} resources in state; ${(r.ms / 1000).toFixed(1)} s`);
      assert.ok((s.created ?? 0) > 0, `up created nothing?\n${r.stdout.slice(-2000)}`);
      if (stack === "onprem")
        report.note(
          `charts served by the loopback repo: ${[...new Set(I().repo.served)].join(", ") || "none"}`,
        );
      done.add("up");
    });

    it("every Secret/ConfigMap/key/PVC/ServiceAccount a pod template names exists; Pod Security admits every pod (k8s-check.py --admission)", async function () {
      need("up");
      const r = await run(
        "python3",
        [
          path.join(settings.toolsDir!, "e2e-helpers", "k8s-check.py"),
          "--namespaces",
          [plan.harborNamespace, plan.veleroNamespace, plan.systemNamespace, "default"].join(","),
          "--admission",
        ],
        { env: { ...process.env, KUBECONFIG: I().kubeconfig }, timeoutMs: 180_000 },
      );
      fs.writeFileSync(path.join(settings.reportDir, `${stack}-k8s-check.txt`), r.stdout + r.stderr);
      const refs = /(\d+) references checked/.exec(r.stdout)?.[1];
      const pods = (r.stdout.match(/: accepted/g) ?? []).length;
      report.note(`${refs ?? "?"} references checked, ${pods} pod templates admitted`);
      assert.strictEqual(r.code, 0, failure(r));
      assert.ok(Number(refs) > 0 && pods > 0, "k8s-check found no pod templates");
    });

    it("Velero Schedules, backup storage locations and the pg_dump hook are the seed's", async function () {
      need("up");
      const { kube } = I();
      const outs = await I().ws.outputs(stack, false);
      const schedules = await kube.list(`/apis/velero.io/v1/namespaces/${plan.veleroNamespace}/schedules`);
      const byKind = new Map<string, KObj>();
      for (const s of schedules) {
        const kind =
          (s.metadata?.labels?.["registry-platform/backup"] as string | undefined) ??
          /-(daily|weekly|monthly)$/.exec(s.metadata.name as string)?.[1];
        if (kind) byKind.set(kind, s);
      }
      assert.deepStrictEqual([...byKind.keys()].sort(), ["daily", "monthly", "weekly"]);
      for (const [kind, want] of Object.entries(plan.schedules)) {
        const s = byKind.get(kind);
        const t = s.spec.template;
        assert.strictEqual(s.spec.schedule, want.cron, `${kind} cron`);
        assert.strictEqual(durationHours(t.ttl as string), want.ttlHours, `${kind} ttl`);
        assert.strictEqual(t.storageLocation, want.location, `${kind} location`);
        assert.deepStrictEqual(t.includedNamespaces, [plan.harborNamespace], `${kind} namespaces`);
        const hooks = (t.hooks?.resources ?? []) as KObj[];
        if (want.dumpHook) {
          assert.strictEqual(hooks.length, 1, `${kind}: one pre-backup hook`);
          const h = hooks[0];
          assert.deepStrictEqual(h.includedNamespaces, [plan.harborNamespace]);
          const cmd = (h.pre?.[0]?.exec?.command ?? []).join(" ");
          assert.match(cmd, /pg_dump/, `${kind}: the hook dumps PostgreSQL`);
          assert.strictEqual(h.pre[0].exec.onError, "Fail", `${kind}: a failed dump fails the backup`);
        } else assert.strictEqual(hooks.length, 0, `${kind}: no hook`);
      }
      const bsls = await kube.list(
        `/apis/velero.io/v1/namespaces/${plan.veleroNamespace}/backupstoragelocations`,
      );
      const names = bsls.map((b) => b.metadata.name as string).sort();
      assert.deepStrictEqual(names, ["archive", "default"]);
      for (const b of bsls)
        assert.strictEqual(
          b.spec.objectStorage.bucket,
          outs.backupBucket,
          `${b.metadata.name}: backup bucket`,
        );
      assert.strictEqual(bsls.find((b) => b.metadata.name === "default").spec.default, true);
      report.note(
        Object.entries(plan.schedules)
          .map(
            ([k, v]) =>
              `${k} \`${v.cron}\` ttl ${v.ttlHours}h → ${v.location}${v.dumpHook ? " + pg_dump" : ""}`,
          )
          .join("; "),
      );
    });

    it("node-trust DaemonSet and ConfigMap carry the CA bundle and a hosts.toml per registry host", async function () {
      need("up");
      const { kube } = I();
      const outs = await I().ws.outputs(stack, false);
      const dss = await kube.list(`/apis/apps/v1/namespaces/${plan.systemNamespace}/daemonsets`);
      assert.strictEqual(dss.length, 1, `one DaemonSet in ${plan.systemNamespace}`);
      const ds = dss[0];
      const vol = ((ds.spec.template.spec.volumes ?? []) as KObj[]).find((v) => v.configMap);
      assert.ok(vol, "the DaemonSet mounts a ConfigMap");
      const cm = await kube.configMap(plan.systemNamespace, vol.configMap.name as string);
      assert.ok(cm, `ConfigMap ${vol.configMap.name} exists`);
      assert.strictEqual(cm["ca.crt"], outs.caBundlePem, "the ConfigMap's ca.crt is the caBundlePem output");
      for (const h of [plan.host, ...plan.extraSans])
        assert.ok(
          Object.entries(cm).some(([k, v]) => k.includes(h.replace(/:/g, "_")) && v.includes(`https://${h}`)),
          `a hosts.toml for ${h}`,
        );
      const ann = JSON.stringify(ds.spec.template.metadata?.annotations ?? {});
      assert.ok(
        ann.includes(outs.registryCaSha256 as string),
        "the pod template carries the CA bundle's sha256",
      );
      report.note(`${ds.metadata.name}: ${Object.keys(cm).length} ConfigMap keys`);
    });

    if (plan.production)
      it("NetworkPolicies guard Harbor's namespace (production stack)", async function () {
        need("up");
        const nps = await I().kube.list(
          `/apis/networking.k8s.io/v1/namespaces/${plan.harborNamespace}/networkpolicies`,
        );
        assert.ok(nps.length > 0, `no NetworkPolicy in ${plan.harborNamespace}`);
        const ingressPolicies = nps.filter((p) => (p.spec.policyTypes ?? ["Ingress"]).includes("Ingress"));
        // Every Harbor pod is selected by an Ingress policy (so only what a policy allows reaches it) ...
        const templates = await podTemplates(I().kube, plan.harborNamespace);
        assert.ok(templates.length > 0, "no workloads in Harbor's namespace");
        const open = templates.filter(
          (t) => !ingressPolicies.some((p) => selects(p.spec.podSelector, t.labels)),
        );
        assert.deepStrictEqual(
          open.map((t) => t.name),
          [],
          "pods no Ingress NetworkPolicy selects (open to all)",
        );
        // ... and no rule lets everyone in (an ingress rule without `from`).
        const allowAll = ingressPolicies.filter((p) =>
          ((p.spec.ingress ?? []) as KObj[]).some((r) => !r.from),
        );
        assert.deepStrictEqual(
          allowAll.map((p) => p.metadata.name),
          [],
          "policies with an allow-from-anywhere rule",
        );
        report.note(
          `${nps.length} policies (${nps.map((p) => p.metadata.name).join(", ")}) isolate all ${templates.length} pod templates`,
        );
      });

    it("`pulumi stack output --json` hides the secret outputs", async function () {
      need("up");
      const o = await I().ws.outputs(stack, false);
      assert.strictEqual(o.harborAdminPassword, "[secret]");
      // Per project: every value hidden.
      const pulls = o.pullDockerConfigJson as Record<string, unknown>;
      assert.deepStrictEqual(Object.keys(pulls).sort(), plan.projects.map((p) => p.name).sort());
      for (const [p, v] of Object.entries(pulls))
        assert.strictEqual(v, "[secret]", `pullDockerConfigJson.${p}`);
      assert.strictEqual(o.registryHost, plan.host);
      assert.match(o.caBundlePem as string, /BEGIN CERTIFICATE/);
      const text = JSON.stringify(o);
      const adminPw = await harborAdminPassword(I().kube, plan.harborNamespace);
      assert.ok(!text.includes(adminPw), "the admin password appears in the plain output");
      report.note(`outputs: ${Object.keys(o).sort().join(", ")}`);
    });

    it("`--show-secrets` outputs match the cluster: admin password, CA bundle + sha256, pull secrets; the served chain verifies for the host", async function () {
      need("up");
      const { kube, tmp } = I();
      const o = await I().ws.outputs(stack, true);
      assert.strictEqual(
        o.harborAdminPassword,
        await harborAdminPassword(kube, plan.harborNamespace),
        "admin password output = Harbor core's HARBOR_ADMIN_PASSWORD",
      );
      const bundle = o.caBundlePem as string;
      assert.strictEqual(o.registryCaSha256, createHash("sha256").update(bundle, "utf8").digest("hex"));
      // The certificate the live Ingress serves.
      const ings = await kube.list(`/apis/networking.k8s.io/v1/namespaces/${plan.harborNamespace}/ingresses`);
      const ing = ings.find((i) => (i.spec.rules ?? []).some((r: KObj) => r.host === plan.host));
      assert.ok(ing, `an Ingress for ${plan.host}`);
      const secretName = (ing.spec.tls ?? []).find((t: KObj) =>
        (t.hosts ?? []).includes(plan.host),
      )?.secretName;
      const tlsSecret = await kube.secret(plan.harborNamespace, secretName as string);
      assert.ok(tlsSecret?.["tls.crt"], `TLS Secret ${secretName} with tls.crt`);
      const dir = path.join(tmp, `${stack}-verify`);
      fs.mkdirSync(dir, { recursive: true });
      const certs = pemBlocks(tlsSecret["tls.crt"]);
      fs.writeFileSync(path.join(dir, "bundle.pem"), bundle);
      fs.writeFileSync(path.join(dir, "leaf.pem"), `${certs[0]}\n`);
      fs.writeFileSync(path.join(dir, "chain.pem"), `${certs.slice(1).join("\n")}\n`);
      const v = await run("openssl", [
        "verify",
        "-CAfile",
        path.join(dir, "bundle.pem"),
        ...(certs.length > 1 ? ["-untrusted", path.join(dir, "chain.pem")] : []),
        "-verify_hostname",
        plan.host,
        path.join(dir, "leaf.pem"),
      ]);
      assert.strictEqual(v.code, 0, `openssl verify: ${v.stdout}${v.stderr}`);
      // The CA bundle Harbor gets for outbound TLS is the same.
      const bundles = (await kube.list(`/api/v1/namespaces/${plan.harborNamespace}/secrets`)).filter((x) =>
        /-ca-bundle$/.test(x.metadata.name as string),
      );
      for (const b of bundles)
        if (!/storage/.test(b.metadata.name as string))
          assert.strictEqual(
            Buffer.from(b.data["ca.crt"] as string, "base64").toString("utf8"),
            bundle,
            `${b.metadata.name as string} ca.crt = caBundlePem`,
          );
      if (ca) {
        assert.ok(
          pemBlocks(bundle).some((b) => norm(b) === norm(ca!.root.certPem)),
          "the bundle holds the site's root",
        );
        const site = verify(dir, ca.root.certFile, path.join(dir, "leaf.pem"), path.join(dir, "chain.pem"));
        assert.ok(site.ok, `the served chain verifies against the site root alone: ${site.out}`);
      }
      // Pull secrets: the output, the cluster Secret and the robot Harbor issued agree.
      const pulls = (
        typeof o.pullDockerConfigJson === "string"
          ? JSON.parse(o.pullDockerConfigJson)
          : o.pullDockerConfigJson
      ) as Record<string, unknown>;
      const harbor = I().ingress.harbor(plan.host);
      let nSecrets = 0;
      for (const p of plan.projects) {
        const want = typeof pulls[p.name] === "string" ? JSON.parse(pulls[p.name] as string) : pulls[p.name];
        assert.ok(want, `pullDockerConfigJson.${p.name}`);
        for (const ns of p.pullSecretNamespaces) {
          const s = await kube.secret(ns, `harbor-${p.name}-pull`);
          assert.ok(s, `Secret ${ns}/harbor-${p.name}-pull`);
          assert.deepStrictEqual(
            JSON.parse(s[".dockerconfigjson"]),
            want,
            `${ns}/harbor-${p.name}-pull = output`,
          );
          nSecrets++;
        }
        const auth = Buffer.from(want.auths[plan.host].auth, "base64").toString("utf8");
        const robot = harbor?.robotsOf(p.name).find((r) => auth.startsWith(`${r.name}:`));
        assert.ok(robot, `the pull secret of ${p.name} names a robot Harbor has`);
        assert.strictEqual(
          auth,
          `${robot.name}:${robot.secret}`,
          `${p.name}: pull secret = the robot's secret`,
        );
      }
      report.note(`chain of ${certs.length} verified for ${plan.host}; ${nSecrets} pull Secrets match`);
    });

    it("Harbor API objects exist on the fake Harbor reached through the live Ingress certificate", async function () {
      need("up");
      const h = I().ingress.harbor(plan.host);
      assert.ok(h, `no request reached the fake Harbor of ${plan.host}`);
      const projects = [...h.projects.values()].map((p) => p.name).sort();
      assert.deepStrictEqual(projects, plan.projects.map((p) => p.name).sort());
      for (const p of plan.projects) {
        const robots = h
          .robotsOf(p.name)
          .map((r) => r.name)
          .sort();
        assert.deepStrictEqual(robots, [`robot$${p.name}+ci-push`, `robot$${p.name}+cluster-pull`]);
      }
      assert.strictEqual(h.retentions.size, plan.projects.length, "one retention policy per project");
      assert.ok(h.gcSchedule, "GC schedule");
      assert.ok(h.purgeSchedule, "audit-log purge schedule");
      assert.deepStrictEqual(h.schemaErrors, [], "every request body valid against Harbor's swagger");
      const dyn = (await I().ws.resources(stack)).filter((r) => r.type === "pulumi-nodejs:dynamic:Resource");
      report.note(
        `${dyn.length} dynamic resources; ${projects.length} projects, ${h.robots.size} robots, ` +
          `${h.immutableRules.size} immutability rules, ${h.retentions.size} retention policies; ` +
          `${h.requests.length} API requests`,
      );
    });

    it("`pulumi preview --expect-no-changes` passes", async function () {
      need("up");
      const r = await cli(["preview", "--expect-no-changes", "--diff"]);
      assert.strictEqual(r.code, 0, failure(r));
      done.add("no-changes");
    });

    it("the CrossGuard pack (`pulumi preview --policy-pack ./policy`) reports no violation on the deployed stack", async function () {
      need("up");
      const pack = path.join(ROOT, "policy");
      const build = await run("npm", ["--prefix", pack, "run", "build"], { cwd: ROOT });
      assert.strictEqual(build.code, 0, failure(build));
      const config = path.join(pack, "config", "registry-platform.json");
      const args = (p: string) => ["preview", "--policy-pack", p, "--policy-pack-config", config];
      let r = await cli(args(pack));
      let launcher = "directory";
      if (r.code !== 0 && /RunPlugin|Unimplemented/i.test(`${r.stdout}\n${r.stderr}`)) {
        // This machine's language host cannot RunPlugin: the pack starts through its launcher script.
        r = await cli(args(path.join(pack, "analyzer.sh")));
        launcher = "analyzer.sh";
      }
      const out = `${r.stdout}\n${r.stderr}`;
      assert.strictEqual(r.code, 0, failure(r));
      assert.match(out, /registry-platform@v/, "the pack did not run");
      assert.doesNotMatch(out, /mandatory|advisory/, out);
      report.note(`pack started through ${launcher}; 0 violations`);
    });

    it("a second `pulumi up` changes nothing (and writes nothing to Harbor)", async function () {
      need("up");
      const h = I().ingress.harbor(plan.host)!;
      const writes = h.writes().length;
      const r = await cli(["up", "--yes", "--skip-preview", "--expect-no-changes"]);
      assert.strictEqual(r.code, 0, failure(r));
      const s = summary(r.stdout);
      report.note(JSON.stringify(s));
      assert.deepStrictEqual(Object.keys(s), ["unchanged"], `changes: ${JSON.stringify(s)}`);
      assert.strictEqual(h.writes().length, writes, "the second up wrote to Harbor");
    });

    it("`pulumi refresh` finds no drift (Harbor API objects included)", async function () {
      need("up");
      const r = await cli(["refresh", "--yes", "--skip-preview", "--expect-no-changes"]);
      const s = summary(r.stdout);
      report.note(JSON.stringify(s));
      assert.strictEqual(r.code, 0, failure(r));
    });

    it("a config change (one more SAN) previews as a small in-place diff", async function () {
      need("up");
      const { ws } = I();
      const file = ws.stackFile(stack);
      const saved = fs.readFileSync(file, "utf8");
      const alt = `e2e-alt.${plan.host.split(".").slice(1).join(".")}`;
      try {
        await cliOk(["config", "set", "--path", `${NAMESPACE}:tls.extraSans[${plan.extraSans.length}]`, alt]);
        const r = await cli(["preview", "--diff", "--json"]);
        assert.strictEqual(r.code, 0, failure(r));
        const changed = previewSteps(r.stdout);
        report.note(`${changed.length} steps: ${changed.map(stepLabel).join("; ")}`);
        const recreated = changed.filter(
          (st) =>
            st.type.startsWith("kubernetes:") &&
            ["replace", "create-replacement", "delete-replaced", "delete"].includes(st.op),
        );
        assert.deepStrictEqual(
          recreated.map(stepLabel),
          [],
          "Kubernetes objects deleted and recreated for a data change (must update in place)",
        );
        assert.ok(changed.length > 0, "adding a SAN changed nothing?");
        assert.ok(changed.length <= SMALL_DIFF, `${changed.length} steps for one SAN`);
      } finally {
        fs.writeFileSync(file, saved);
      }
    });

    if (stack === "dev")
      it("a Harbor API failure reaches the user with Harbor's message (not `error: undefined`)", async function () {
        need("up");
        const { ws } = I();
        const h = I().ingress.harbor(plan.host)!;
        const file = ws.stackFile(stack);
        const saved = fs.readFileSync(file, "utf8");
        try {
          await cliOk([
            "config",
            "set",
            "--path",
            `${NAMESPACE}:harborConfig.projects[${plan.projects.length}].name`,
            "e2e-fault",
          ]);
          h.inject({ kind: "status", status: 403, method: "POST", path: "/projects", times: 1 });
          const r = await cli(["up", "--yes", "--skip-preview"]);
          const out = `${r.stdout}\n${r.stderr}`;
          assert.notStrictEqual(r.code, 0, "up passed although Harbor refused the project");
          const line = out.split("\n").find((l) => /HTTP 403/.test(l));
          report.note(`engine printed: ${line?.trim() ?? "(no line with HTTP 403)"}`);
          assert.doesNotMatch(out, /error: undefined/);
          assert.match(out, /POST \/projects failed: HTTP 403/);
        } finally {
          fs.writeFileSync(file, saved);
        }
        assert.strictEqual(h.pendingFaults(), 0, "the fault was not triggered");
        assert.strictEqual(h.projectByName("e2e-fault"), undefined);
      });

    if (!plan.protected)
      it("`pulumi destroy` empties the stack, its namespaces and Harbor", async function () {
        need("up");
        const { kube } = I();
        const r = await cliOk(["destroy", "--yes", "--skip-preview"]);
        report.note(JSON.stringify(summary(r.stdout)));
        assert.deepStrictEqual(await I().ws.resources(stack), []);
        const left = await kube.waitNamespacesGone(
          [plan.harborNamespace, plan.veleroNamespace, plan.systemNamespace],
          60_000,
        );
        assert.deepStrictEqual(left, [], "namespaces left after destroy");
        for (const p of plan.projects)
          for (const ns of p.pullSecretNamespaces)
            assert.strictEqual(
              await kube.secret(ns, `harbor-${p.name}-pull`),
              undefined,
              `${ns}/harbor-${p.name}-pull left`,
            );
        const h = I().ingress.harbor(plan.host)!;
        assert.deepStrictEqual(
          [...h.projects.values()].map((p) => p.name),
          [],
          "Harbor projects left",
        );
        assert.strictEqual(h.robots.size, 0, "Harbor robots left");
      });
    else
      it("`pulumi destroy` of the protected stack refuses; every protected resource and Harbor's namespace stay", async function () {
        need("up");
        const { kube, ws } = I();
        dataSecrets = await harborDataSecrets(kube, plan.harborNamespace);
        const before = await ws.resources(stack);
        const protectedUrns = before.filter((x) => x.protect).map((x) => x.urn);
        const r = await cli(["destroy", "--yes", "--skip-preview"]);
        const out = `${r.stdout}\n${r.stderr}`;
        assert.notStrictEqual(r.code, 0, "destroy of a protected stack succeeded");
        assert.match(out, /because it is protected/);
        const after = await ws.resources(stack);
        const left = new Set(after.map((x) => x.urn));
        const gone = before.filter((x) => !left.has(x.urn));
        report.note(
          `exit ${r.code}; ${protectedUrns.length} protected resources kept; ${gone.length} of ${before.length} unprotected ` +
            `resources deleted before the refusal: ${summarizeTypes(gone.map((x) => x.type))}`,
        );
        assert.deepStrictEqual(
          protectedUrns.filter((u) => !left.has(u)),
          [],
          "protected resources deleted",
        );
        assert.ok(protectedUrns.length > 0, "nothing is protected in a production stack");
        for (const ns of [plan.harborNamespace, plan.veleroNamespace])
          assert.strictEqual(await kube.namespaceExists(ns), true, `namespace ${ns} (its PVCs) deleted`);
        done.add("destroy-refused");
      });

    if (plan.protected)
      it("after the refused destroy, `pulumi up` brings Harbor back with the keys its retained data was written with", async function () {
        need("destroy-refused");
        const { kube } = I();
        const r = await cli(["up", "--yes", "--skip-preview"]);
        assert.strictEqual(r.code, 0, failure(r));
        report.note(JSON.stringify(summary(r.stdout)));
        const now = await harborDataSecrets(kube, plan.harborNamespace);
        const changed = Object.keys(dataSecrets).filter((k) => now[k] !== dataSecrets[k]);
        assert.ok(Object.keys(dataSecrets).length > 0, "no data-bound keys found before the destroy");
        assert.deepStrictEqual(
          changed,
          [],
          "regenerated although the retained database/PVCs were written with the old value (Harbor could not read them)",
        );
      });

    after(async function () {
      this.timeout(600_000);
      if (!infra || !plan.protected || infra.cluster) return;
      // On your own cluster: take the protected stack down deliberately, then the namespaces it retains.
      await report.phase(`${stack}: unprotect + destroy + delete retained namespaces`, async () => {
        await cli(["state", "unprotect", "--all", "--yes"]);
        await cli(["destroy", "--yes", "--skip-preview"]);
        for (const ns of [plan.harborNamespace, plan.veleroNamespace, plan.systemNamespace])
          await I().kube.api.request("DELETE", `/api/v1/namespaces/${ns}`);
        await I().kube.waitNamespacesGone(
          [plan.harborNamespace, plan.veleroNamespace, plan.systemNamespace],
          120_000,
        );
      });
    });
  });
}

describe("run", function () {
  it(`the whole run stays under ${TIME_BUDGET_MS / 60_000} minutes`, function () {
    const ms = Date.now() - t0;
    report.note(`${(ms / 1000).toFixed(0)} s so far (clean-up follows)`);
    assert.ok(ms < TIME_BUDGET_MS, `${(ms / 60_000).toFixed(1)} min`);
  });
});
