/**
 * The restore drill's CLI end to end against a fake Kubernetes API server (test/velero/fake-kube.ts): a passing
 * drill, failures, timeouts, interrupts, cleanup, and the in-cluster CronJob's RBAC replayed over its calls.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { main } from "../../tools/drill/cli";
import { stackRun } from "../harness";
import { ADMIN_PASSWORD, DIGEST, FakeKube, FakeOptions, TOKEN } from "./fake-kube";
import { scratchDir } from "../harness/scratch";

describe("restore drill against a fake Kubernetes API server", function () {
  this.timeout(20_000);
  let saved: string | undefined;
  before(() => {
    saved = process.env.KUBECONFIG;
  });
  after(() => {
    if (saved === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = saved;
  });

  const FAST = ["--poll-interval", "20ms", "--restore-timeout", "400ms", "--ready-timeout", "2s"];

  async function drill(o: FakeOptions, extra: string[] = []) {
    const fake = new FakeKube(o);
    await fake.start();
    process.env.KUBECONFIG = fake.kubeconfigFile();
    let out = "";
    let err = "";
    try {
      const code = await main(["--stack", "dev", ...FAST, ...extra], {
        stdout: (s) => (out += s),
        stderr: (s) => (err += s),
      });
      return { code, out, err, fake };
    } finally {
      await fake.stop();
    }
  }

  function jsonOf(out: string): any {
    const m = /```json\n([\s\S]*)```\n$/.exec(out);
    assert.ok(m, out);
    return JSON.parse(m[1]);
  }

  it("passes end to end: restore, readiness, health, artifact count, manifest by digest; cleans up", async () => {
    const { code, out, err, fake } = await drill({ restore: "complete" });
    assert.strictEqual(code, 0, out + err);
    const r = jsonOf(out);
    assert.strictEqual(r.result, "pass");
    assert.strictEqual(r.backup, "velero-weekly-20260104070000");
    assert.match(r.scratchNamespace, /^harbor-drill-\d{14}$/);
    assert.deepStrictEqual(
      r.steps.map((s: { name: string; status: string }) => [s.name, s.status]),
      [
        ["select backup", "pass"],
        ["create scratch namespace", "pass"],
        ["create restore", "pass"],
        ["wait for the restore", "pass"],
        ["pods ready", "pass"],
        ["harbor health", "pass"],
        ["artifact count", "pass"],
        ["manifest by digest", "pass"],
      ],
    );
    assert.strictEqual(r.facts.sourceArtifacts, 7);
    assert.strictEqual(r.facts.restoredArtifacts, 7);
    assert.strictEqual(r.facts.manifest, `platform/app/web@${DIGEST}`);
    assert.match(r.steps[5].detail, /jobservice down by design/);
    // The restore asked Velero for the right thing.
    const restore = [...fake.restores.values()][0] as { spec: Record<string, unknown> };
    assert.deepStrictEqual(restore.spec.namespaceMapping, { harbor: r.scratchNamespace });
    assert.strictEqual(restore.spec.backupName, "velero-weekly-20260104070000");
    // Cleanup: scratch namespace and modifiers ConfigMap gone; the Restore stays as the record.
    assert.deepStrictEqual(r.cleanup, { namespace: "deleted", modifiers: "deleted" });
    assert.deepStrictEqual(fake.deleted.sort(), [
      `configmap/${r.scratchNamespace}-modifiers`,
      `namespace/${r.scratchNamespace}`,
    ]);
    // Credentials: the kubeconfig's token on every call; Harbor's password never in the output.
    assert.ok(fake.calls.every((c) => c.auth === `Bearer ${TOKEN}`));
    assert.ok(!out.includes(ADMIN_PASSWORD) && !err.includes(ADMIN_PASSWORD));
    assert.match(out, /^# Restore drill: PASS ✅/);
    assert.match(err, /restore InProgress 40\/120 items/);
    assert.match(err, /2\/3 pods ready\n  … 3\/3 pods ready/);
  });

  it("the in-cluster CronJob's RBAC allows every call of a drill, and no cluster-wide ConfigMap, Velero or Secret access", async () => {
    const { code, fake } = await drill({ restore: "complete" });
    assert.strictEqual(code, 0);
    const rec = await stackRun("prod-apne2");
    type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };
    const cluster: Rule[] = rec.inputs(rec.one("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole")).rules;
    const roles = rec
      .byType("kubernetes:rbac.authorization.k8s.io/v1:Role")
      .map((r) => rec.inputs(r) as { metadata: { namespace: string }; rules: Rule[] });
    const bindings = rec
      .byType("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")
      .map((r) => rec.inputs(r) as { metadata: { namespace: string }; subjects: { name: string }[] });
    for (const role of roles)
      assert.ok(
        bindings.some(
          (b) => b.metadata.namespace === role.metadata.namespace && b.subjects[0].name === "restore-drill",
        ),
        `no RoleBinding of restore-drill in ${role.metadata.namespace}`,
      );
    const allows = (rules: Rule[], group: string, resource: string, verb: string, name?: string) =>
      rules.some(
        (r) =>
          r.apiGroups.includes(group) &&
          r.resources.includes(resource) &&
          r.verbs.includes(verb) &&
          (r.resourceNames === undefined || (name !== undefined && r.resourceNames.includes(name))),
      );
    const VERB: Record<string, string> = { GET: "get", POST: "create", PUT: "update", DELETE: "delete" };
    for (const c of fake.calls) {
      const p = c.path.split("?")[0];
      const m =
        /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/(proxy))?/.exec(
          p,
        );
      assert.ok(m, p);
      const [, group = "", ns, collection, name, proxy] = m;
      // `/api/v1/namespaces/<ns>` alone is the namespace object itself.
      const [resource, namespace, objName] =
        collection === undefined
          ? ["namespaces", undefined, ns]
          : [proxy ? `${collection}/proxy` : collection, ns, name];
      const verb = c.method === "GET" && objName === undefined ? "list" : VERB[c.method];
      const ok =
        allows(cluster, group, resource, verb, objName) ||
        roles.some(
          (r) => r.metadata.namespace === namespace && allows(r.rules, group, resource, verb, objName),
        );
      assert.ok(
        ok,
        `${c.method} ${p} (${verb} ${group}/${resource} ${objName ?? ""} in ${namespace ?? "cluster"})`,
      );
    }
    // Least privilege: what only the Velero namespace needs is not granted cluster-wide (a cluster-wide
    // ConfigMap delete reaches kube-system and aws-auth), and the only Secret readable is the admin password's.
    for (const r of cluster) {
      assert.ok(!r.apiGroups.includes("velero.io"), JSON.stringify(r));
      assert.ok(!r.resources.includes("configmaps"), JSON.stringify(r));
      if (r.resources.includes("secrets")) assert.deepStrictEqual(r.resourceNames, ["harbor-admin-password"]);
    }
    assert.deepStrictEqual(
      roles.map((r) => r.metadata.namespace),
      ["velero"],
    );
  });

  it("a restore that fails: clear report, exit 1, later steps skipped, cleanup done", async () => {
    const { code, out, fake } = await drill({ restore: "partial" });
    assert.strictEqual(code, 1);
    const r = jsonOf(out);
    assert.strictEqual(r.result, "fail");
    const wait = r.steps.find((s: { name: string }) => s.name === "wait for the restore");
    assert.deepStrictEqual([wait.status, wait.detail], ["fail", "PartiallyFailed (errors 3, warnings 1)"]);
    assert.ok(r.steps.slice(4).every((s: { status: string }) => s.status === "skipped"));
    assert.deepStrictEqual(r.cleanup, { namespace: "deleted", modifiers: "deleted" });
    assert.ok(!fake.namespaces.has(r.scratchNamespace));
    assert.match(out, /^# Restore drill: FAIL ❌/);
    assert.match(out, /\| wait for the restore \| ❌ fail \| PartiallyFailed \(errors 3, warnings 1\)/);
  });

  it("a restore that never completes: times out, exit 1, the Restore and the namespace are deleted", async () => {
    const t0 = Date.now();
    const { code, out, fake } = await drill({ restore: "never" });
    assert.ok(Date.now() - t0 < 5000);
    assert.strictEqual(code, 1);
    const r = jsonOf(out);
    const wait = r.steps.find((s: { name: string }) => s.name === "wait for the restore");
    assert.strictEqual(wait.status, "fail");
    assert.match(wait.detail, /^the restore did not finish within 0 s \(last: restore InProgress/);
    assert.strictEqual(r.cleanup.restore, "deleted (it was still running)");
    assert.strictEqual(r.cleanup.namespace, "deleted");
    assert.ok(fake.deleted.includes(`restore/${r.scratchNamespace}`));
    assert.ok(!fake.namespaces.has(r.scratchNamespace));
    assert.strictEqual(fake.configMaps.size, 0);
  });

  it("Ctrl-C (SIGINT/SIGTERM) mid-restore: the drill stops, deletes the Restore and the namespace, exit 1", async () => {
    const fake = new FakeKube({ restore: "never" });
    await fake.start();
    process.env.KUBECONFIG = fake.kubeconfigFile();
    let out = "";
    let err = "";
    let unsubscribed = false;
    // The CLI's interrupt source: the test delivers the signal instead of the process.
    const io = {
      stdout: (s: string) => (out += s),
      stderr: (s: string) => (err += s),
      onInterrupt: (stop: (signal: string) => void) => {
        const t = setTimeout(() => stop("SIGINT"), 300);
        return () => {
          clearTimeout(t);
          unsubscribed = true;
        };
      },
    };
    const t0 = Date.now();
    let code: number;
    try {
      code = await main(["--stack", "dev", "--poll-interval", "20ms", "--restore-timeout", "30s"], io);
    } finally {
      await fake.stop();
    }
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
    assert.strictEqual(code, 1, out + err);
    const r = jsonOf(out);
    const wait = r.steps.find((s: { name: string }) => s.name === "wait for the restore");
    assert.deepStrictEqual([wait.status, wait.detail], ["fail", "interrupted by SIGINT"]);
    assert.ok(r.steps.slice(4).every((s: { status: string }) => s.status === "skipped"));
    assert.strictEqual(r.cleanup.restore, "deleted (it was still running)");
    assert.strictEqual(r.cleanup.namespace, "deleted");
    assert.ok(!fake.namespaces.has(r.scratchNamespace));
    assert.strictEqual(fake.configMaps.size, 0);
    assert.match(err, /SIGINT: stopping the drill and cleaning up/);
    assert.ok(unsubscribed, "the interrupt handlers are removed after the drill");
  });

  it("an external database: the report says the artifact count compared the shared database with itself", async () => {
    const internal = jsonOf((await drill({ restore: "complete" })).out);
    assert.strictEqual(internal.facts.database, "internal (restored with the backup)");
    assert.doesNotMatch(internal.steps[6].detail, /external/);
    const { code, out } = await drill({ restore: "complete", externalDatabase: true });
    assert.strictEqual(code, 0);
    const r = jsonOf(out);
    assert.strictEqual(r.facts.database, "external (shared with the source, not restored)");
    assert.match(
      r.steps[6].detail,
      /^source 7, restored 7 artifacts in \d+ repositories; external database: the restored Harbor reads the source's database, so this does not test a database restore$/,
    );
  });

  it("fails when the restored artifact count differs from the source", async () => {
    const { code, out } = await drill({ restore: "complete", sourceArtifacts: 9, restoredArtifacts: 7 });
    assert.strictEqual(code, 1);
    const r = jsonOf(out);
    const step = r.steps.find((s: { name: string }) => s.name === "artifact count");
    assert.strictEqual(step.status, "fail");
    assert.match(step.detail, /source 9, restored 7 artifacts in 2 repositories: differ by 2 \(allowed 0/);
    assert.strictEqual(r.steps[r.steps.length - 1].status, "skipped");
  });

  it("--keep leaves the scratch namespace; --backup picks the backup; --json and --out write the report", async () => {
    const dir = scratchDir("drill-out");
    const { code, out, fake } = await drill({ restore: "complete" }, [
      "--keep",
      "--backup",
      "velero-daily-20260101070000",
      "--json",
      "--out",
      dir,
    ]);
    assert.strictEqual(code, 0);
    const r = JSON.parse(out);
    assert.strictEqual(r.backup, "velero-daily-20260101070000");
    assert.deepStrictEqual(r.cleanup, { namespace: "kept", modifiers: "deleted" });
    assert.ok(fake.namespaces.has(r.scratchNamespace));
    const files = fs.readdirSync(dir).sort();
    assert.strictEqual(files.length, 2);
    assert.match(fs.readFileSync(path.join(dir, files[1]), "utf8"), /^# Restore drill: PASS/);
  });

  it("a named backup that did not complete stops the drill before anything is created", async () => {
    const { code, out, fake } = await drill({ restore: "complete" }, [
      "--backup",
      "velero-daily-20260105070000",
    ]);
    assert.strictEqual(code, 1);
    const r = jsonOf(out);
    assert.match(r.steps[0].detail, /is PartiallyFailed, not Completed/);
    assert.deepStrictEqual(r.cleanup, { namespace: "not created", modifiers: "not created" });
    assert.ok(!fake.calls.some((c) => c.method === "POST"));
  });
});
