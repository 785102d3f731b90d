/**
 * `pulumi preview --policy-pack ./policy` on a deployed stack, shared by the platform and app e2e: builds the
 * pack, runs the preview with the pack's config, and, where this machine's language host cannot `RunPlugin`,
 * runs it again through the pack's launcher script (`policy/analyzer.sh`).
 */
import * as assert from "assert";
import * as path from "path";
import { failure, run, RunResult } from "./proc";
import { ROOT } from "./settings";

export interface PackPreview {
  /** The preview's result (exit status checked by the caller). */
  result: RunResult;
  /** stdout and stderr together. */
  output: string;
  /** How the pack was started. */
  launcher: "directory" | "analyzer.sh";
}

/** Builds the pack and previews with it through `preview` (`pulumi <args>` on the caller's stack). */
export async function previewWithPolicyPack(
  preview: (args: string[]) => Promise<RunResult>,
): Promise<PackPreview> {
  const pack = path.join(ROOT, "policy");
  const build = await run("npm", ["--prefix", pack, "run", "build"], { cwd: ROOT });
  assert.strictEqual(build.code, 0, failure(build));
  const config = path.join(pack, "config", "registry-platform.json");
  const args = (p: string) => ["preview", "--policy-pack", p, "--policy-pack-config", config];
  let result = await preview(args(pack));
  let launcher: PackPreview["launcher"] = "directory";
  if (result.code !== 0 && /RunPlugin|Unimplemented/i.test(`${result.stdout}\n${result.stderr}`)) {
    result = await preview(args(path.join(pack, "analyzer.sh")));
    launcher = "analyzer.sh";
  }
  return { result, output: `${result.stdout}\n${result.stderr}`, launcher };
}
