/**
 * Child processes for the end-to-end suite. Always asynchronous: the fake Harbor and the ingress stand-in run
 * in the mocha process and must keep answering while `pulumi` runs.
 */
import { spawn } from "child_process";

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, then stdin is closed. */
  input?: string;
  /** Kill the process (SIGTERM, then SIGKILL) after this long. Default 10 min. */
  timeoutMs?: number;
  /** How the command appears in results and errors (e.g. with a secret argument replaced). */
  display?: string;
}

export interface RunResult {
  command: string;
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

/** Runs `cmd args`; never throws for a non-zero exit (the caller decides). */
export function run(cmd: string, args: string[], o: RunOptions = {}): Promise<RunResult> {
  const t0 = Date.now();
  const command = o.display ?? [cmd, ...args].map(shellQuote).join(" ");
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd: o.cwd, env: o.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      p.kill("SIGTERM");
      setTimeout(() => p.kill("SIGKILL"), 5000).unref();
    }, o.timeoutMs ?? 600_000);
    p.stdout.on("data", (c: Buffer) => out.push(c));
    p.stderr.on("data", (c: Buffer) => err.push(c));
    p.on("error", (e) => {
      clearTimeout(timer);
      resolve({ command, code: 127, stdout: "", stderr: e.message, ms: Date.now() - t0, timedOut });
    });
    p.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({
        command,
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        ms: Date.now() - t0,
        timedOut,
      });
    });
    p.stdin.on("error", () => undefined);
    p.stdin.end(o.input ?? "");
  });
}

/** Like {@link run}, but a non-zero exit throws with the command and the tail of its output. */
export async function runOk(cmd: string, args: string[], o: RunOptions = {}): Promise<RunResult> {
  const r = await run(cmd, args, o);
  if (r.code !== 0) throw new Error(failure(r));
  return r;
}

/** `<command>` exited N: last lines of stderr and stdout. */
export function failure(r: RunResult): string {
  const tail = (s: string) => s.trim().split("\n").slice(-30).join("\n");
  return (
    `\`${r.command}\` ${r.timedOut ? "timed out" : `exited ${r.code}`} after ${(r.ms / 1000).toFixed(1)} s` +
    (r.stderr.trim() ? `\n--- stderr (tail)\n${tail(r.stderr)}` : "") +
    (r.stdout.trim() ? `\n--- stdout (tail)\n${tail(r.stdout)}` : "")
  );
}

export function shellQuote(s: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  const short = s.length > 80 ? `${s.slice(0, 60)}…(${s.length} chars)` : s;
  return `'${short.replace(/'/g, `'\\''`)}'`;
}
