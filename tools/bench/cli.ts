/**
 * `npm run bench [-- --runs N --stack S]`: median wall time (process start → synth done) of the platform's
 * synth of a stack against a one-bucket program on the same mock engine and SDK imports, in fresh Node
 * processes, alternating them. Target: ratio ≤ 1.3. A third variant turns the Harbor API resources off, to
 * show the share of Pulumi's closure serialization of their dynamic provider.
 */
import { execFileSync } from "child_process";
import * as path from "path";

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function sample(which: string, stack: string): number {
  const out = execFileSync(process.execPath, [path.join(__dirname, "child.js"), which, stack], {
    encoding: "utf8",
  });
  return Number(out.trim().split("\n").pop());
}

const USAGE = "usage: bench [--runs N] [--stack S]";

/** A malformed command line: exit 64 with one line. */
class UsageError extends Error {}

function main(argv: string[]): void {
  let runs = 7;
  let stack = "prod-apne2";
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--runs") runs = Number(argv[++i]);
    else if (argv[i] === "--stack") stack = argv[++i] ?? "";
    else throw new UsageError(`bench: unknown argument ${argv[i]}; ${USAGE}`);
  }
  if (!Number.isInteger(runs) || runs < 1)
    throw new UsageError(`bench: --runs: allowed: a whole number >= 1; ${USAGE}`);
  if (!/^[A-Za-z0-9._-]+$/.test(stack))
    throw new UsageError(`bench: --stack: found ${JSON.stringify(stack)}; allowed: [A-Za-z0-9._-]+`);
  const platform: number[] = [];
  const withoutHc: number[] = [];
  const baseline: number[] = [];
  sample("baseline", stack); // warm the file cache
  for (let i = 0; i < runs; i++) {
    baseline.push(sample("baseline", stack));
    platform.push(sample("platform", stack));
    withoutHc.push(sample("platform-without-harbor-config", stack));
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
