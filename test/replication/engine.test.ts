/**
 * The mock engine answers `StackReference` reads (a primary reading its replicas) from given peer outputs,
 * keeps secret outputs secret, records the read, and fails — instead of hanging — when a peer or one of its
 * outputs is missing.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { runOnMocks } from "../../tools/synth/engine";
import { containsSecretMark, peerFromOutputsDoc, peerOutputsFromDir } from "../../tools/synth/peers";
import { Recorded } from "../harness";
import { scratchDir } from "../harness/scratch";

const PEER = "organization/registry-platform/peer-a";

async function withRef(
  program: (ref: pulumi.StackReference) => Record<string, unknown>,
  stackReferences?: (name: string) => { outputs: Record<string, unknown>; secretOutputNames: string[] },
): Promise<Recorded> {
  return new Recorded(
    await runOnMocks(
      { project: "registry-platform", stack: "t", config: {}, secretKeys: [], stackReferences },
      () => program(new pulumi.StackReference("ref", { name: PEER })),
    ),
  );
}

describe("replication: StackReference on the mock engine", function () {
  this.timeout(20000);

  it("resolves outputs from the peer's outputs; a secret output stays secret, a public one does not", async () => {
    const seen: string[] = [];
    const rec = await withRef(
      (ref) => {
        const url = ref.requireOutput("registryUrl");
        const secret = ref.requireOutput("robotSecret");
        new random.RandomString("uses-url", { length: url.apply((u: string) => u.length) });
        return { url, secret, urlIsSecret: pulumi.isSecret(url), secretIsSecret: pulumi.isSecret(secret) };
      },
      (name) => {
        seen.push(name);
        return {
          outputs: { registryUrl: "https://r.example", robotSecret: "s3cr3t" },
          secretOutputNames: ["robotSecret"],
        };
      },
    );
    assert.deepStrictEqual(seen, [PEER]);
    assert.strictEqual(rec.outputs.url, "https://r.example");
    assert.strictEqual(rec.outputs.secret, "s3cr3t");
    assert.deepStrictEqual(rec.outputSecrets(), ["secret"]);
    assert.strictEqual(rec.outputs.urlIsSecret, false);
    assert.strictEqual(rec.outputs.secretIsSecret, true);
    const read = rec.one("pulumi:pulumi:StackReference", "ref");
    assert.strictEqual(read.read, true);
    assert.deepStrictEqual(rec.inputs(read), { name: PEER });
    assert.strictEqual(rec.inputs(rec.one("random:index/randomString:RandomString")).length, 17);
  });

  it("fails naming the peer when no peer outputs are given (no hang)", async () => {
    await assert.rejects(
      withRef((ref) => ({ u: ref.requireOutput("registryUrl") })),
      /StackReference organization\/registry-platform\/peer-a: the mock engine was given no outputs of other stacks.*--peer-outputs/,
    );
  });

  it("fails naming the peer stack and the missing output when a resource needs it (no hang)", async () => {
    await assert.rejects(
      withRef(
        (ref) => {
          const r = new random.RandomString("needs-it", {
            length: ref.requireOutput("replicationTarget").apply(() => 8),
          });
          return { r: r.result };
        },
        () => ({ outputs: { registryUrl: "https://r.example" }, secretOutputNames: [] }),
      ),
      /Required output 'replicationTarget' does not exist on stack 'organization\/registry-platform\/peer-a'/,
    );
  });

  it("an error thrown in an apply feeding a resource fails the run with that error (no hang)", async () => {
    await assert.rejects(
      runOnMocks({ project: "p", stack: "t", config: {}, secretKeys: [] }, () => {
        const r = new random.RandomString("x", {
          length: pulumi.output(1).apply((): number => {
            throw new Error("boom in apply");
          }),
        });
        return { r: r.result };
      }),
      /boom in apply/,
    );
  });
});

describe("replication: peer outputs from an earlier synth", () => {
  let dir: string;
  before(() => {
    dir = scratchDir("peers");
    fs.mkdirSync(path.join(dir, "peer-a"));
    fs.writeFileSync(
      path.join(dir, "peer-a", "outputs.json"),
      JSON.stringify({
        registryUrl: "https://r.example",
        replicationRobotSecret: "[secret]",
        nested: { a: ["[secret]"] },
      }),
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads <dir>/<stack>/outputs.json; outputs holding "[secret]" are the secret ones', () => {
    const peer = peerOutputsFromDir(dir)(PEER);
    assert.strictEqual(peer.outputs.registryUrl, "https://r.example");
    assert.deepStrictEqual(peer.secretOutputNames, ["replicationRobotSecret", "nested"]);
  });

  it("a peer synth that is not JSON is named without quoting it (outputs may hold secrets)", () => {
    const peerDir = path.join(dir, "broken");
    fs.mkdirSync(peerDir, { recursive: true });
    fs.writeFileSync(path.join(peerDir, "outputs.json"), '{"replicationRobotSecret": Robot-S3cret-Value}');
    assert.throws(
      () => peerOutputsFromDir(dir)("organization/registry-platform/broken"),
      (e: Error) =>
        /^peer stack organization\/registry-platform\/broken: \S*broken\/outputs\.json is not JSON( \(at position \d+\))?$/.test(
          e.message,
        ) && !e.message.includes("S3cret"),
    );
  });

  it("a missing peer synth names the peer stack, the file and the command to make it", () => {
    assert.throws(
      () => peerOutputsFromDir(dir)("organization/registry-platform/prod-apne1"),
      (e: Error) =>
        /^peer stack organization\/registry-platform\/prod-apne1: no synthesized outputs at \S*prod-apne1\/outputs.json; synthesize the peer first \(npm run synth -- --stack prod-apne1 --out \S+\) or pass --peer-outputs <dir>$/.test(
          e.message,
        ),
    );
  });

  it("with this project given (the out directory), a peer of another project is refused, naming both projects", () => {
    const ours = peerOutputsFromDir(dir, "registry-platform");
    assert.strictEqual(
      ours("organization/registry-platform/peer-a").outputs.registryUrl,
      "https://r.example",
    );
    assert.throws(
      () => ours("organization/registry-platfrom/peer-a"),
      (e: Error) =>
        e.message.startsWith(
          'peer stack organization/registry-platfrom/peer-a: project "registry-platfrom" is not this program\'s ("registry-platform"); ',
        ) &&
        e.message.endsWith(
          "holds this project's synths only: fix the name, or pass --peer-outputs <dir> with that project's outputs",
        ),
    );
    // A directory given with --peer-outputs may hold other projects' outputs: no project given, no check.
    assert.strictEqual(peerOutputsFromDir(dir)("acme/other/peer-a").outputs.registryUrl, "https://r.example");
  });

  it("rejects a name that is not organization/project/stack", () => {
    assert.throws(() => peerOutputsFromDir(dir)("peer-a"), /expected a fully qualified stack name/);
  });

  it("finds secret marks anywhere in a value", () => {
    assert.strictEqual(containsSecretMark({ a: [1, { b: "[secret]" }] }), true);
    assert.strictEqual(containsSecretMark({ a: "secret" }), false);
    assert.deepStrictEqual(peerFromOutputsDoc({ x: 1 }).secretOutputNames, []);
  });
});
