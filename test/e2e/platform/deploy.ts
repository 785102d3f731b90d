/**
 * Platform e2e, per stack: deploying it. The stack file as in stacks/ with the run's chart source and Helm
 * waits off (and, for a `byo-intermediate` stack, a site CA made with openssl), the secret keys (a preview
 * without them names each `pulumi config set --secret`), `pulumi preview` and `pulumi up`.
 */
import * as assert from "assert";
import { randomBytes, X509Certificate } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { versions } from "../../../components/versions";
import { CA_EXT, issue, selfSignedCa } from "../../tls/openssl";
import { isExampleCa } from "../../../config/pem";
import { kubeJson } from "../../../tools/drill/kube";
import { installMonitoringCrds, needsMonitoringCrds } from "../support/monitoring-crds";
import { pemBlocks, resourceSummary as summary } from "../support/output";
import { NAMESPACE } from "../support/workspace";
import { EXTERNAL_REDIS, StackContext } from "./context";

/** Whether a PEM bundle holds the example stacks' placeholder CA (config/pem.ts). */
function holdsExampleCa(bundle: string): boolean {
  return pemBlocks(bundle).some((p) => isExampleCa(new X509Certificate(p)));
}

/** Registers the deploy checks of `ctx.stack` (and the hook that writes its stack file). */
export function deployChecks(ctx: StackContext): void {
  const { stack, plan, secrets, chartSource, settings, report, pass, need, cli, cliOk } = ctx;
  const I = () => ctx.infra.get();

  before(async function () {
    this.timeout(120_000);
    const { ws, repo, oci, chartSha, ingress } = I();
    const config: Record<string, unknown> = { ...plan.config };
    // dev: local archives. onprem: an OCI registry, as its stack file says, except Velero's chart from a Helm
    // repository, so that the run installs from every kind of source (the repository alone without the registry).
    // The prod stacks: the Helm repository (their stack files name the public repositories).
    const source = (file: string) =>
      stack === "dev"
        ? { path: path.join(settings.chartsDir!, file), sha256: chartSha[file] }
        : stack === "onprem" && oci && file !== settings.charts.velero
          ? { oci: oci.url }
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
    if (stack === EXTERNAL_REDIS.stack) {
      const h = config[`${NAMESPACE}:harbor`] as Record<string, unknown> | undefined;
      config[`${NAMESPACE}:harbor`] = { ...h, redis: { type: "external", addr: EXTERNAL_REDIS.addr } };
      // A password with characters the chart URL-encodes, so the checks see both forms.
      ctx.redisPassword = `e2e/${randomBytes(12).toString("base64url")}@redis`;
      changed.push(
        `harbor.redis: external ${EXTERNAL_REDIS.addr} with harborRedisPassword (the post-renderer)`,
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
      ctx.ca = { root, intermediate };
      const t = { ...(config[`${NAMESPACE}:tls`] as Record<string, unknown>) };
      t.rootCertPem = root.certPem;
      t.intermediateCertPem = intermediate.certPem;
      config[`${NAMESPACE}:tls`] = t;
      changed.push("tls.rootCertPem/intermediateCertPem: a CA made with openssl for this run");
    }
    const tls = config[`${NAMESPACE}:tls`] as { extraCaBundles?: string[] } | undefined;
    const examples = (tls?.extraCaBundles ?? []).flatMap((b, i) => (holdsExampleCa(b) ? [i] : []));
    if (examples.length > 0) {
      // The example holds a placeholder where the Amazon RDS CA bundle goes, which a real engine refuses.
      const dir = path.join(I().tmp, `${stack}-db-ca`);
      fs.mkdirSync(dir);
      const dbCa = selfSignedCa(dir, "e2e-db-ca", CA_EXT(0));
      const bundles = [...tls!.extraCaBundles!];
      for (const i of examples) bundles[i] = dbCa.certPem;
      config[`${NAMESPACE}:tls`] = { ...tls, extraCaBundles: bundles };
      changed.push(`tls.extraCaBundles[${examples.join(", ")}]: a CA made with openssl for this run`);
    }
    // The application namespaces that get pull Secrets exist before the platform (README: they are not created).
    const appNamespaces = [...new Set(plan.projects.flatMap((p) => p.pullSecretNamespaces))].sort();
    for (const ns of appNamespaces)
      if (!(await I().kube.namespaceExists(ns))) {
        await kubeJson(I().kube.api, "POST", "/api/v1/namespaces", {
          apiVersion: "v1",
          kind: "Namespace",
          metadata: { name: ns },
        });
        report.event(`${stack}: application namespace ${ns} created (pull Secrets go there)`);
      }
    ctx.extraCaBundles =
      (config[`${NAMESPACE}:tls`] as { extraCaBundles?: string[] } | undefined)?.extraCaBundles ?? [];
    if (needsMonitoringCrds((k) => config[`${NAMESPACE}:${k}`])) {
      const crds = await installMonitoringCrds(I().kube.api);
      report.event(`${stack}: stand-in CRDs for the Prometheus Operator's kinds: ${crds.join(", ")}`);
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

  const setKeys = stack === EXTERNAL_REDIS.stack ? [...secrets, "harborRedisPassword"] : secrets;
  it(`secrets set with \`pulumi config set --secret\`${setKeys.length ? ` (${setKeys.join(", ")})` : " (none required)"}`, async function () {
    const { ws } = I();
    for (const k of secrets) {
      const value =
        k === "tlsIntermediateKeyPem"
          ? ctx.ca!.intermediate.keyPem
          : k === "s3AccessKey"
            ? `E2E${randomBytes(8).toString("hex").toUpperCase()}`
            : randomBytes(24).toString("base64url");
      await ws.setSecret(stack, k, value);
    }
    if (ctx.redisPassword !== undefined) await ws.setSecret(stack, "harborRedisPassword", ctx.redisPassword);
    const r = await cliOk(["config", "--json"]);
    const cfg = JSON.parse(r.stdout) as Record<string, { secret: boolean; value?: unknown }>;
    for (const k of setKeys) {
      assert.strictEqual(cfg[`${NAMESPACE}:${k}`]?.secret, true, `${k} is not stored as a secret`);
      assert.strictEqual(
        cfg[`${NAMESPACE}:${k}`]?.value,
        undefined,
        `${k}'s value is shown without --show-secrets`,
      );
    }
    const text = fs.readFileSync(ws.stackFile(stack), "utf8");
    assert.doesNotMatch(text, /offlinePlaceholder/);
    pass("secrets");
  });

  it(`\`pulumi preview\` succeeds (charts: ${chartSource}; Helm waits off)`, async function () {
    need("secrets");
    const r = await cliOk(["preview"]);
    const s = summary(r.stdout);
    report.note(`plan: ${JSON.stringify(s)}`);
    assert.ok((s["to create"] ?? 0) > 0, `nothing to create?\n${r.stdout.slice(-2000)}`);
    pass("preview");
  });

  it("`pulumi up` creates the stack", async function () {
    need("preview");
    const r = await cliOk(["up", "--yes", "--skip-preview"]);
    const s = summary(r.stdout);
    const upResources = (await I().ws.resources(stack)).length;
    report.note(`${JSON.stringify(s)}; ${upResources} resources in state; ${(r.ms / 1000).toFixed(1)} s`);
    assert.ok((s.created ?? 0) > 0, `up created nothing?\n${r.stdout.slice(-2000)}`);
    if (stack === "onprem") {
      const { oci, repo } = I();
      if (oci) {
        // Each release pulled its chart from where the config says (the registry's request log, the repository's).
        const pulled = [...new Set(oci.pulls())].sort();
        const served = [...new Set(repo.served)].sort();
        report.note(
          `charts pulled from the OCI registry (${oci.url}): ${pulled.join(", ") || "none"}; ` +
            `served by the Helm repository: ${served.join(", ") || "none"}`,
        );
        assert.ok(
          pulled.some((p) => p.startsWith("harbor:")),
          `Harbor's chart from the registry: ${pulled.join(", ")}`,
        );
        assert.ok(
          !pulled.some((p) => p.startsWith("velero:")),
          `Velero's chart from the registry: ${pulled.join(", ")}`,
        );
        assert.ok(
          served.some((f) => f.startsWith("velero-")),
          `Velero's chart from the repository: ${served.join(", ")}`,
        );
      } else
        report.note(`charts served by the loopback repo: ${[...new Set(repo.served)].join(", ") || "none"}`);
    }
    pass("up");
  });
}
