#!/usr/bin/env node
/**
 * `npm run bench [-- --runs N --stack S --only ratio|scaling|peers --peers N,M --replica R]`: runs each
 * variant in fresh Node processes (alternating them), prints the median stage breakdown and checks the targets
 * (see report.ts). Replicas the stack reads with `StackReference` are synthesized first (deploy order);
 * `--only peers` measures the stack with `--peers` replication peers (copies of `--replica`'s outputs).
 * Exit status: 0 every target met, 1 a target missed or a synth failed, 64 bad arguments.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { preparePeerOutputs } from "./peers";
import { render, SCALING_PROJECTS } from "./report";
import type { Sample } from "./stages";

const USAGE =
  "usage: bench [--runs N] [--stack S] [--only ratio|scaling|peers] [--peers N,M,...] [--replica R]";

function sample(variant: string, stack: string, peerOutputs: string): Sample {
  const out = execFileSync(
    process.execPath,
    [path.join(__dirname, "child.js"), variant, stack, peerOutputs],
    {
      encoding: "utf8",
    },
  );
  return JSON.parse(out.trim().split("\n").pop() ?? "") as Sample;
}

export interface BenchArgs {
  runs: number;
  stack: string;
  variants: string[];
  /** The replica whose outputs the `peers-<N>` variants copy. */
  replica: string;
  peers: number;
}

export function parseArgs(argv: string[]): BenchArgs {
  let runs = 5;
  let stack = "prod-apne2";
  let replica = "prod-apne1";
  let peers = [1, 5];
  let only: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--runs") runs = Number(argv[++i]);
    else if (argv[i] === "--stack") stack = argv[++i] ?? "";
    else if (argv[i] === "--only") only = argv[++i];
    else if (argv[i] === "--peers") peers = (argv[++i] ?? "").split(",").map(Number);
    else if (argv[i] === "--replica") replica = argv[++i] ?? "";
    else throw new Error(`unknown argument ${argv[i]}; ${USAGE}`);
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: allowed: a whole number >= 1; ${USAGE}`);
  for (const [flag, v] of [
    ["--stack", stack],
    ["--replica", replica],
  ] as const)
    if (!/^[A-Za-z0-9._-]+$/.test(v))
      throw new Error(`${flag}: found ${JSON.stringify(v)}; allowed: [A-Za-z0-9._-]+; ${USAGE}`);
  if (peers.length === 0 || peers.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`--peers: allowed: whole numbers >= 1, comma-separated (e.g. 1,5); ${USAGE}`);
  const ratio = ["baseline", "platform", "floor"];
  const scaling = [`projects-${SCALING_PROJECTS.few}`, `projects-${SCALING_PROJECTS.many}`];
  if (only !== undefined && only !== "ratio" && only !== "scaling" && only !== "peers")
    throw new Error(`--only: found ${JSON.stringify(only)}; allowed: ratio, scaling, peers; ${USAGE}`);
  const variants =
    only === "ratio"
      ? ratio
      : only === "scaling"
        ? scaling
        : only === "peers"
          ? ["baseline", ...peers.map((n) => `peers-${n}`)]
          : [...ratio, ...scaling];
  return { runs, stack, variants, replica, peers: only === "peers" ? Math.max(...peers) : 0 };
}

export function main(argv: string[]): number {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    return 64;
  }
  const peerOutputs = preparePeerOutputs(
    args.stack,
    args.replica,
    args.peers,
    args.variants.includes("floor"),
  );
  try {
    const all: Record<string, Sample[]> = Object.fromEntries(args.variants.map((v) => [v, []]));
    sample("baseline", args.stack, peerOutputs); // warm the file cache
    for (let i = 0; i < args.runs; i++)
      for (const v of args.variants) all[v].push(sample(v, args.stack, peerOutputs));
    const { text, ok } = render(args.stack, args.runs, all);
    process.stdout.write(text);
    return ok ? 0 : 1;
  } catch (e) {
    process.stderr.write(`bench: a synth failed: ${(e as Error).message}\n`);
    return 1;
  } finally {
    fs.rmSync(peerOutputs, { recursive: true, force: true });
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
