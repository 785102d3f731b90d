/**
 * End-to-end (harness): the CrossGuard pack run by the REAL `pulumi preview --policy-pack` — a crafted
 * violating stack must report every policy, a compliant app stack none; optionally also the example app stack
 * and this project's stacks when the harness prepared them.
 *
 * Needs the real Pulumi CLI (the harness's ${TMPDIR:-/tmp}/real-engine/bin on PATH, with the standin aws
 * provider and the kubernetes provider) and `npm --prefix policy ci`; skips with one line otherwise. The
 * pack is built (`npm --prefix policy run build`) before use.
 *
 * The pack is started from its directory (`--policy-pack policy`), which needs a language host with
 * RunPlugin; when the host refuses (Unimplemented), the test falls back to the launcher
 * `policy/analyzer.sh` and says so.
 *
 * Environment:
 * - POLICY_E2E_STACKS: extra `<project dir>:<stack>` pairs (comma-separated) to preview with the pack and
 *   expect zero violations (e.g. the example app stack, or this project's prod stacks once the harness
 *   provides their cluster and chart repository). Config files: the pack config given by
 *   POLICY_E2E_PACK_CONFIG (default policy/config/registry-platform.json).
 */
import * as assert from "assert";
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../harness";

const ENGINE_BIN = path.join(process.env.TMPDIR ?? "/tmp", "real-engine", "bin");
const PACK_DIR = path.join(ROOT, "policy");

function pulumiAvailable(): boolean {
  return (
    fs.existsSync(path.join(ENGINE_BIN, "pulumi")) &&
    fs.existsSync(path.join(PACK_DIR, "node_modules", "@pulumi", "policy"))
  );
}

export interface PreviewResult {
  status: number | null;
  output: string;
  launcher: "directory" | "analyzer.sh";
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env, encoding: "utf8", timeout: 540000, maxBuffer: 64 * 1024 * 1024 });
}

/** A scratch Pulumi environment: file backend, passphrase, offline switches, the engine's bin on PATH. */
export function engineEnv(stateDir: string): NodeJS.ProcessEnv {
  // The crafted stacks render YAML and reach no cluster: a KUBECONFIG in the environment (the platform e2e sets
  // one for its siblings) makes the kubernetes provider refuse renderYamlToDirectory (seen on the real engine).
  const { KUBECONFIG: _cluster, ...rest } = process.env;
  void _cluster;
  return {
    ...rest,
    PATH: `${ENGINE_BIN}:${process.env.PATH ?? ""}`,
    PULUMI_BACKEND_URL: `file://${stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "policy-e2e",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_HOME: process.env.PULUMI_HOME ?? path.join(stateDir, ".pulumi-home"),
    HTTPS_PROXY: process.env.HTTPS_PROXY ?? "http://127.0.0.1:9",
  };
}

/** `pulumi preview --policy-pack` of one stack; falls back to the launcher when the host cannot RunPlugin. */
export function previewWithPack(
  projectDir: string,
  stack: string,
  packConfig: string,
  env: NodeJS.ProcessEnv,
): PreviewResult {
  const init = run("pulumi", ["stack", "select", "--create", stack, "--non-interactive"], projectDir, env);
  assert.strictEqual(init.status, 0, init.stderr);
  const args = (pack: string) => [
    "preview",
    "--stack",
    stack,
    "--non-interactive",
    "--policy-pack",
    pack,
    "--policy-pack-config",
    packConfig,
  ];
  let r = run("pulumi", args(PACK_DIR), projectDir, env);
  let output = `${r.stdout}\n${r.stderr}`;
  if (r.status !== 0 && /RunPlugin|Unimplemented/i.test(output)) {
    r = run("pulumi", args(path.join(PACK_DIR, "analyzer.sh")), projectDir, env);
    output = `${r.stdout}\n${r.stderr}`;
    return { status: r.status, output, launcher: "analyzer.sh" };
  }
  return { status: r.status, output, launcher: "directory" };
}

const VIOLATING = `
const k8s = require("@pulumi/kubernetes");
const aws = require("@pulumi/aws");
const provider = new k8s.Provider("render", { renderYamlToDirectory: "rendered" });
new k8s.apps.v1.Deployment("web", {
  spec: {
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: {
        containers: [{ name: "web", image: "nginx:latest" }],
        initContainers: [{ name: "init", image: "quay.io/other/init:1.0.0" }],
      },
    },
  },
}, { provider });
new k8s.batch.v1.CronJob("job", {
  spec: { schedule: "0 * * * *", jobTemplate: { spec: { template: { spec: {
    restartPolicy: "Never", containers: [{ name: "job", image: "registry.example.internal/apps/job" }] } } } } },
}, { provider });
new k8s.core.v1.ConfigMap("client", { data: { insecure: "true" } }, { provider });
new aws.s3.Bucket("data", { bucket: "policy-e2e-data" });
`;

const COMPLIANT = `
const k8s = require("@pulumi/kubernetes");
const provider = new k8s.Provider("render", { renderYamlToDirectory: "rendered" });
new k8s.apps.v1.Deployment("web", {
  spec: {
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "web", image: "registry.example.internal/apps/web:v1.3.0@sha256:${"0a1b2c3d".repeat(8)}" }] },
    },
  },
}, { provider });
`;

const APP_CONFIG = {
  "allowed-registries": { allowedRegistries: ["registry.example.internal"] },
  "no-insecure-tls-in-production": { productionStacks: "^prod" },
};

describe("e2e: the policy pack run by the real `pulumi preview --policy-pack`", function () {
  this.timeout(900000);
  let work: string;
  let env: NodeJS.ProcessEnv;
  let packConfig: string;

  before(function () {
    if (!pulumiAvailable()) {
      console.log(
        `policy pack e2e skipped: needs ${ENGINE_BIN}/pulumi and policy/node_modules (npm --prefix policy ci)`,
      );
      this.skip();
    }
    const build = run("npm", ["--prefix", PACK_DIR, "run", "build"], ROOT, process.env);
    assert.strictEqual(build.status, 0, build.stderr);
    // Inside the repository so the programs resolve @pulumi/* from its node_modules.
    work = fs.mkdtempSync(path.join(ROOT, ".policy-e2e-"));
    env = engineEnv(path.join(work, "state"));
    fs.mkdirSync(path.join(work, "state"));
    packConfig = path.join(work, "pack-config.json");
    fs.writeFileSync(packConfig, JSON.stringify(APP_CONFIG));
  });

  after(() => {
    if (work && !process.env.KEEP_POLICY_E2E) fs.rmSync(work, { recursive: true, force: true });
  });

  function program(name: string, code: string): string {
    const dir = path.join(work, name);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\nmain: index.js\n`);
    fs.writeFileSync(path.join(dir, "index.js"), code);
    fs.writeFileSync(path.join(dir, `Pulumi.prod-e2e.yaml`), "config:\n  aws:region: us-east-1\n");
    return dir;
  }

  it("a crafted violating stack reports every policy and fails the preview", () => {
    const r = previewWithPack(program("violating", VIOLATING), "prod-e2e", packConfig, env);
    console.log(`      (pack started through ${r.launcher})`);
    assert.notStrictEqual(r.status, 0, r.output);
    for (const p of [
      "no-latest-images",
      "allowed-registries",
      "s3-bucket-protection",
      "no-insecure-tls-in-production",
    ])
      assert.match(r.output, new RegExp(p), `${p} not reported:\n${r.output}`);
    assert.match(r.output, /nginx:latest/);
    assert.match(r.output, /quay\.io\/other\/init/);
    assert.match(r.output, /has no tag and no digest/);
  });

  it("a compliant app stack reports zero violations", () => {
    const r = previewWithPack(program("compliant", COMPLIANT), "prod-e2e", packConfig, env);
    assert.strictEqual(r.status, 0, r.output);
    assert.doesNotMatch(r.output, /mandatory|advisory/, r.output);
  });

  for (const pair of (process.env.POLICY_E2E_STACKS ?? "").split(",").filter(Boolean))
    it(`${pair}: zero violations`, () => {
      const [dir, stack] = pair.split(":");
      const cfg =
        process.env.POLICY_E2E_PACK_CONFIG ?? path.join(PACK_DIR, "config", "registry-platform.json");
      const r = previewWithPack(path.resolve(ROOT, dir), stack, cfg, env);
      assert.strictEqual(r.status, 0, r.output);
      assert.doesNotMatch(r.output, /mandatory|advisory/, r.output);
    });
});
