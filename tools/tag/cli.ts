/**
 * `npm run tag -- --version 1.2.3 --sha <sha> [--date <ISO date>]` prints the build tag
 * `v1.2.3-YYYYMMDD-<sha7>` (UTC date of now, or of --date); `--release` prints `v1.2.3`.
 * `npm run tag -- --check <tag>` exits 0 for a release or build tag, 1 with the reason otherwise.
 * Usage errors (unknown argument, missing or malformed value) exit 64, as in every command (README, "Exit statuses").
 */
import { buildTag, checkTag, parseTagDate, releaseTag } from "../../components/policy/tags";
import { repeatedOption, repeatedOptionProblem } from "../run";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const USAGE =
  "usage: npm run tag -- --version <x.y.z> --sha <commit> [--date <YYYY-MM-DD | ISO date-time with zone>] [--release]\n" +
  "       npm run tag -- --check <tag>";

export function runTagCli(argv: readonly string[], now: () => Date = () => new Date()): CliResult {
  const opts: Record<string, string | true> = {};
  const twice = repeatedOption(argv);
  if (twice) return usage(repeatedOptionProblem(twice));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") opts.help = true;
    else if (a === "--release") opts.release = true;
    else if (["--version", "--sha", "--date", "--check"].includes(a)) {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith("--")) return usage(`${a} needs a value`);
      opts[a.slice(2)] = v;
      i++;
    } else return usage(`unknown argument "${a}"`);
  }
  if (opts.help) return { code: 0, stdout: `${USAGE}\n`, stderr: "" };
  if (typeof opts.check === "string") {
    const others = Object.keys(opts).filter((k) => k !== "check");
    if (others.length)
      return usage(`--check takes no other option; found ${others.map((k) => `--${k}`).join(", ")}`);
    const r = checkTag(opts.check);
    return r.ok
      ? { code: 0, stdout: `${r.kind} tag\n`, stderr: "" }
      : { code: 1, stdout: "", stderr: `rejected: ${r.reason}\n` };
  }
  if (typeof opts.version !== "string") return usage("--version is required");
  try {
    const date = typeof opts.date === "string" ? parseTagDate(opts.date) : { ok: true as const, at: now() };
    if (!date.ok) return usage(`--date: ${date.reason}`);
    if (opts.release) {
      // --sha and --date, when given, are checked too: a CI job passes the same options for both tags.
      if (typeof opts.sha === "string") buildTag(opts.version, opts.sha, date.at);
      return { code: 0, stdout: `${releaseTag(opts.version)}\n`, stderr: "" };
    }
    if (typeof opts.sha !== "string") return usage("--sha is required for a build tag (or --release)");
    return { code: 0, stdout: `${buildTag(opts.version, opts.sha, date.at)}\n`, stderr: "" };
  } catch (e) {
    return usage((e as Error).message);
  }
}

function usage(problem: string): CliResult {
  return { code: 64, stdout: "", stderr: `${problem}\n${USAGE}\n` };
}

if (require.main === module) {
  const r = runTagCli(process.argv.slice(2));
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  process.exitCode = r.code;
}
