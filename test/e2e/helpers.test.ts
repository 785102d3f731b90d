/**
 * Unit tests of the end-to-end suite's own logic (part of `npm test`; no real server, nothing from
 * ../shared): the precondition check names the command for every missing piece, .ci/run's one-line
 * decision, the CLI output readers, and the per-stack expectations.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { stackRun } from "../harness";
import { listStacks } from "../../tools/synth/stackfile";
import {
  EXTRA_FOREGROUND_KINDS,
  foregroundRelease,
  objectPath,
  SHARED_FOREGROUND_KINDS,
} from "./support/cluster";
import { holdsRootCa, previewSteps, resourceSummary } from "./support/output";
import { describeStateSize, stateSize } from "./support/state-size";
import { missingServers, PLUGINS, preflight, ROOT, Settings } from "./support/settings";
import { durationHours, loadStackPlan, requiredSecrets } from "./support/stacks";
import { monitoringCrd, needsMonitoringCrds } from "./support/monitoring-crds";
import { NAMESPACE } from "./support/workspace";
import { scratchDir } from "../harness/scratch";

function tmp(): string {
  return scratchDir("e2e-helpers");
}

function exe(dir: string, name: string, body = "#!/bin/sh\necho v0.0.0\n"): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, body, { mode: 0o755 });
  return f;
}

function settingsIn(dir: string, over: Partial<Settings> = {}): Settings {
  return {
    root: ROOT,
    sharedDir: path.join(dir, "shared"),
    toolsDir: path.join(dir, "shared", "tools"),
    pulumiBin: undefined,
    pluginDir: undefined,
    kubeconfig: undefined,
    k8sBin: path.join(dir, "k8s-bin"),
    helmBin: undefined,
    chartsDir: path.join(dir, "charts"),
    ingressPort: 443,
    keep: false,
    reportDir: path.join(dir, "report"),
    charts: { harbor: "harbor-1.19.1.tgz", velero: "velero-12.1.0.tgz" },
    ...over,
  };
}

describe("e2e helpers", function () {
  describe("preflight", function () {
    it("names the command that provides each missing piece, and never reports ready", async function () {
      const dir = tmp();
      const problems = await preflight(settingsIn(dir));
      const all = problems.join("\n");
      const tools = path.join(dir, "shared", "tools");
      assert.match(all, new RegExp(`missing helper ${tools}/e2e-helpers/standin-controllers.sh`));
      assert.ok(all.includes(`nohup ${tools}/real-engine/build.sh > `), all);
      assert.ok(all.includes(`nohup ${tools}/real-k8s/build.sh etcd kube-apiserver > `), all);
      assert.ok(all.includes(`${tools}/real-k8s/build.sh helm`), all);
      assert.match(all, /chart archive .*harbor-1\.19\.1\.tgz missing/);
      assert.match(all, /chart archive .*velero-12\.1\.0\.tgz missing/);
    });

    it("asks for exactly the plugin build targets that are missing", async function () {
      const dir = tmp();
      const bin = path.join(dir, "engine");
      fs.mkdirSync(bin);
      const pulumi = exe(bin, "pulumi");
      exe(bin, "pulumi-language-nodejs");
      exe(bin, "pulumi-resource-pulumi-nodejs");
      const problems = await preflight(settingsIn(dir, { pulumiBin: pulumi, pluginDir: bin }));
      const line = problems.find((p) => p.startsWith("missing engine plugin"));
      assert.ok(line, problems.join("\n"));
      assert.match(line, /real-engine\/build\.sh kubernetes standin$/);
      assert.ok(!problems.some((p) => p.startsWith("no Pulumi CLI")));
    });

    it("checks the archives against SHA256SUMS", async function () {
      const dir = tmp();
      const charts = path.join(dir, "charts");
      fs.mkdirSync(charts);
      fs.writeFileSync(path.join(charts, "harbor-1.19.1.tgz"), "not the chart");
      fs.writeFileSync(path.join(charts, "velero-12.1.0.tgz"), "x");
      fs.writeFileSync(path.join(charts, "SHA256SUMS"), `${"0".repeat(64)}  harbor-1.19.1.tgz\n`);
      const problems = await preflight(settingsIn(dir));
      assert.ok(
        problems.some((p) => /harbor-1\.19\.1\.tgz: sha256 [0-9a-f]{64} does not match SHA256SUMS/.test(p)),
      );
      assert.ok(!problems.some((p) => p.includes("velero-12.1.0.tgz")));
    });

    it("a given kubeconfig replaces the private API server (and must exist)", async function () {
      const dir = tmp();
      const problems = await preflight(settingsIn(dir, { kubeconfig: path.join(dir, "nope") }));
      assert.ok(problems.includes(`E2E_KUBECONFIG=${path.join(dir, "nope")} does not exist`));
      assert.ok(!problems.some((p) => p.includes("real-k8s/build.sh etcd")));
    });
  });

  describe(".ci/run decision (missingServers)", function () {
    it("says why when the engine, the API server binaries, the shared tools or the charts are absent; nothing when present", function () {
      const dir = tmp();
      assert.match(missingServers(settingsIn(dir)) ?? "", /no Pulumi CLI/);
      const bin = path.join(dir, "engine");
      const k8s = path.join(dir, "k8s-bin");
      fs.mkdirSync(bin);
      fs.mkdirSync(k8s);
      const pulumi = exe(bin, "pulumi");
      const s = settingsIn(dir, { pulumiBin: pulumi, pluginDir: bin });
      assert.match(missingServers(s) ?? "", /not the plugins/);
      for (const [p] of PLUGINS) exe(bin, p);
      assert.match(missingServers(s) ?? "", /no etcd \/ kube-apiserver/);
      exe(k8s, "etcd");
      exe(k8s, "kube-apiserver");
      // A clone with no ../shared above it (the helpers, the pinned charts): skipped, not failed.
      assert.match(missingServers(s) ?? "", /no shared tools folder .*E2E_SHARED_DIR/);
      fs.mkdirSync(s.toolsDir!, { recursive: true });
      assert.match(missingServers(s) ?? "", /no chart directory; set E2E_CHARTS_DIR/);
      fs.mkdirSync(s.chartsDir!, { recursive: true });
      assert.strictEqual(missingServers(s), undefined);
    });
  });

  describe("CLI output", function () {
    it("reads the Resources: summary of up, preview and a no-change up", function () {
      const up =
        "Updating (dev):\n ...\nOutputs:\n    x: 1\n\nResources:\n    + 74 created\n\nDuration: 11s\n";
      assert.deepStrictEqual(resourceSummary(up), { created: 74 });
      const pre = "Resources:\n    + 3 to create\n    ~ 1 to update\n    +-1 to replace\n    70 unchanged\n";
      assert.deepStrictEqual(resourceSummary(pre), {
        "to create": 3,
        "to update": 1,
        "to replace": 1,
        unchanged: 70,
      });
      assert.deepStrictEqual(resourceSummary("Resources:\n    74 unchanged\n\nDuration: 4s"), {
        unchanged: 74,
      });
      assert.deepStrictEqual(resourceSummary("error: boom"), {});
    });

    it("lists the non-same steps of preview --json with their resource type", function () {
      const json = JSON.stringify({
        steps: [
          { op: "same", urn: "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev" },
          {
            op: "update",
            urn: "urn:pulumi:dev::p::registry-platform:harbor:Harbor$kubernetes:core/v1:Secret::harbor-tls-secret",
          },
          { op: "replace", urn: "urn:pulumi:dev::p::tls:index/locallySignedCert:LocallySignedCert::server" },
        ],
      });
      assert.deepStrictEqual(
        previewSteps(json).map((s) => [s.op, s.type, s.label]),
        [
          ["update", "kubernetes:core/v1:Secret", "kubernetes:core/v1:Secret::harbor-tls-secret"],
          [
            "replace",
            "tls:index/locallySignedCert:LocallySignedCert",
            "tls:index/locallySignedCert:LocallySignedCert::server",
          ],
        ],
      );
    });

    it("finds the bundle's first certificate (the root CA) in a text however it is wrapped, and nothing else", function () {
      const cert = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
      const bundle = cert("QUJD\nREVG") + cert("R0hJ");
      assert.strictEqual(holdsRootCa(`x\n${cert("QUJDREVG")}`, bundle), true, "rewrapped root");
      assert.strictEqual(holdsRootCa(cert("R0hJ"), bundle), false, "the second certificate only");
      assert.strictEqual(holdsRootCa(cert("QUJDREVG"), ""), false, "an empty bundle holds no root");
    });
  });

  describe("state size", function () {
    it("splits an export's bytes by resource type and by part (inputs, outputs, the k8s copy, stack traces)", function () {
      const secret = { type: "kubernetes:core/v1:Secret", urn: "urn:s", inputs: { data: "x".repeat(100) } };
      const k8s = { ...secret, outputs: { data: "x".repeat(100), __inputs: { data: "x".repeat(100) } } };
      const dyn = {
        type: "pulumi-nodejs:dynamic:Resource",
        urn: "urn:d",
        inputs: { a: 1 },
        stackTrace: [
          { sourcePosition: "project:///node_modules/@pulumi/runtime/stack.ts#75,39" },
          { sourcePosition: "project:///index.ts#13,22" },
        ],
      };
      const text = JSON.stringify({ version: 3, deployment: { resources: [k8s, dyn] } }, null, 4);
      const s = stateSize(text);
      assert.strictEqual(s.total, Buffer.byteLength(text));
      assert.strictEqual(s.resources, 2);
      assert.deepStrictEqual(
        s.byType.map(([t]) => t),
        ["kubernetes:core/v1:Secret", "pulumi-nodejs:dynamic:Resource"],
      );
      // Per package, the same figures as per type (one type each here).
      assert.deepStrictEqual(
        s.byPackage,
        s.byType.map(([t, n]) => [t.split(":")[0], n]),
      );
      assert.deepStrictEqual(Object.keys(s.byPart).sort(), [
        "inputs",
        "other",
        "outputs",
        "outputs.__inputs",
        "stackTrace",
      ]);
      // Each copy of the 100-byte data weighs about the same wherever it sits.
      for (const k of ["outputs", "outputs.__inputs"]) assert.ok(s.byPart[k] > 100 && s.byPart[k] < 160, k);
      assert.ok(s.byPart.inputs > 100 && s.byPart.inputs < 200);
      // The resources, as the CLI prints them (four-space indents), are the export but for its envelope.
      const types = s.byType.reduce((a, [, n]) => a + n, 0);
      assert.ok(types < s.total && s.total - types < 120, `${types} of ${s.total}`);
      // Without indentation: the text JSON.stringify gives of the same document.
      assert.strictEqual(s.compact, JSON.stringify(JSON.parse(text)).length);
      // All but the inputs and outputs: the export less the three property parts.
      const props = s.byPart.inputs + s.byPart.outputs + s.byPart["outputs.__inputs"];
      assert.strictEqual(s.around, s.total - props);
      // One frame, in @pulumi/* (the SDK's source-mapped path), of two.
      assert.deepStrictEqual([s.frames, s.pulumiFrames], [2, 1]);
      assert.match(
        describeStateSize(s),
        /^\d+ KB for 2 resources \(\d+ KB without indentation\); all but inputs and outputs \d+ KB \(\d+\.\d KB per resource\); stack frames 1\.0 per resource, 50 % in @pulumi\/\*; by package: kubernetes \d+ KB, pulumi-nodejs \d+ KB; by part: .*; largest types: kubernetes:core\/v1:Secret/,
      );
    });
  });

  describe("stack plans", function () {
    it("onprem needs its S3 keys and the intermediate's key as secrets; dev none", function () {
      assert.deepStrictEqual(requiredSecrets(loadStackPlan(ROOT, "onprem")), [
        "s3AccessKey",
        "s3SecretKey",
        "tlsIntermediateKeyPem",
      ]);
      assert.deepStrictEqual(requiredSecrets(loadStackPlan(ROOT, "dev")), []);
    });

    it("expects the seed's schedules in the stack's time zone", function () {
      const p = loadStackPlan(ROOT, "dev");
      assert.deepStrictEqual(p.schedules.daily, {
        cron: "CRON_TZ=Asia/Seoul 0 7 * * *",
        ttlHours: 168,
        location: "default",
        dumpHook: false,
      });
      assert.strictEqual(p.schedules.weekly.ttlHours, 840);
      assert.strictEqual(p.schedules.monthly.location, "archive");
      assert.strictEqual(loadStackPlan(ROOT, "onprem").protected, true);
      assert.strictEqual(p.protected, false);
    });

    it("knows which projects get a retention policy (onprem's Trivy DB mirror does not)", function () {
      assert.deepStrictEqual(
        loadStackPlan(ROOT, "onprem").projects.map((p) => [p.name, p.tagRetention]),
        [
          ["platform", true],
          ["mirror", false],
        ],
      );
    });

    it("prod-apne1: its database password as a secret, no pg_dump hook (external database), a proxy cache, monitoring CRDs", function () {
      const p = loadStackPlan(ROOT, "prod-apne1");
      assert.deepStrictEqual(requiredSecrets(p), ["harborDatabasePassword"]);
      assert.deepStrictEqual(
        Object.values(p.schedules).map((x) => x.dumpHook),
        [false, false, false],
      );
      assert.deepStrictEqual(
        Object.values(loadStackPlan(ROOT, "onprem").schedules).map((x) => x.dumpHook),
        [false, true, true],
      );
      assert.deepStrictEqual(p.proxyCaches, [{ name: "dockerhub-cache", pullSecretNamespaces: [] }]);
      assert.deepStrictEqual(loadStackPlan(ROOT, "dev").proxyCaches, []);
      assert.deepStrictEqual(
        ["prod-apne1", "prod-apne2"].map((x) => loadStackPlan(ROOT, x).peers),
        [[], ["organization/registry-platform/prod-apne1"]],
      );
      const needs = (stack: string) => {
        const plan = loadStackPlan(ROOT, stack);
        return needsMonitoringCrds((k) => plan.config[`${NAMESPACE}:${k}`]);
      };
      assert.deepStrictEqual(["dev", "onprem", "prod-apne1"].map(needs), [false, false, true]);
      // The operator's group, version, plural and scope: what the charts' objects name.
      const crd = monitoringCrd("PrometheusRule") as any;
      assert.strictEqual(crd.metadata.name, "prometheusrules.monitoring.coreos.com");
      assert.deepStrictEqual(
        [
          crd.spec.scope,
          crd.spec.names.plural,
          crd.spec.versions.map((v: any) => [v.name, v.served, v.storage]),
        ],
        ["Namespaced", "prometheusrules", [["v1", true, true]]],
      );
      assert.strictEqual(
        crd.spec.versions[0].schema.openAPIV3Schema.properties.spec["x-kubernetes-preserve-unknown-fields"],
        true,
      );
    });

    it("reads Go durations", function () {
      assert.strictEqual(durationHours("168h0m0s"), 168);
      assert.strictEqual(durationHours("90m"), 1.5);
      assert.throws(() => durationHours("7d"), /not a duration/);
    });
  });

  describe("foreground-deletion stand-in", () => {
    it("releases only objects being deleted in the foreground, keeping their other finalizers", () => {
      const meta = (m: Record<string, unknown>) => ({ metadata: { name: "p", ...m } });
      assert.deepStrictEqual(
        foregroundRelease(
          meta({ deletionTimestamp: "2026-12-01T00:00:00Z", finalizers: ["foregroundDeletion", "x/keep"] }),
        ),
        { metadata: { finalizers: ["x/keep"] } },
      );
      assert.strictEqual(foregroundRelease(meta({ finalizers: ["foregroundDeletion"] })), undefined);
      assert.strictEqual(
        foregroundRelease(meta({ deletionTimestamp: "2026-12-01T00:00:00Z", finalizers: ["x/keep"] })),
        undefined,
      );
    });

    it("patches an object at its own path, namespaced or cluster-wide", () => {
      assert.strictEqual(
        objectPath("/apis/kyverno.io/v1/clusterpolicies", { metadata: { name: "require-image-digests" } }),
        "/apis/kyverno.io/v1/clusterpolicies/require-image-digests",
      );
      assert.strictEqual(
        objectPath("/apis/rbac.authorization.k8s.io/v1/roles", {
          metadata: { name: "drill", namespace: "velero" },
        }),
        "/apis/rbac.authorization.k8s.io/v1/namespaces/velero/roles/drill",
      );
    });

    it("covers, with the shared script, every Kubernetes kind the program creates on any stack", async function () {
      this.timeout(120000);
      const plural = (p: string) => {
        const [, group, , resource] = /^\/apis?\/(?:([^/]+)\/)?([^/]+)\/([^/]+)$/.exec(p) ?? [];
        return group ? `${resource}.${group}` : resource;
      };
      const covered = new Set([...SHARED_FOREGROUND_KINDS, ...EXTRA_FOREGROUND_KINDS.map(plural)]);
      const created = new Set<string>();
      for (const stack of listStacks(ROOT))
        for (const r of (await stackRun(stack)).all) {
          const m = /^kubernetes:(?:([^:]+)\/)?([^/:]+):([A-Za-z]+)$/.exec(r.type);
          if (!m || m[1] === "helm.sh") continue;
          const group = m[1] === "core" ? "" : m[1];
          const kind = m[3].toLowerCase();
          const resource = kind.endsWith("y")
            ? `${kind.slice(0, -1)}ies`
            : kind.endsWith("s")
              ? `${kind}es`
              : `${kind}s`;
          created.add(group ? `${resource}.${group}` : resource);
        }
      assert.deepStrictEqual([...created].filter((k) => !covered.has(k)).sort(), []);
      assert.ok(created.has("clusterpolicies.kyverno.io"), [...created].join(", "));
    });
  });
});
