/**
 * The offline synth of a fleet: without an earlier synth of its replicas, a primary's synth fails naming the
 * peer, the file and the command. With it (same --out, or --peer-outputs): test/synth/synth.test.ts, which
 * synthesizes the replica and then the primary once for both files' checks.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { peerProblem } from "../../tools/synth/cli";
import { ROOT } from "../harness";
import { scratchDir } from "../harness/scratch";

const CLI = path.join(ROOT, "dist", "tools", "synth", "cli.js");
const synth = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args, "--quiet"], { encoding: "utf8" });

describe("replication: offline synth of a fleet", function () {
  this.timeout(180000);
  let out: string;
  before(() => {
    out = scratchDir("fleet");
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

  it("a peer named in another project (a typo): exit 2, one line naming both projects; --peer-outputs takes it", () => {
    const file = path.join(out, "Pulumi.prod-apne2.yaml");
    const text = fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.prod-apne2.yaml"), "utf8");
    fs.writeFileSync(
      file,
      text
        .split("organization/registry-platform/prod-apne1")
        .join("organization/registry-platfrom/prod-apne1"),
    );
    const r = synth("--stack", "prod-apne2", "--config-file", file, "--out", out);
    assert.strictEqual(r.status, 2, r.stderr);
    assert.match(
      r.stderr,
      /^synth prod-apne2: peer stack organization\/registry-platfrom\/prod-apne1: project "registry-platfrom" is not this program's \("registry-platform"\); \S+ holds this project's synths only: fix the name, or pass --peer-outputs <dir> with that project's outputs\n$/,
    );
    // Outputs given for that project's stack with --peer-outputs are taken as they are.
    const peers = path.join(out, "other-project");
    assert.strictEqual(synth("--stack", "prod-apne1", "--out", peers).status, 0);
    const ok = synth("--stack", "prod-apne2", "--config-file", file, "--out", out, "--peer-outputs", peers);
    assert.strictEqual(ok.status, 0, ok.stderr);
  });

  it("a peer synthesized without the replication outputs: exit 2, one line naming the output and the order", () => {
    const peers = path.join(out, "no-target");
    fs.mkdirSync(path.join(peers, "prod-apne1"), { recursive: true });
    fs.writeFileSync(path.join(peers, "prod-apne1", "outputs.json"), JSON.stringify({ role: "replica" }));
    const r = synth("--stack", "prod-apne2", "--out", out, "--peer-outputs", peers);
    assert.strictEqual(r.status, 2, r.stderr);
    const apne1 = "organization/registry-platform/prod-apne1";
    assert.strictEqual(
      r.stderr,
      `synth prod-apne2: peer stack ${apne1}: it has no output "replicationTarget": deploy it before this stack (replicas before their primary): pulumi up --stack ${apne1}\n`,
    );
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
    // A peer synthesized, but without the outputs a primary reads (ReplicationPeers' own error).
    assert.strictEqual(
      peerProblem(
        new Error(
          'error serializing property "policy": peer stack o/p/s: it has no output "replicationTarget": deploy it before this stack (replicas before their primary): pulumi up --stack o/p/s',
        ),
      ),
      'peer stack o/p/s: it has no output "replicationTarget": deploy it before this stack (replicas before their primary): pulumi up --stack o/p/s',
    );
    assert.strictEqual(peerProblem(new Error("other")), undefined);
  });
});
