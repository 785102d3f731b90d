#!/usr/bin/env node
/**
 * `npm run bench [-- --runs N --stack S --only ratio|scaling]`: runs each variant in fresh Node processes
 * (alternating them), prints the median stage breakdown and checks the targets (see report.ts). Exit status:
 * 0 every target met, 1 a target missed, 64 bad arguments.
 */
import { execFileSync } from "child_process";
import * as path from "path";
import { render, SCALING_PROJECTS } from "./report";
import type { Sample } from "./stages";

const USAGE = "usage: bench [--runs N] [--stack S] [--only ratio|scaling]";

function sample(variant: string, stack: string): Sample {
  const out = execFileSync(process.execPath, [path.join(__dirname, "child.js"), variant, stack], {
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").pop() ?? "") as Sample;
}

export function parseArgs(argv: string[]): { runs: number; stack: string; variants: string[] } {
  let runs = 5;
  let stack = "prod-apne2";
  let only: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--runs") runs = Number(argv[++i]);
    else if (argv[i] === "--stack") stack = argv[++i] ?? "";
    else if (argv[i] === "--only") only = argv[++i];
    else throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: allowed: a whole number >= 1\n${USAGE}`);
  if (!/^[A-Za-z0-9._-]+$/.test(stack)) throw new Error(`--stack: allowed: [A-Za-z0-9._-]+\n${USAGE}`);
  const ratio = ["baseline", "platform"];
  const scaling = [`projects-${SCALING_PROJECTS.few}`, `projects-${SCALING_PROJECTS.many}`];
  if (only !== undefined && only !== "ratio" && only !== "scaling")
    throw new Error(`--only: found ${JSON.stringify(only)}; allowed: ratio, scaling\n${USAGE}`);
  const variants = only === "ratio" ? ratio : only === "scaling" ? scaling : [...ratio, ...scaling];
  return { runs, stack, variants };
}

export function main(argv: string[]): number {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 64;
  }
  const all: Record<string, Sample[]> = Object.fromEntries(args.variants.map((v) => [v, []]));
  sample("baseline", args.stack); // warm the file cache
  for (let i = 0; i < args.runs; i++) for (const v of args.variants) all[v].push(sample(v, args.stack));
  const { text, ok } = render(args.stack, args.runs, all);
  process.stdout.write(text);
  return ok ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
