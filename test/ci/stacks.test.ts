/**
 * tools/ci/stacks.ts: the stacks the workflows loop over, and their deploy order (replicas first: a primary's
 * synth and `up` read its replicas' outputs). The pull-request plan diff synthesized every stack in name order,
 * which works only while each replica's name sorts before its primary's (audit, 2026-12-01).
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { deployOrder, StackInfo } from "../../tools/ci/stacks";
import { scratchDir } from "../harness/scratch";

const ROOT = path.join(__dirname, "..", "..", "..");
const CLI = path.join(ROOT, "dist", "tools", "ci", "stacks.js");

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const info = (stack: string, role: StackInfo["role"]): StackInfo => ({
  stack,
  role,
  environment: "prod",
  region: "ap-northeast-2",
  provider: "aws",
});

describe("ci: stacks in deploy order", function () {
  this.timeout(60000);

  it("deployOrder puts every replica before every primary, each group in its given order", () => {
    assert.deepStrictEqual(
      deployOrder([info("a", "primary"), info("z", "replica"), info("b", "primary"), info("y", "replica")]),
      ["z", "y", "a", "b"],
    );
    assert.deepStrictEqual(deployOrder([]), []);
  });

  it("--deploy-order lists this repository's stacks one per line, the replica prod-apne1 first", () => {
    const r = cli(["--deploy-order"]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.deepStrictEqual(r.stdout.split("\n"), ["prod-apne1", "dev", "onprem", "prod-apne2", ""]);
  });

  it("--root reads another tree's stacks: a replica whose name sorts last still comes first", () => {
    const tmp = scratchDir("ci-stacks");
    try {
      fs.mkdirSync(path.join(tmp, "stacks"));
      const copy = (from: string, to: string) =>
        fs.copyFileSync(
          path.join(ROOT, "stacks", `Pulumi.${from}.yaml`),
          path.join(tmp, "stacks", `Pulumi.${to}.yaml`),
        );
      copy("dev", "a-primary");
      copy("prod-apne1", "z-replica");
      const r = cli(["--deploy-order", "--root", tmp]);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.deepStrictEqual(r.stdout.split("\n"), ["z-replica", "a-primary", ""]);
      const json = cli(["--role", "replica", "--root", tmp]);
      assert.deepStrictEqual(
        (JSON.parse(json.stdout) as StackInfo[]).map((s) => [s.stack, s.role]),
        [["z-replica", "replica"]],
      );
      // An invalid stack file: exit 2 naming the problem, nothing on stdout (the workflow falls back).
      fs.writeFileSync(
        path.join(tmp, "stacks", "Pulumi.b-bad.yaml"),
        "config:\n  registry-platform:role: leader\n",
      );
      const bad = cli(["--deploy-order", "--root", tmp]);
      assert.strictEqual(bad.code, 2);
      assert.strictEqual(bad.stdout, "");
      assert.match(bad.stderr, /registry-platform:role/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("an unknown argument or a bad --role is exit 64 with the usage", () => {
    for (const args of [["--bogus"], ["--role", "leader"], ["--root"]]) {
      const r = cli(args);
      assert.strictEqual(r.code, 64, args.join(" "));
      assert.match(r.stderr, /usage: stacks \[--role primary\|replica\] \[--deploy-order\] \[--root <dir>\]/);
    }
  });
});
