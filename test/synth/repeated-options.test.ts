/**
 * Every CLI refuses an option given twice (exit 64 with the problem), where it used to keep one of the values
 * silently: `synth --stack dev --stack prod-apne2` synthesized prod-apne2 only.
 */
import * as assert from "assert";
import { parseCliArgs as drillArgs, UsageError as DrillUsageError } from "../../tools/drill/cli";
import { main as imagesMain } from "../../tools/images/cli";
import { repeatedOption } from "../../tools/run";
import { parseArgs as synthArgs } from "../../tools/synth/cli";
import { main as diffMain } from "../../tools/synth/diff";
import { runTagCli } from "../../tools/tag/cli";
import { parseArgs as verifyArgs, UsageError as VerifyUsageError } from "../../tools/verify/cli";

const TWICE = /--stack is given more than once; allowed: once/;

describe("CLIs: an option given twice is a usage error", () => {
  it("repeatedOption finds --name and --name=value repeats, not values or lone flags", () => {
    assert.strictEqual(repeatedOption(["--stack", "a", "--stack=b"]), "--stack");
    assert.strictEqual(repeatedOption(["--json", "--stack", "a", "--json"]), "--json");
    assert.strictEqual(repeatedOption(["--stack", "a", "--out", "a"]), undefined);
    assert.strictEqual(repeatedOption(["before", "after", "--", "--"]), undefined);
  });

  it("synth", () => {
    assert.throws(() => synthArgs(["--stack", "dev", "--stack", "prod-apne2"]), TWICE);
  });

  it("plan-diff (exit 64, nothing on stdout)", () => {
    let out = "";
    let err = "";
    const code = diffMain(
      ["--title", "a", "--title", "b", "x", "y"],
      (s) => (out += s),
      (s) => (err += s),
    );
    assert.strictEqual(code, 64);
    assert.strictEqual(out, "");
    assert.match(err, /^plan-diff: --title is given more than once; allowed: once\n/);
  });

  it("verify", () => {
    assert.throws(
      () => verifyArgs(["--stack", "dev", "--stack", "onprem"]),
      (e: Error) => e instanceof VerifyUsageError && TWICE.test(e.message),
    );
  });

  it("drill", () => {
    assert.throws(
      () => drillArgs(["--stack", "dev", "--stack=onprem"]),
      (e: Error) => e instanceof DrillUsageError && TWICE.test(e.message),
    );
  });

  it("images (exit 64, nothing on stdout)", () => {
    let out = "";
    let err = "";
    const code = imagesMain(
      ["--stack", "dev", "--stack", "onprem"],
      { write: (s: string) => ((out += s), true) },
      { write: (s: string) => ((err += s), true) },
    );
    assert.strictEqual(code, 64);
    assert.strictEqual(out, "");
    assert.match(err, /^images: --stack is given more than once; allowed: once\n/);
  });

  it("tag", () => {
    const r = runTagCli(["--version", "1.2.3", "--version", "1.2.4", "--release"]);
    assert.strictEqual(r.code, 64);
    assert.strictEqual(r.stdout, "");
    assert.match(r.stderr, /^--version is given more than once; allowed: once\n/);
  });
});
