/**
 * plan-diff's command line and inputs at their edges: two stack directories of different names, a side that
 * holds no synth output or is a file, `--title` without its value.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { StackSnapshot } from "../../tools/synth/diff";
import { ResourceDoc } from "../../tools/synth/render";
import { runPlanDiff, writeSnapshot } from "./plan-diff-support";
import { scratchDir } from "../harness/scratch";

const bucket = (name: string): ResourceDoc => ({
  urn: `urn:pulumi:dev::registry-platform::aws:s3/bucket:Bucket::${name}`,
  type: "aws:s3/bucket:Bucket",
  name,
  parent: "",
  provider: "urn:pulumi:dev::registry-platform::pulumi:providers:aws::aws",
  dependencies: [],
  inputs: { bucket: name },
});

const BEFORE: StackSnapshot = { resources: [bucket("a"), bucket("b")], outputs: { host: "r1" } };
const AFTER: StackSnapshot = { resources: [bucket("a"), bucket("c")], outputs: { host: "r2" } };

describe("plan-diff: inputs and arguments at the edges", function () {
  this.timeout(20000);
  let dir: string;

  before(() => {
    dir = scratchDir("plan-diff-edges");
    writeSnapshot(path.join(dir, "base", "dev"), BEFORE);
    writeSnapshot(path.join(dir, "head", "dev"), AFTER);
    writeSnapshot(path.join(dir, "dev-before-change"), BEFORE);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("two stack directories with different names are one stack (a copy of out/dev compared with out/dev)", () => {
    // Before: the names differed, so the copy's stack was all deleted and out/dev's all created.
    const r = runPlanDiff(path.join(dir, "dev-before-change"), path.join(dir, "head", "dev"));
    const same = runPlanDiff(path.join(dir, "base", "dev"), path.join(dir, "head", "dev"));
    assert.strictEqual(r.status, 1, r.stderr);
    assert.strictEqual(r.stderr, "");
    assert.strictEqual(r.stdout, same.stdout);
    assert.match(r.stdout, /\n\| `dev` \| 1 \| 0 \| 0 \| \*\*1\*\* \| 1 \| 0 \|\n/);
  });

  it("a side that holds no synth output is said on stderr, like a missing one; a file is unreadable input", () => {
    // An existing directory without resources.json or stack directories was compared as "no stacks" in
    // silence (every stack on the other side deleted); a missing one was already named.
    const empty = path.join(dir, "not-synth");
    fs.mkdirSync(path.join(empty, "sub"), { recursive: true });
    const r = runPlanDiff(path.join(dir, "base"), empty);
    assert.strictEqual(r.status, 1);
    assert.strictEqual(
      r.stderr,
      `plan-diff: ${empty} holds no synth output (no resources.json, no stack directory with one): ` +
        "compared as no synth output (every stack on the other side deleted)\n",
    );
    const file = path.join(dir, "base", "dev", "resources.json");
    const f = runPlanDiff(file, path.join(dir, "head"));
    assert.strictEqual(f.status, 2);
    assert.strictEqual(f.stdout, "");
    assert.strictEqual(
      f.stderr,
      `plan-diff: ${file} is not a directory; expected one stack's synth directory or a directory of them\n`,
    );
  });

  it("--title without its value: says so (it was reported as an unknown argument)", () => {
    for (const args of [
      [path.join(dir, "base"), path.join(dir, "head"), "--title"],
      // An option where the title belongs: taken as the title before, --exit-zero lost.
      ["--title", "--exit-zero", path.join(dir, "base"), path.join(dir, "head")],
    ]) {
      const r = runPlanDiff(...args);
      assert.strictEqual(r.status, 64, args.join(" "));
      assert.strictEqual(r.stdout, "");
      assert.match(r.stderr, /^plan-diff: --title needs a value\nusage: plan-diff/);
    }
  });
});
