/**
 * The offline synth of a fleet: a primary's StackReferences resolve from an earlier synth of its replicas
 * (same --out, or --peer-outputs); without it the synth fails naming the peer, the file and the command.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { peerProblem } from "../../tools/synth/cli";
import { ResourceDoc } from "../../tools/synth/render";
import { ROOT } from "../harness";

const CLI = path.join(ROOT, "dist", "tools", "synth", "cli.js");
const synth = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args, "--quiet"], { encoding: "utf8" });

describe("replication: offline synth of a fleet", function () {
  this.timeout(180000);
  let out: string;
  before(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-"));
  });
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it("the primary before its replica: exit 2, one line naming the peer stack, the file and the command", () => {
    const r = synth("--stack", "prod-apne2", "--out", out);
    assert.strictEqual(r.status, 2, r.stderr);
    assert.match(
      r.stderr,
      /^synth prod-apne2: peer stack organization\/registry-platform\/prod-apne1: no synthesized outputs at \S*prod-apne1\/outputs.json; synthesize the peer first \(npm run synth -- --stack prod-apne1 --out \S+\) or pass --peer-outputs <dir>\n$/,
    );
    assert.ok(!fs.existsSync(path.join(out, "prod-apne2", "outputs.json")));
  });

  it('replica first, then the primary: it reads the replica\'s outputs; secret ones stay "[secret]"', () => {
    assert.strictEqual(synth("--stack", "prod-apne1", "--out", out).status, 0);
    const r = synth("--stack", "prod-apne2", "--out", out);
    assert.strictEqual(r.status, 0, r.stderr);
    const docs = JSON.parse(
      fs.readFileSync(path.join(out, "prod-apne2", "resources.json"), "utf8"),
    ) as ResourceDoc[];
    const ref = docs.find((d) => d.type === "pulumi:pulumi:StackReference")!;
    assert.deepStrictEqual(
      [ref.name, ref.inputs, ref.read],
      ["registry-replication-prod-apne1", { name: "organization/registry-platform/prod-apne1" }, true],
    );
    const endpoint = docs.find((d) => d.name === "registry-harbor-replication-prod-apne1-endpoint")!;
    // A Harbor resource's inputs are under `spec` (components/harbor-config/shape.ts).
    const inputs = (endpoint.inputs as { spec: Record<string, unknown> }).spec;
    assert.strictEqual(inputs.url, "https://registry.apne1.example.com");
    assert.strictEqual(inputs.accessKey, "robot$replication");
    assert.strictEqual(inputs.accessSecret, "[secret]");
    const replica = JSON.parse(
      fs.readFileSync(path.join(out, "prod-apne1", "outputs.json"), "utf8"),
    ) as Record<string, any>;
    assert.strictEqual(replica.replicationRobotSecret, "[secret]");
    assert.strictEqual(inputs.caCertificate, replica.replicationTarget.caBundlePem);
    const policies = docs.filter(
      (d) => (d.inputs as { spec?: { kind?: string } }).spec?.kind === "harbor:ReplicationPolicy",
    );
    assert.deepStrictEqual(
      policies.map((p) => (p.inputs as { spec: { name: string } }).spec.name),
      ["to-prod-apne1", "to-prod-apne1-reconcile"],
    );
  });

  it("--peer-outputs reads the replicas from another directory", () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-other-"));
    try {
      const r = synth("--stack", "prod-apne2", "--out", other, "--peer-outputs", out);
      assert.strictEqual(r.status, 0, r.stderr);
      assert.ok(fs.existsSync(path.join(other, "prod-apne2", "outputs.json")));
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it("peerProblem takes the one line out of the SDK's wrapping", () => {
    assert.strictEqual(
      peerProblem(
        new Error(
          'error serializing property "outputs": failed to read resource #x: peer stack o/p/s: no synthesized outputs at a; b\n    at x',
        ),
      ),
      "peer stack o/p/s: no synthesized outputs at a; b",
    );
    assert.strictEqual(
      peerProblem(new Error("Required output 'replicationTarget' does not exist on stack 'o/p/s'.")),
      "Required output 'replicationTarget' does not exist on stack 'o/p/s'.",
    );
    assert.strictEqual(peerProblem(new Error("other")), undefined);
  });
});
