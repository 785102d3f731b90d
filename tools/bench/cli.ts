/**
 * `npm run bench [-- --runs N --stack S]`: median wall time (process start → synth done) of the platform's
 * synth of a stack against a one-bucket program on the same mock engine and SDK imports, in fresh Node
 * processes, alternating them. Target: ratio ≤ 1.3. A third variant turns the Harbor API resources off, to
 * show the share of Pulumi's closure serialization of their dynamic provider. Replicas the stack reads with
 * `StackReference` are synthesized first (deploy order). `--peers 1,5` instead measures the stack with 1 and 5
 * replication peers (copies of `--replica`'s outputs).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readStackConfig, stackFilePath } from "../synth/stackfile";
import { ROOT } from "../synth/synth";

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function sample(which: string, stack: string, peerOutputs: string): number {
  const out = execFileSync(process.execPath, [path.join(__dirname, "child.js"), which, stack, peerOutputs], {
    encoding: "utf8",
  });
  return Number(out.trim().split("\n").pop());
}

/**
 * A directory of peer outputs for the primary's StackReferences: a synth of each replica the stack lists, and
 * `bench-peer-1..n`, copies of `template`'s outputs with their own URL and bucket.
 */
export function preparePeerOutputs(stack: string, template: string, n: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-peers-"));
  const text = readStackConfig(stackFilePath(ROOT, stack)).config["registry-platform:replication"];
  const listed = ((text ? (JSON.parse(text) as { peers?: { stack: string }[] }).peers : undefined) ?? []).map(
    (p) => p.stack.split("/").pop()!,
  );
  const cli = path.join(__dirname, "..", "synth", "cli.js");
  for (const replica of new Set([...listed, ...(n > 0 ? [template] : [])]))
    execFileSync(process.execPath, [cli, "--stack", replica, "--out", dir, "--quiet"], { stdio: "ignore" });
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

const USAGE = "usage: bench [--runs N] [--stack S] [--peers N,M,... [--replica R]]";

/** A malformed command line: exit 64 with one line. */
class UsageError extends Error {}

function main(argv: string[]): void {
  let runs = 7;
  let stack = "prod-apne2";
  let peers: number[] = [];
  let replica = "prod-apne1";
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--runs") runs = Number(argv[++i]);
    else if (argv[i] === "--stack") stack = argv[++i] ?? "";
    else if (argv[i] === "--peers") peers = (argv[++i] ?? "").split(",").map(Number);
    else if (argv[i] === "--replica") replica = argv[++i] ?? "";
    else throw new UsageError(`bench: unknown argument ${argv[i]}; ${USAGE}`);
  }
  if (!Number.isInteger(runs) || runs < 1)
    throw new UsageError(`bench: --runs: allowed: a whole number >= 1; ${USAGE}`);
  for (const [flag, v] of [
    ["--stack", stack],
    ["--replica", replica],
  ] as const)
    if (!/^[A-Za-z0-9._-]+$/.test(v))
      throw new UsageError(`bench: ${flag}: found ${JSON.stringify(v)}; allowed: [A-Za-z0-9._-]+`);
  if (peers.some((n) => !Number.isInteger(n) || n < 1))
    throw new UsageError(`bench: --peers: allowed: whole numbers >= 1, comma-separated (e.g. 1,5); ${USAGE}`);
  const peerOutputs = preparePeerOutputs(stack, replica, Math.max(0, ...peers));
  try {
    if (peers.length > 0) benchPeers(runs, stack, peers, peerOutputs);
    else benchPlatform(runs, stack, peerOutputs);
  } finally {
    fs.rmSync(peerOutputs, { recursive: true, force: true });
  }
}

/** Synth time of the stack with 1, 5, ... replication peers (each a StackReference, endpoint, policies, S3 rule). */
function benchPeers(runs: number, stack: string, peers: number[], peerOutputs: string): void {
  const samples = new Map<number, number[]>(peers.map((n) => [n, []]));
  const baseline: number[] = [];
  sample("baseline", stack, peerOutputs);
  for (let i = 0; i < runs; i++) {
    baseline.push(sample("baseline", stack, peerOutputs));
    for (const n of peers) samples.get(n)!.push(sample(`platform-peers-${n}`, stack, peerOutputs));
  }
  const lines = [
    `stack ${stack} with N replication peers, ${runs} runs each (fresh node process per run, wall ms from process start)`,
    `  baseline (one bucket): median ${median(baseline).toFixed(0)} ms  [${baseline.map((x) => x.toFixed(0)).join(", ")}]`,
  ];
  for (const n of peers) {
    const xs = samples.get(n)!;
    lines.push(
      `  ${String(n).padStart(2)} peer${n === 1 ? " " : "s"}: median ${median(xs).toFixed(0)} ms  [${xs.map((x) => x.toFixed(0)).join(", ")}]`,
    );
  }
  process.stdout.write(lines.join("\n") + "\n");
}

function benchPlatform(runs: number, stack: string, peerOutputs: string): void {
  const platform: number[] = [];
  const withoutHc: number[] = [];
  const baseline: number[] = [];
  sample("baseline", stack, peerOutputs); // warm the file cache
  for (let i = 0; i < runs; i++) {
    baseline.push(sample("baseline", stack, peerOutputs));
    platform.push(sample("platform", stack, peerOutputs));
    withoutHc.push(sample("platform-without-harbor-config", stack, peerOutputs));
  }
  const p = median(platform);
  const b = median(baseline);
  const ratio = p / b;
  const w = median(withoutHc);
  process.stdout.write(
    [
      `stack ${stack}, ${runs} runs each (fresh node process per run, wall ms from process start)`,
      `  baseline (one bucket): median ${b.toFixed(0)} ms  [${baseline.map((x) => x.toFixed(0)).join(", ")}]`,
      `  platform synth:        median ${p.toFixed(0)} ms  [${platform.map((x) => x.toFixed(0)).join(", ")}]`,
      `  platform synth without the Harbor API resources: median ${w.toFixed(0)} ms  [${withoutHc.map((x) => x.toFixed(0)).join(", ")}]`,
      `  ratio ${ratio.toFixed(2)} (target <= 1.30) ${ratio <= 1.3 ? "OK" : "OVER TARGET"}; without the Harbor API resources ${(w / b).toFixed(2)}`,
    ].join("\n") + "\n",
  );
}

// Exit status: 0 measured, 1 a synth failed, 64 the command line is malformed.
try {
  main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`${e instanceof UsageError ? e.message : String((e as Error).stack ?? e)}\n`);
  process.exit(e instanceof UsageError ? 64 : 1);
}
