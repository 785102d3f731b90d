/**
 * End-to-end (real Pulumi engine, file backend): geo-replication between two stacks of one project.
 *
 * What runs for real: the Pulumi CLI 3.274.1 and its engine, a file backend, `StackReference` reading the
 * replica's REAL state (secret output included), the Harbor dynamic provider as the engine runs it (its loader
 * in the state, the implementation from this checkout's dist/, in the dynamic-provider plugin) against the fake
 * Harbor over TLS on loopback (with the replication routes),
 * and the aws stand-in plugin (echo, with getCallerIdentity). What is NOT here: the whole platform stacks
 * (prod-apne1/prod-apne2 need a Kubernetes API and the e2e harness of test/e2e/support): the program deploys
 * the replication components on their own — the replica's `ReplicationTarget`, the primary's `ReplicationPeers`
 * (StackReference + S3 backup replication) and `HarborReplication` — wired as the platform wires them.
 *
 * Steps: up replica → up primary → refresh and `preview --expect-no-changes` on both (read-back normalized, no
 * perpetual diff) → robot rotation on the replica → the primary's preview shows an in-place update of the
 * endpoint, its up sends the new secret → a peer removed deletes its policies before its endpoint → destroy.
 *
 * Preconditions (the run fails, naming the command, when one is missing): the Pulumi CLI
 * ($PULUMI_BIN, else ${TMPDIR:-/tmp}/real-engine/bin/pulumi, built by ../shared/tools/real-engine/build.sh) with
 * the plugins pulumi-language-nodejs, pulumi-resource-aws and pulumi-resource-pulumi-nodejs beside it; `npm run
 * build` done (the program loads dist/).
 */
import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectCrud } from "../../components/harbor-config/crud";
import { FakeHarbor } from "../harbor-config/support/fake-harbor";
import { clientOf, projectInputs, startFake } from "../harbor-config/support/setup";
import { testPki } from "../harbor-config/support/tls";
import { ReplicationFake } from "../replication/support/fake-replication";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const DIST = path.join(ROOT, "dist");
const TMP = process.env.TMPDIR || "/tmp";
const PULUMI = process.env.PULUMI_BIN ?? path.join(TMP, "real-engine", "bin", "pulumi");
const PLUGINS = ["pulumi-language-nodejs", "pulumi-resource-aws", "pulumi-resource-pulumi-nodejs"];
const REPLICA = "organization/registry-platform/e2e-replica";

/** The program of both stacks (`e2e:role` picks the side), loading the components from dist/. */
function programText(): string {
  const d = (p: string) => JSON.stringify(path.join(DIST, p));
  return `"use strict";
const pulumi = require("@pulumi/pulumi");
const aws = require("@pulumi/aws");
// As index.ts does: a failed run must not hang in Node 20's error formatting (config/error-stacks.ts).
require(${d("config/error-stacks.js")}).guardErrorStacks();
const { ReplicationTarget } = require(${d("components/replication/target.js")});
const { ReplicationPeers } = require(${d("components/replication/peers.js")});
const { HarborReplication } = require(${d("components/replication/harbor-replication.js")});
const { replicationPlan } = require(${d("components/replication/plan.js")});
const { replicationOutputs } = require(${d("components/replication/from-config.js")});

module.exports = async () => {
  const cfg = new pulumi.Config("e2e");
  const harbor = { url: cfg.require("harborUrl"), adminPassword: cfg.requireSecret("harborPassword"), caBundlePem: cfg.require("harborCa") };
  const region = cfg.require("region");
  // As the platform: the provider waits for the replicas' StackReferences (nothing on AWS before they are read).
  let peersRead = () => undefined;
  const gate = new Promise((resolve) => (peersRead = resolve));
  const provider = new aws.Provider("registry-aws", { region, skipCredentialsValidation: true, skipRequestingAccountId: true }, { dependsOn: gate });
  if (cfg.require("role") === "replica") {
    peersRead([]);
    const t = new ReplicationTarget("registry-replication-target", {
      harbor,
      registryUrl: "https://registry.apne1.example.internal",
      caBundlePem: cfg.require("peerCa"),
      robot: { projects: ["platform", "apps"], rotation: cfg.get("rotation") || "1" },
      backupBucket: {
        bucket: "e2e-replica-backup",
        bucketArn: "arn:aws:s3:::e2e-replica-backup",
        region,
        sseKms: true,
        kmsKeyArn: "arn:aws:kms:" + region + ":123456789012:alias/registry-platform",
        objectLock: { mode: "COMPLIANCE", days: 35 },
      },
    }, { providers: { aws: provider } });
    return { role: "replica", replicationTarget: t.target, replicationRobotSecret: t.robotSecret };
  }
  const backup = new aws.s3.Bucket("registry-storage-backup-bucket", { bucket: "e2e-primary-backup", objectLockEnabled: true }, { provider });
  const peers = replicationPlan(JSON.parse(cfg.require("peers")), ["platform", "apps"], true);
  if (peers.length === 0) {
    peersRead([]);
    return { role: "primary" };
  }
  const rp = new ReplicationPeers("registry-replication", {
    peers,
    backupSource: {
      bucketName: backup.bucket,
      bucketArn: pulumi.interpolate\`arn:aws:s3:::\${backup.bucket}\`,
      region,
      kms: true,
      kmsKeyArn: "arn:aws:kms:" + region + ":123456789012:alias/registry-platform",
      dependsOn: [backup],
    },
    awsProvider: provider,
  });
  rp.targets.apply(() => peersRead(rp.references));
  new HarborReplication("registry-harbor-replication", { harbor, peers: Object.values(rp.peers) });
  return { role: "primary", ...replicationOutputs(rp, undefined) };
};
`;
}

interface Run {
  status: number;
  out: string;
}

describe("e2e: geo-replication on the real engine (file backend)", function () {
  this.timeout(1800000);
  let tmp: string;
  let fake: FakeHarbor;
  let repl: ReplicationFake;
  let env: NodeJS.ProcessEnv;
  const timings: string[] = [];

  // Asynchronous: the fake Harbor answers from this process, so its event loop must keep running meanwhile.
  const pulumi = (stack: string | undefined, ...args: string[]): Promise<Run> => {
    const t = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn(PULUMI, ["--non-interactive", ...(stack ? ["--stack", stack] : []), ...args], {
        cwd: path.join(tmp, "project"),
        env,
      });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => {
        timings.push(`pulumi ${args.slice(0, 2).join(" ")} ${stack ?? ""}: ${Date.now() - t} ms`);
        resolve({ status: code ?? -1, out });
      });
    });
  };
  const ok = async (stack: string | undefined, ...args: string[]): Promise<string> => {
    const r = await pulumi(stack, ...args);
    assert.strictEqual(r.status, 0, `pulumi ${args.join(" ")} (${stack}) failed:\n${r.out.slice(-6000)}`);
    return r.out;
  };
  const config = async (
    stack: string,
    values: Record<string, string>,
    secret: Record<string, string> = {},
  ) => {
    for (const [k, v] of Object.entries(values)) await ok(stack, "config", "set", `e2e:${k}`, "--", v);
    for (const [k, v] of Object.entries(secret))
      await ok(stack, "config", "set", "--secret", `e2e:${k}`, "--", v);
  };
  const peersConfig = (list: unknown[]) =>
    JSON.stringify(
      list.map((p) => ({
        repositories: "**",
        deletion: false,
        trigger: { eventBased: true, reconcileSchedule: "0 30 4 * * *" },
        speed: -1,
        override: true,
        copyByChunk: true,
        enabled: true,
        backupReplication: { replicationTime: false },
        ...(p as object),
      })),
    );

  before(async function () {
    const missing = [PULUMI, ...PLUGINS.map((p) => path.join(path.dirname(PULUMI), p))].filter(
      (f) => !fs.existsSync(f),
    );
    if (missing.length > 0)
      throw new Error(
        `missing: ${missing.join(", ")}; build them with ../shared/tools/real-engine/build.sh (or set PULUMI_BIN)`,
      );
    if (!fs.existsSync(path.join(DIST, "components", "replication", "target.js")))
      throw new Error("dist/ is not built: run npm run build");
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-replication-"));
    const project = path.join(tmp, "project");
    fs.mkdirSync(project);
    fs.writeFileSync(
      path.join(project, "Pulumi.yaml"),
      "name: registry-platform\nruntime: nodejs\nmain: program.js\ndescription: e2e of geo-replication\n",
    );
    fs.writeFileSync(path.join(project, "program.js"), programText());
    // The SDKs from this checkout's node_modules; registry-platform itself as an installed package, which is
    // where the Harbor provider's loader (its resources' __provider) finds the implementation (dist/).
    fs.mkdirSync(path.join(project, "node_modules"));
    fs.symlinkSync(path.join(ROOT, "node_modules", "@pulumi"), path.join(project, "node_modules", "@pulumi"));
    fs.symlinkSync(ROOT, path.join(project, "node_modules", "registry-platform"));
    env = {
      ...process.env,
      PATH: `${path.dirname(PULUMI)}${path.delimiter}${process.env.PATH ?? ""}`,
      PULUMI_HOME: path.join(tmp, "home"),
      PULUMI_BACKEND_URL: `file://${path.join(tmp, "state")}`,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_CONFIG_PASSPHRASE: "e2e-replication",
    };
    fs.mkdirSync(path.join(tmp, "state"));
    fake = await startFake();
    repl = new ReplicationFake(fake);
    for (const name of ["platform", "apps"])
      await projectCrud.create(clientOf(fake), projectInputs(fake, { name }));
    const harbor = { harborUrl: fake.url, harborCa: testPki().caPem };
    for (const [stack, region] of [
      ["e2e-replica", "ap-northeast-1"],
      ["e2e-primary", "ap-northeast-2"],
    ]) {
      await ok(undefined, "stack", "init", stack);
      await config(
        stack,
        { ...harbor, region, role: stack === "e2e-replica" ? "replica" : "primary" },
        { harborPassword: fake.password },
      );
    }
    await config("e2e-replica", { peerCa: testPki().otherCaPem });
    await config("e2e-primary", { peers: peersConfig([{ stack: REPLICA }]) });
  });

  after(async () => {
    if (tmp && !process.env.E2E_KEEP) {
      for (const s of ["e2e-primary", "e2e-replica"]) await pulumi(s, "destroy", "--yes", "--skip-preview");
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    await fake?.stop();
    process.stdout.write(`      timings:\n${timings.map((t) => `        ${t}`).join("\n")}\n`);
  });

  it("the primary before its replica fails naming the replica stack, and `up --skip-preview` creates nothing on AWS", async () => {
    const r = await pulumi("e2e-primary", "preview");
    assert.notStrictEqual(r.status, 0);
    assert.match(r.out, /organization\/registry-platform\/e2e-replica/);
    // What CI's pulumi/actions runs: no preview to stop first. The provider waits for the replica's read.
    const up = await pulumi("e2e-primary", "up", "--yes", "--skip-preview");
    assert.notStrictEqual(up.status, 0);
    // The replica stack exists, not yet deployed: the engine reads it, and the platform finds no replicationTarget.
    // One error, on the ReplicationPeers component, no stack trace (the SDK's requireOutput gave one per output,
    // each an "unhandled exception" with the SDK's frames).
    const replica = "organization/registry-platform/e2e-replica";
    const diagnostics = up.out.slice(up.out.indexOf("Diagnostics:"));
    assert.ok(
      diagnostics.includes(
        `peer stack ${replica}: it has no output "replicationTarget": deploy it before this stack (replicas before their primary): pulumi up --stack ${replica}`,
      ),
      up.out,
    );
    assert.strictEqual(diagnostics.split("error:").length - 1, 1, diagnostics);
    assert.match(
      diagnostics,
      /registry-platform:replication:ReplicationPeers \(registry-replication\):\n\s+error: /,
    );
    assert.doesNotMatch(diagnostics, /unhandled exception|\n\s+at /, diagnostics);
    const state = JSON.parse(await ok("e2e-primary", "stack", "export")) as {
      deployment: { resources?: { type: string }[] };
    };
    const onAws = (state.deployment.resources ?? []).map((x) => x.type).filter((t) => t.startsWith("aws:"));
    assert.deepStrictEqual(onAws, [], "created on AWS before the replica was read");
  });

  it("up replica, then primary: the StackReference reads the replica's real state", async () => {
    await ok("e2e-replica", "up", "--yes", "--skip-preview");
    const outputs = JSON.parse(await ok("e2e-replica", "stack", "output", "--json")) as Record<string, any>;
    assert.strictEqual(outputs.replicationRobotSecret, "[secret]", "the robot secret is a secret output");
    assert.strictEqual(outputs.replicationTarget.robotName, "robot$replication");
    assert.deepStrictEqual(outputs.replicationTarget.projects, ["apps", "platform"]);
    const robot = repl.robotByName("replication");
    assert.ok(robot, "the replica's system robot exists in Harbor");

    await ok("e2e-primary", "up", "--yes", "--skip-preview");
    const endpoint = [...fake.registries.values()].find((r) => r.name === "peer-e2e-replica");
    assert.ok(endpoint, "endpoint created");
    assert.strictEqual(endpoint.type, "harbor");
    assert.strictEqual(endpoint.url, "https://registry.apne1.example.internal");
    assert.strictEqual(endpoint.insecure, false);
    assert.strictEqual(endpoint.ca_certificate, testPki().otherCaPem);
    assert.deepStrictEqual(endpoint.credential, {
      type: "basic",
      access_key: "robot$replication",
      access_secret: robot.secret,
    });
    const policy = repl.policyByName("to-e2e-replica");
    assert.strictEqual(policy.dest_registry.id, endpoint.id);
    assert.deepStrictEqual(policy.filters, [{ type: "name", value: "{apps,platform}/**" }]);
    assert.ok(repl.policyByName("to-e2e-replica-reconcile"));
    const primary = JSON.parse(await ok("e2e-primary", "stack", "output", "--json")) as Record<string, any>;
    assert.deepStrictEqual(primary.replicationPeers["e2e-replica"].policies, [
      "to-e2e-replica",
      "to-e2e-replica-reconcile",
    ]);
    const state = JSON.parse(await ok("e2e-primary", "stack", "export")) as {
      deployment: { resources: any[] };
    };
    const cfg = state.deployment.resources.find(
      (r) => r.type === "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    );
    assert.strictEqual(cfg.inputs.rules[0].destination.bucket, "arn:aws:s3:::e2e-replica-backup");
    assert.strictEqual(cfg.inputs.rules[0].deleteMarkerReplication.status, "Disabled");
  });

  it("refresh, then preview --expect-no-changes on both stacks", async () => {
    for (const s of ["e2e-replica", "e2e-primary"]) {
      await ok(s, "refresh", "--yes", "--skip-preview");
      await ok(s, "preview", "--expect-no-changes");
    }
  });

  it("a robot rotation on the replica updates the primary's endpoint in place", async () => {
    await config("e2e-replica", { rotation: "2" });
    await ok("e2e-replica", "up", "--yes", "--skip-preview");
    const secret = repl.robotByName("replication")!.secret;
    const preview = await ok("e2e-primary", "preview", "--diff");
    assert.match(
      preview,
      /~ pulumi-nodejs:dynamic:Resource: \(update\)\n\s+\[id=\d+\]\n\s+\[urn=[^\]\n]*registry-harbor-replication-e2e-replica-endpoint\]/,
    );
    assert.doesNotMatch(preview, /\((replace|create-replacement|delete-replaced)\)/, "nothing is replaced");
    fake.clearLog();
    await ok("e2e-primary", "up", "--yes", "--skip-preview");
    const put = fake.writes().find((w) => w.method === "PUT" && /^\/registries\/\d+$/.test(w.path));
    assert.strictEqual(put?.body.access_secret, secret);
    await ok("e2e-primary", "preview", "--expect-no-changes");
  });

  it("removing the peer deletes its policies, then its endpoint", async () => {
    await config("e2e-primary", { peers: "[]" });
    fake.clearLog();
    await ok("e2e-primary", "up", "--yes", "--skip-preview");
    const deletes = fake
      .writes()
      .filter((w) => w.method === "DELETE")
      .map((w) => w.path.replace(/\d+$/, "N"));
    assert.deepStrictEqual(deletes.sort(), [
      "/registries/N",
      "/replication/policies/N",
      "/replication/policies/N",
    ]);
    const order = fake
      .writes()
      .filter((w) => w.method === "DELETE")
      .map((w) => w.path.split("/")[1]);
    assert.ok(order.lastIndexOf("replication") < order.indexOf("registries"), `order: ${order.join(", ")}`);
    assert.strictEqual(repl.policies.size, 0);
    assert.ok(![...fake.registries.values()].some((r) => r.name === "peer-e2e-replica"));
  });
});
