/**
 * Which heavy modules a child process loaded: a `--require` hook that, at exit, writes `loaded <n>\n` to stderr,
 * n being how many files in `require.cache` start with one of the given prefixes — less the stand-in
 * `tools/defer-typescript.ts` puts there, which loaded no file. Used to check that a CLI answers a mistake or
 * `--help` without loading the Pulumi SDK (the synth CLI, the bins).
 */
import * as fs from "fs";
import { DEFERRED_MODULE_ID } from "../../tools/defer-typescript";

/** Writes the hook to `file` (pass it as `node --require <file>`); returns `file`. */
export function writeLoadedHook(file: string, prefixes: string[]): string {
  fs.writeFileSync(
    file,
    `const heavy = ${JSON.stringify(prefixes)};\n` +
      `const deferred = ${JSON.stringify(DEFERRED_MODULE_ID)};\n` +
      `process.on("exit", () => process.stderr.write("loaded " + Object.entries(require.cache).filter(([f, m]) => m.id !== deferred && heavy.some((h) => f.startsWith(h))).length + "\\n"));\n`,
  );
  return file;
}

/** The count the hook wrote at the end of a process's stderr; NaN when it is not there. */
export function loadedCount(stderr: string): number {
  return loadedCounts(stderr, 1)[0];
}

/**
 * The counts of the last `n` hooks (in the order they were given with `--require`), written at the end of a
 * process's stderr; NaN for a count that is not there.
 */
export function loadedCounts(stderr: string, n: number): number[] {
  const lines = stderr.endsWith("\n") ? stderr.slice(0, -1).split("\n").slice(-n) : [];
  return Array.from({ length: n }, (_, i) => Number(/loaded (\d+)$/.exec(lines[i] ?? "")?.[1]));
}
