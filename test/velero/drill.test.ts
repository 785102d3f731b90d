import * as assert from "assert";
import { spawnSync } from "child_process";
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
import { componentHarborValues, FakeKube, harborNamespaceSecrets } from "./fake-kube";
import { scratchDir } from "../harness/scratch";

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
    const home = scratchDir("drill-home");
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
