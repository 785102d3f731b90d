/**
 * Platform e2e, per stack: the deployed stack's life after `pulumi up`. No changes on a second
 * preview/up/refresh, the CrossGuard pack, a small in-place diff for one more SAN, a new intermediate CA that
 * leaves the Harbor API resources alone (dev), Harbor's own message for a failed API call (dev), and `destroy`:
 * dev empties; the protected onprem stack refuses before it deletes anything (its destroy guard), and a later `up`
 * has nothing to do (Harbor keeps the keys its data was written with). In the protected stack, a config that drops a
 * Harbor project is refused at preview (the project is protected), before its robots and pull Secrets go.
 */
import * as assert from "assert";
import * as fs from "fs";
import { Kube } from "../support/cluster";
import { PreviewStep, previewSteps, resourceSummary as summary, stepLabel } from "../support/output";
import { previewWithPolicyPack } from "../support/policy-pack";
import { failure } from "../support/proc";
import { NAMESPACE } from "../support/workspace";
import { StackContext } from "./context";

/** How many resources a config change that adds one SAN may touch (certificate, TLS secret, node trust). */
const SMALL_DIFF = 10;

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

/** Registers the lifecycle checks of `ctx.stack` (and, after them, the protected stack's take-down). */
export function lifecycleChecks(ctx: StackContext): void {
  const { stack, plan, report, need, pass, cli, cliOk } = ctx;
  const I = () => ctx.infra.get();
  /** Runs `fn` (which changes the stack's config) and restores the stack file afterwards, also when `fn` throws. */
  async function withConfigRestored<T>(fn: () => Promise<T>): Promise<T> {
    const file = I().ws.stackFile(stack);
    const saved = fs.readFileSync(file, "utf8");
    try {
      return await fn();
    } finally {
      fs.writeFileSync(file, saved);
    }
  }
  /** The steps `pulumi preview --diff` plans with one config value set (`--path`); the stack file is restored. */
  function previewOf(configPath: string, value: string): Promise<PreviewStep[]> {
    return withConfigRestored(async () => {
      await cliOk(["config", "set", "--path", configPath, value]);
      const r = await cli(["preview", "--diff", "--json"]);
      assert.strictEqual(r.code, 0, failure(r));
      return previewSteps(r.stdout);
    });
  }
  /** Harbor's data-bound keys before the refused destroy (values compared, never printed). */
  let dataSecrets: Record<string, string> = {};

  it("`pulumi preview --expect-no-changes` passes", async function () {
    need("up");
    const r = await cli(["preview", "--expect-no-changes", "--diff"]);
    assert.strictEqual(r.code, 0, failure(r));
    pass("no-changes");
  });

  it("the CrossGuard pack (`pulumi preview --policy-pack ./policy`) reports no violation on the deployed stack", async function () {
    need("up");
    const { result: r, output: out, launcher } = await previewWithPolicyPack((args) => cli(args));
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
    const alt = `e2e-alt.${plan.host.split(".").slice(1).join(".")}`;
    const changed = await previewOf(`${NAMESPACE}:tls.extraSans[${plan.extraSans.length}]`, alt);
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
  });

  if (stack === "dev")
    it("a new intermediate CA (tls.intermediateValidityYears) previews without touching a Harbor API resource", async function () {
      // The Harbor API resources trust the root only, and take Harbor's URL from the host, not from the release
      // (whose outputs a preview of its change makes unknown): their connection stays known and unchanged.
      need("up");
      const changed = await previewOf(`${NAMESPACE}:tls.intermediateValidityYears`, "4");
      report.note(`${changed.length} steps: ${summarizeTypes(changed.map((st) => st.type))}`);
      assert.ok(
        changed.some((st) => st.type === "tls:index/locallySignedCert:LocallySignedCert"),
        "no new intermediate?",
      );
      assert.deepStrictEqual(
        changed
          .filter((st) => st.type === "pulumi-nodejs:dynamic:Resource" || /-pull-secret-/.test(st.label))
          .map(stepLabel),
        [],
        "Harbor API resources (or the pull Secrets their robots feed) changed with the intermediate",
      );
    });

  if (stack === "dev")
    it("a Harbor API failure reaches the user with Harbor's message (not `error: undefined`)", async function () {
      need("up");
      const h = I().ingress.harbor(plan.host)!;
      await withConfigRestored(async () => {
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
      });
      assert.strictEqual(h.pendingFaults(), 0, "the fault was not triggered");
      assert.strictEqual(h.projectByName("e2e-fault"), undefined);
    });

  if (plan.protected)
    it("a config that drops a Harbor project fails at preview in the protected stack: its robots and pull Secrets stay", async function () {
      need("up");
      const { kube, ws } = I();
      const h = I().ingress.harbor(plan.host)!;
      const project = plan.projects[0];
      assert.ok(project.pullSecretNamespaces.length > 0, `${project.name} has no pull Secret to lose`);
      const before = await ws.resources(stack);
      const writes = h.writes().length;
      await withConfigRestored(async () => {
        await cliOk(["config", "rm", "--path", `${NAMESPACE}:harborConfig.projects[0]`]);
        // `pulumi up --yes` previews first, as a PR's `pulumi preview` does: the engine refuses the plan there.
        const r = await cli(["up", "--yes"]);
        const out = `${r.stdout}\n${r.stderr}`;
        assert.notStrictEqual(r.code, 0, "up removed a protected project");
        const line = out.split("\n").find((l) => /cannot be deleted/.test(l));
        report.note(
          `exit ${r.code}; engine printed: ${line?.trim() ?? "(no line with 'cannot be deleted')"}`,
        );
        assert.match(out, new RegExp(`harbor-config-${project.name}-project. cannot be deleted`));
      });
      const left = new Set((await ws.resources(stack)).map((x) => x.urn));
      assert.deepStrictEqual(
        before.filter((x) => !left.has(x.urn)).map((x) => x.urn),
        [],
        "resources deleted before the refusal",
      );
      assert.strictEqual(h.writes().length, writes, "the refused up wrote to Harbor");
      assert.ok(h.projectByName(project.name), `project ${project.name} gone from Harbor`);
      for (const ns of project.pullSecretNamespaces)
        assert.ok(
          await kube.secret(ns, `harbor-${project.name}-pull`),
          `${ns}/harbor-${project.name}-pull deleted`,
        );
    });

  if (!plan.protected)
    it("`pulumi destroy` empties the stack and its namespaces; Harbor goes with them, its API is not called (a project holding images does not block it)", async function () {
      need("up");
      const { kube } = I();
      const h = I().ingress.harbor(plan.host)!;
      // An image pushed to a project: Harbor refuses to delete that project (HTTP 412, as real Harbor does).
      const used = h.projectByName(plan.projects[0].name)!;
      used.repo_count = 1;
      h.clearLog();
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
      // The Harbor API resources are deleted with the Harbor release (deletedWith): no request deletes what the
      // release's namespace takes with it (its database volume, in this stack).
      assert.deepStrictEqual(
        h.writes().map((w) => `${w.method} ${w.path}`),
        [],
        "requests that changed Harbor during the destroy",
      );
    });
  else
    it("`pulumi destroy` of the protected stack refuses before it deletes anything (the destroy guard)", async function () {
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
        `exit ${r.code}; ${protectedUrns.length} protected resources kept; ${gone.length} of ${before.length} ` +
          `resources deleted before the refusal${gone.length ? `: ${summarizeTypes(gone.map((x) => x.type))}` : ""}`,
      );
      // The guard depends on every resource, so it is the destroy's first delete, and the engine refuses it
      // before anything else goes (before the guard, Harbor, Velero and Kyverno were uninstalled first).
      assert.match(out, /registry-destroy-guard/);
      assert.deepStrictEqual(
        gone.map((x) => x.urn),
        [],
        "resources deleted before the refusal",
      );
      assert.ok(protectedUrns.length > 0, "nothing is protected in a production stack");
      for (const ns of [plan.harborNamespace, plan.veleroNamespace])
        assert.strictEqual(await kube.namespaceExists(ns), true, `namespace ${ns} (its PVCs) deleted`);
      pass("destroy-refused");
    });

  if (plan.protected)
    it("after the refused destroy, `pulumi up` has nothing to do; Harbor keeps the keys its data was written with", async function () {
      need("destroy-refused");
      const { kube } = I();
      const r = await cli(["up", "--yes", "--skip-preview"]);
      assert.strictEqual(r.code, 0, failure(r));
      const s = summary(r.stdout);
      report.note(JSON.stringify(s));
      assert.deepStrictEqual(Object.keys(s), ["unchanged"], `changes: ${JSON.stringify(s)}`);
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
    const infra = ctx.infra.value;
    if (!infra || !plan.protected || !ctx.takeDown) return;
    // Take the protected stack down deliberately, then the namespaces it retains: on your own cluster, and on the
    // private one before the next stack deploys there (the example stacks share namespace and cluster-wide names).
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
}
