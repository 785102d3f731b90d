/** What the plan-diff CLI tests share: writing a synth's output for a stack, and running the CLI. */
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { StackSnapshot } from "../../tools/synth/diff";
import { ROOT } from "../harness";

const CLI = path.join(ROOT, "dist", "tools", "synth", "diff.js");

/** Writes `snap` into `dir` as the synth writes a stack (`resources.json`, `outputs.json`). */
export function writeSnapshot(dir: string, snap: StackSnapshot): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "resources.json"), JSON.stringify(snap.resources));
  fs.writeFileSync(path.join(dir, "outputs.json"), JSON.stringify(snap.outputs));
}

/** Runs the plan-diff CLI with `args`. */
export function runPlanDiff(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
}
