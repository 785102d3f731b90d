/**
 * `registry-platform-<cli> --help`: every bin prints its CLI's usage and exits 0 without loading the Pulumi SDK
 * or zod (tools/run.ts answers drill's and verify's from their usage modules).
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { USAGE as DRILL_USAGE } from "../../tools/drill/cli";
import { USAGE as VERIFY_USAGE } from "../../tools/verify/cli";
import { ROOT } from "../harness";
import { loadedCount, writeLoadedHook } from "../harness/loaded-hook";
import { scratchDir } from "../harness/scratch";

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  bin: Record<string, string>;
};

describe("package: the bins' --help", function () {
  this.timeout(60000);
  let hook: string;
  before(() => {
    // Reports, at exit, how many of the heavy modules the process had loaded.
    hook = writeLoadedHook(path.join(scratchDir("bin-help"), "loaded-hook.js"), [
      path.join(ROOT, "node_modules", "@pulumi", "pulumi") + path.sep,
      path.join(ROOT, "node_modules", "zod") + path.sep,
    ]);
  });
  after(() => fs.rmSync(path.dirname(hook), { recursive: true, force: true }));

  const help = (bin: string, flag = "--help") =>
    spawnSync(process.execPath, ["--require", hook, path.join(ROOT, manifest.bin[bin]), flag], {
      encoding: "utf8",
    });

  it("drill and verify print the usage their main prints, exit 0, and load neither the SDK nor zod", () => {
    for (const [bin, usage] of [
      ["registry-platform-drill", DRILL_USAGE],
      ["registry-platform-verify", VERIFY_USAGE],
    ])
      for (const flag of ["--help", "-h"]) {
        const r = help(bin, flag);
        assert.deepStrictEqual(
          [r.status, r.stdout, r.stderr],
          [0, `${usage}\n`, "loaded 0\n"],
          `${bin} ${flag}`,
        );
      }
  });

  it("the hook sees the SDK when a CLI runs (the checks above are not vacuous)", () => {
    const home = scratchDir("bin-help-home");
    try {
      const r = spawnSync(
        process.execPath,
        ["--require", hook, path.join(ROOT, manifest.bin["registry-platform-drill"]), "--stack", "dev"],
        { encoding: "utf8", env: { PATH: process.env.PATH, HOME: home } },
      );
      assert.strictEqual(r.status, 2, r.stderr);
      assert.ok(loadedCount(r.stderr) > 50, r.stderr);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it("every bin answers --help with its usage line, without loading the SDK or zod", () => {
    for (const bin of Object.keys(manifest.bin)) {
      const r = help(bin);
      assert.strictEqual(r.status, 0, `${bin}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^usage: ${bin.replace("registry-platform-", "")} `), bin);
      assert.strictEqual(r.stderr, "loaded 0\n", bin);
    }
  });
});
