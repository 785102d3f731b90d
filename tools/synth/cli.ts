/**
 * `npm run synth -- --stack <name> [--config-file <path>] [--out <dir>] [--peer-outputs <dir>] [--quiet]`
 * (`--out` default: `out` in the working directory, the project root under npm)
 *
 * Writes `<out>/<stack>/resources.json` and `outputs.json` (secrets as "[secret]") and prints the resource
 * tree. The outputs are written to a temporary directory next to `<out>/<stack>/` and renamed over it only
 * after the synth succeeded, so a failed synth leaves the previous `<out>/<stack>/` as it was (the "before"
 * side of a plan diff).
 *
 * Exit status: 0 success; 1 the program failed for another reason (a bug: message and stack trace);
 * 2 the stack or its config is wrong (unknown stack, missing or malformed file, invalid config: every
 * problem listed, no stack trace); 64 the command line is malformed (unknown argument, missing value).
 * `StackReference`s (a primary reading its replicas) are answered from `<peer-outputs>/<stack>/outputs.json`,
 * by default the `--out` directory: synthesize the replicas first. A missing peer synth or peer output is
 * exit 2, one line naming the peer.
 *
 * The program, the mock engine and the Pulumi SDK (~1 s to load) are loaded only once the command line and the
 * stack file are read: a usage error, an unknown stack or a malformed file is answered at once.
 */
// First, before anything loads the Pulumi SDK (../startup.ts).
import "../startup";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "./root";
import { listStacks, readStackConfig, StackConfig, StackFileError, stackFilePath } from "./stackfile";
import { repeatedOption, repeatedOptionProblem, wantsHelp } from "../run";

interface Args {
  stack: string;
  configFile?: string;
  out: string;
  /** Where earlier synths of referenced stacks are. Default: `out`. */
  peerOutputs?: string;
  quiet: boolean;
}

const USAGE =
  "usage: synth --stack <name> [--config-file <path>] [--out <dir>] [--peer-outputs <dir>] [--quiet]";

/** Exit statuses of the synth CLI. */
export const EXIT = { ok: 0, failed: 1, config: 2, usage: 64 } as const;

export function parseArgs(argv: string[]): Args {
  // `out/` in the working directory (npm scripts run in the project root): an installed package's bin must not
  // write into node_modules.
  const a: Partial<Args> = { out: path.resolve("out"), quiet: false };
  const twice = repeatedOption(argv);
  if (twice) throw new Error(`${repeatedOptionProblem(twice)}\n${USAGE}`);
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined || v === "" || v.startsWith("--")) throw new Error(`${k} needs a value\n${USAGE}`);
      return v;
    };
    if (k === "--stack") a.stack = next();
    else if (k === "--config-file") a.configFile = path.resolve(next());
    else if (k === "--out") a.out = path.resolve(next());
    else if (k === "--peer-outputs") a.peerOutputs = path.resolve(next());
    else if (k === "--quiet") a.quiet = true;
    else throw new Error(`unknown argument ${k}\n${USAGE}`);
  }
  if (!a.stack) throw new Error(`--stack is required\n${USAGE}`);
  // "." and ".." would make <out>/<stack> the out directory itself or its parent, which the synth replaces whole.
  if (!/^[A-Za-z0-9._-]+$/.test(a.stack) || a.stack === "." || a.stack === "..")
    throw new Error(`--stack: found ${JSON.stringify(a.stack)}; allowed: [A-Za-z0-9._-]+, not "." or ".."`);
  return a as Args;
}

/** The stack's config, or a one-line {@link StackFileError} naming the file and the stacks that exist. */
export function loadStackConfig(args: { stack: string; configFile?: string }, root = ROOT): StackConfig {
  const stacks = `stacks: ${listStacks(root).join(", ") || "none"}`;
  if (args.configFile !== undefined) {
    if (!fs.existsSync(args.configFile))
      throw new StackFileError(`synth: --config-file ${args.configFile} does not exist (${stacks})`);
    return readStackConfig(args.configFile);
  }
  const file = stackFilePath(root, args.stack);
  if (!fs.existsSync(file))
    throw new StackFileError(
      `synth: no stack "${args.stack}": ${path.relative(root, file)} does not exist (${stacks}; or give --config-file <path>)`,
    );
  return readStackConfig(file);
}

/** What a synth writes into `<out>/<stack>/`; that directory is replaced whole. */
const SYNTH_FILES = ["resources.json", "outputs.json"];

/**
 * Refuses an existing `<out>/<stack>` that is not a synth output (it would be replaced whole: e.g. `--out .` with
 * a stack named like a source folder), as a one-line {@link StackFileError}.
 */
export function checkOutDir(dir: string): void {
  if (!fs.existsSync(dir)) return;
  const shown = path.relative(process.cwd(), dir) || dir;
  if (!fs.statSync(dir).isDirectory())
    throw new StackFileError(`synth: ${shown} exists and is not a directory; choose another --out`);
  const other = fs.readdirSync(dir).filter((n) => !SYNTH_FILES.includes(n));
  if (other.length > 0)
    throw new StackFileError(
      `synth: ${shown} holds files a synth did not write (${other.slice(0, 3).join(", ")}${other.length > 3 ? ", …" : ""}); ` +
        `a synth replaces that directory whole: choose another --out, or remove them`,
    );
}

/**
 * Writes `files` into `dir` as one step: into a fresh temporary sibling directory first, then renamed over
 * `dir` (the previous `dir` is moved aside and removed only after the rename succeeded).
 */
export function writeDirAtomically(dir: string, files: Record<string, string>): void {
  const parent = path.dirname(dir);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(dir)}.tmp-`));
  try {
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(tmp, name), text);
    const old = fs.existsSync(dir) ? `${tmp}.old` : undefined;
    if (old) fs.renameSync(dir, old);
    fs.renameSync(tmp, dir);
    if (old) fs.rmSync(old, { recursive: true, force: true });
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

export async function main(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return EXIT.usage;
  }
  const dir = path.join(args.out, args.stack);
  try {
    checkOutDir(dir);
    const stackConfig = loadStackConfig(args);
    const { synth } = await import("./synth");
    const { outputsDoc, renderTree, resourceDocs } = await import("./render");
    const started = process.hrtime.bigint();
    const result = await synth({
      stack: args.stack,
      stackConfig,
      peerOutputsDir: args.peerOutputs ?? args.out,
      peerOutputsOwnProject: args.peerOutputs === undefined,
    });
    const docs = resourceDocs(result);
    writeDirAtomically(dir, {
      "resources.json": JSON.stringify(docs, null, 2) + "\n",
      "outputs.json": JSON.stringify(outputsDoc(result), null, 2) + "\n",
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (!args.quiet) process.stdout.write(`${renderTree(docs)}\n\n`);
    if (result.standIns.length > 0)
      process.stdout.write(
        `offline stand-ins (not real secrets; a real deployment sets them with pulumi config set --secret): ${result.standIns.join(", ")}\n`,
      );
    process.stdout.write(
      `synth ${args.stack}: ${docs.length} resources in ${ms.toFixed(0)} ms → ${path.relative(process.cwd(), dir) || dir}\n`,
    );
    return EXIT.ok;
  } catch (e) {
    if (e instanceof StackFileError) {
      process.stderr.write(`${e.message.startsWith("synth:") ? "" : "synth: "}${e.message}\n`);
      return EXIT.config;
    }
    const { ConfigError } = await import("../../config/errors");
    if (e instanceof ConfigError) {
      process.stderr.write(`synth ${args.stack}: ${e.message}\n`);
      return EXIT.config;
    }
    const peer = peerProblem(e);
    if (peer) {
      process.stderr.write(`synth ${args.stack}: ${peer}\n`);
      return EXIT.config;
    }
    process.stderr.write(`synth ${args.stack} failed: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT.failed;
  }
}

/**
 * A peer stack's outputs that are missing (no earlier synth of the peer, or an output it does not have), as one
 * line without the SDK's wrapping ("error serializing property …", "failed to read resource …").
 */
export function peerProblem(e: unknown): string | undefined {
  const msg = e instanceof Error ? e.message : String(e);
  const m = /(peer stack \S+: .*)/.exec(msg);
  return m ? m[1].split("\n")[0] : undefined;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`${String(e)}\n`);
      process.exit(1);
    },
  );
}
