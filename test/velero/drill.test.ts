import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  DRILL_EXCLUDED_RESOURCES,
  parseDuration,
  pickBackup,
  podReadiness,
  resourceModifiersYaml,
  restoreManifest,
  restoreVerdict,
  scratchNamespaceName,
  VeleroBackup,
} from "../../tools/drill/drill";
import { findKubeconfig, main, parseCliArgs, SERVICE_ACCOUNT_TOKEN } from "../../tools/drill/cli";
import { DEFAULT_DRILL_OPTIONS } from "../../tools/drill/drill";
import { harborAdminSecret, harborSecretNames } from "../../components/harbor";
import { ROOT, stackRun } from "../harness";
import {
  ADMIN_PASSWORD,
  componentHarborValues,
  DIGEST,
  FakeKube,
  FakeOptions,
  harborNamespaceSecrets,
  TOKEN,
} from "./fake-kube";

describe("restore drill: pure helpers", () => {
  it("parses durations", () => {
    assert.deepStrictEqual(
      ["250ms", "2s", "30m", "1.5h", "40"].map(parseDuration),
      [250, 2000, 1_800_000, 5_400_000, 40],
    );
    assert.throws(() => parseDuration("10 minutes"), /not a duration: "10 minutes"/);
  });

  it("picks the latest Completed backup that covers the Harbor namespace, or the named one", () => {
    const items = FakeKube.backupsDefault() as VeleroBackup[];
    assert.strictEqual(pickBackup(items, "harbor").metadata.name, "velero-weekly-20260104070000");
    assert.strictEqual(
      pickBackup(items, "harbor", "velero-daily-20260101070000").metadata.name,
      "velero-daily-20260101070000",
    );
    assert.throws(
      () => pickBackup(items, "harbor", "velero-daily-20260105070000"),
      /is PartiallyFailed, not Completed/,
    );
    assert.throws(() => pickBackup(items, "harbor", "nope"), /backup "nope" not found/);
    assert.throws(() => pickBackup(items, "registry"), /no Completed backup includes namespace "registry"/);
  });

  it("names the scratch namespace <ns>-drill-<UTC timestamp>, at most 63 characters", () => {
    const t = new Date("2026-03-01T05:04:03.999Z");
    assert.strictEqual(scratchNamespaceName("harbor", t), "harbor-drill-20260301050403");
    const long = scratchNamespaceName("a".repeat(60), t);
    assert.ok(long.length <= 63 && long.endsWith("-drill-20260301050403"), long);
  });

  it("restores the Harbor namespace under the scratch name, without ingresses, jobservice at 0 replicas", () => {
    const r = restoreManifest({
      name: "harbor-drill-1",
      veleroNamespace: "velero",
      backup: "b1",
      harborNamespace: "harbor",
      scratchNamespace: "harbor-drill-1",
      modifiersConfigMap: "harbor-drill-1-modifiers",
    }) as { spec: Record<string, unknown>; metadata: { namespace: string } };
    assert.strictEqual(r.metadata.namespace, "velero");
    assert.deepStrictEqual(r.spec.namespaceMapping, { harbor: "harbor-drill-1" });
    assert.deepStrictEqual(r.spec.includedNamespaces, ["harbor"]);
    assert.strictEqual(r.spec.backupName, "b1");
    assert.strictEqual(r.spec.restorePVs, true);
    assert.deepStrictEqual(r.spec.resourceModifier, { kind: "ConfigMap", name: "harbor-drill-1-modifiers" });
    assert.ok(DRILL_EXCLUDED_RESOURCES.includes("ingresses.networking.k8s.io"));
    assert.match(
      resourceModifiersYaml(),
      /groupResource: deployments\.apps\n\s+resourceNameRegex: "\^\.\*jobservice\.\*\$"/,
    );
    assert.match(resourceModifiersYaml(), /path: "\/spec\/replicas"\n\s+value: "0"/);
  });

  it("judges restore phases and pod readiness", () => {
    assert.deepStrictEqual(restoreVerdict({ status: { phase: "InProgress" } }), { state: "running" });
    assert.deepStrictEqual(restoreVerdict({}), { state: "running" });
    assert.deepStrictEqual(restoreVerdict({ status: { phase: "Completed", warnings: 2 } }), {
      state: "done",
      ok: true,
      detail: "Completed (errors 0, warnings 2)",
    });
    assert.deepStrictEqual(
      restoreVerdict({ status: { phase: "FailedValidation", validationErrors: ["backup not found"] } }),
      { state: "done", ok: false, detail: "FailedValidation (errors 0, warnings 0): backup not found" },
    );
    assert.deepStrictEqual(
      podReadiness([
        {
          metadata: { name: "a" },
          status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
        },
        { metadata: { name: "b" }, status: { phase: "Pending" } },
        { metadata: { name: "job" }, status: { phase: "Succeeded" } },
      ]),
      { ready: 1, total: 2, waiting: ["b"] },
    );
  });
});

describe("restore drill: where Harbor's admin password is", () => {
  it("the fake API serves the chart's real layout: harbor-core has no HARBOR_ADMIN_PASSWORD with existingSecretAdminPassword", () => {
    const secrets = harborNamespaceSecrets(componentHarborValues(), "pw");
    assert.ok(secrets.has("harbor-core"));
    assert.ok(!("HARBOR_ADMIN_PASSWORD" in secrets.get("harbor-core")!));
    assert.deepStrictEqual(Object.keys(secrets.get("harbor-admin-password")!), ["HARBOR_ADMIN_PASSWORD"]);
    // Without existingSecretAdminPassword the chart would put it into harbor-core (proves the model is conditional).
    const chartDefaults = { ...componentHarborValues(), existingSecretAdminPassword: "" };
    assert.ok("HARBOR_ADMIN_PASSWORD" in harborNamespaceSecrets(chartDefaults, "pw").get("harbor-core")!);
  });

  it("defaults to the Harbor component's own admin Secret (one source: components/harbor)", () => {
    assert.deepStrictEqual(harborAdminSecret(), {
      name: "harbor-admin-password",
      key: "HARBOR_ADMIN_PASSWORD",
    });
    assert.strictEqual(DEFAULT_DRILL_OPTIONS.adminSecret, harborAdminSecret().name);
    assert.strictEqual(DEFAULT_DRILL_OPTIONS.adminSecretKey, harborAdminSecret().key);
    assert.strictEqual(harborAdminSecret("edge").name, harborSecretNames("edge").adminPassword);
  });

  it("the in-cluster CronJob of prod-apne2 reads the Secret the Harbor component really creates", async () => {
    const rec = await stackRun("prod-apne2");
    const cron = rec.inputs(rec.one("kubernetes:batch/v1:CronJob"));
    const args: string[] = cron.spec.jobTemplate.spec.template.spec.containers[0].args;
    const name = args[args.indexOf("--admin-secret") + 1];
    const key = args[args.indexOf("--admin-secret-key") + 1];
    const secret = rec
      .byType("kubernetes:core/v1:Secret")
      .map((r) => rec.inputs(r))
      .find((i) => i.metadata.name === name);
    assert.ok(secret, `no Secret ${name} is created`);
    assert.strictEqual(secret.metadata.namespace, args[args.indexOf("--harbor-namespace") + 1]);
    assert.ok(key in secret.stringData, `Secret ${name} has no key ${key}`);
  });
});

describe("restore drill: command line", () => {
  it("takes the namespaces from the stack's validated config", () => {
    const a = parseCliArgs(["--stack", "dev", "--restore-timeout", "2s", "--keep"]);
    assert.deepStrictEqual(
      [a.options.veleroNamespace, a.options.harborNamespace, a.options.restoreTimeoutMs, a.options.keep],
      ["velero", "harbor", 2000, true],
    );
  });

  for (const [name, argv, re, status] of [
    ["unknown flag", ["--stack", "dev", "--colour", "blue"], /Unknown option '--colour'/, 64],
    [
      "unknown stack",
      ["--stack", "nope"],
      /--stack nope: no file stacks\/Pulumi\.nope\.yaml \(stacks: dev, onprem, prod-apne1, prod-apne2\)/,
      2,
    ],
    ["no namespaces", [], /give --stack, or both --velero-namespace and --harbor-namespace/, 64],
    ["bad duration", ["--stack", "dev", "--poll-interval", "soon"], /--poll-interval: not a duration/, 64],
  ] as [string, string[], RegExp, number][]) {
    it(`exits ${status} on ${name}, without touching the cluster`, async () => {
      let err = "";
      let made = false;
      const code = await main(argv, { stdout: () => undefined, stderr: (s) => (err += s) }, () => {
        made = true;
        throw new Error("must not connect");
      });
      assert.strictEqual(code, status);
      assert.match(err, re);
      assert.strictEqual(made, false);
    });
  }

  it("--help prints the usage and exits 0", async () => {
    let out = "";
    const code = await main(["--help"], { stdout: (s) => (out += s), stderr: () => undefined });
    assert.strictEqual(code, 0);
    assert.match(out, /^usage: drill --stack <name>/);
  });

  it("without any kubeconfig: exit 2, says none was found and where it looked (the real CLI)", () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "drill-home-"));
    const r = spawnSync(
      process.execPath,
      [path.join(ROOT, "dist", "tools", "drill", "cli.js"), "--stack", "dev"],
      {
        encoding: "utf8",
        env: { PATH: process.env.PATH, HOME: home },
      },
    );
    assert.strictEqual(r.status, 2, r.stderr);
    assert.doesNotMatch(r.stderr, /HTTP protocol is not allowed/);
    assert.match(r.stderr, /^drill: no kubeconfig found; looked at: /);
    assert.match(r.stderr, /\$KUBECONFIG \(not set\)/);
    assert.ok(r.stderr.includes(path.join(home, ".kube", "config")), r.stderr);
    assert.match(r.stderr, /in-cluster service account \(KUBERNETES_SERVICE_HOST not set\)/);
    assert.strictEqual(r.stderr.trim().split("\n").length, 1, r.stderr);
  });

  it("looks for a kubeconfig in client-node's order and says why each place did not count", () => {
    const none = () => false;
    assert.deepStrictEqual(findKubeconfig({ KUBECONFIG: "/a:/b" }, none), {
      kind: "kubeconfig",
      where: "KUBECONFIG=/a:/b",
    });
    assert.deepStrictEqual(
      findKubeconfig({ HOME: "/h" }, (f) => f === "/h/.kube/config"),
      {
        kind: "kubeconfig",
        where: "/h/.kube/config",
      },
    );
    assert.deepStrictEqual(
      findKubeconfig({ KUBERNETES_SERVICE_HOST: "10.0.0.1" }, (f) => f === SERVICE_ACCOUNT_TOKEN),
      {
        kind: "in-cluster",
      },
    );
    assert.deepStrictEqual(findKubeconfig({ KUBERNETES_SERVICE_HOST: "10.0.0.1" }, none), {
      kind: "none",
      looked: [
        "$KUBECONFIG (not set)",
        "$HOME/.kube/config ($HOME not set)",
        `the in-cluster service account (${SERVICE_ACCOUNT_TOKEN}: no such file)`,
      ],
    });
  });

  it("an unreadable kubeconfig exits 2 with where it looked", async () => {
    let err = "";
    const code = await main(["--stack", "dev"], { stdout: () => undefined, stderr: (s) => (err += s) }, () =>
      Promise.reject(new Error("ENOENT: no such file or directory, open '/nowhere'")),
    );
    assert.strictEqual(code, 2);
    assert.match(
      err,
      /^drill: cannot load the Kubernetes configuration \((KUBECONFIG=.*|.*\.kube\/config|no kubeconfig found; .*)\): ENOENT/,
    );
  });
});

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
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-out-"));
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
