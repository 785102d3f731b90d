/** Peer outputs for the benchmark's primary stacks: what their `StackReference`s read. */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readStackConfig, stackFilePath } from "../synth/stackfile";
import { ROOT } from "../synth/root";

/**
 * A directory of peer outputs for the primary's StackReferences: a synth of each replica the stack lists, and
 * `bench-peer-1..n`, copies of `template`'s outputs with their own URL and bucket. With `withStack`, also a synth
 * of the stack itself (after its replicas, whose outputs it reads): the `floor` variant registers what it recorded.
 */
export function preparePeerOutputs(stack: string, template: string, n: number, withStack = false): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-peers-"));
  const text = readStackConfig(stackFilePath(ROOT, stack)).config["registry-platform:replication"];
  const listed = ((text ? (JSON.parse(text) as { peers?: { stack: string }[] }).peers : undefined) ?? []).map(
    (p) => p.stack.split("/").pop()!,
  );
  const cli = path.join(__dirname, "..", "synth", "cli.js");
  for (const s of new Set([...listed, ...(n > 0 ? [template] : []), ...(withStack ? [stack] : [])]))
    execFileSync(process.execPath, [cli, "--stack", s, "--out", dir, "--quiet"], { stdio: "ignore" });
  const base = n > 0 ? fs.readFileSync(path.join(dir, template, "outputs.json"), "utf8") : "";
  for (let i = 1; i <= n; i++) {
    const name = `bench-peer-${i}`;
    fs.mkdirSync(path.join(dir, name), { recursive: true });
    fs.writeFileSync(
      path.join(dir, name, "outputs.json"),
      base.split(template).join(name).split("registry.apne1.").join(`registry.${name}.`),
    );
  }
  return dir;
}
