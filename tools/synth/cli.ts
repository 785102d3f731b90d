/**
 * `npm run synth -- --stack <name> [--config-file <path>] [--out <dir>] [--peer-outputs <dir>] [--quiet]`
 *
 * Writes `<out>/<stack>/resources.json` and `outputs.json` (secrets as "[secret]") and prints the resource
 * tree. Invalid config: exit status 2, every problem on stderr, no output files left behind.
 * `StackReference`s (a primary reading its replicas) are answered from `<peer-outputs>/<stack>/outputs.json`,
 * by default the `--out` directory: synthesize the replicas first.
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../../config/errors";
import { outputsDoc, renderTree, resourceDocs } from "./render";
import { ROOT, synth } from "./synth";

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

export function parseArgs(argv: string[]): Args {
  const a: Partial<Args> = { out: path.join(ROOT, "out"), quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${k} needs a value\n${USAGE}`);
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
  if (!/^[A-Za-z0-9._-]+$/.test(a.stack))
    throw new Error(`--stack: found ${JSON.stringify(a.stack)}; allowed: [A-Za-z0-9._-]+`);
  return a as Args;
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 64;
  }
  const dir = path.join(args.out, args.stack);
  const files = [path.join(dir, "resources.json"), path.join(dir, "outputs.json")];
  for (const f of files) fs.rmSync(f, { force: true });
  const started = process.hrtime.bigint();
  try {
    const result = await synth({
      stack: args.stack,
      configFile: args.configFile,
      peerOutputsDir: args.peerOutputs ?? args.out,
    });
    const docs = resourceDocs(result);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(files[0], JSON.stringify(docs, null, 2) + "\n");
    fs.writeFileSync(files[1], JSON.stringify(outputsDoc(result), null, 2) + "\n");
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (!args.quiet) process.stdout.write(`${renderTree(docs)}\n\n`);
    process.stdout.write(
      `synth ${args.stack}: ${docs.length} resources in ${ms.toFixed(0)} ms → ${path.relative(process.cwd(), dir) || dir}\n`,
    );
    return 0;
  } catch (e) {
    for (const f of files) fs.rmSync(f, { force: true });
    if (e instanceof ConfigError) {
      process.stderr.write(`synth ${args.stack}: ${e.message}\n`);
      return 2;
    }
    const peer = peerProblem(e);
    if (peer) {
      process.stderr.write(`synth ${args.stack}: ${peer}\n`);
      return 2;
    }
    process.stderr.write(`synth ${args.stack} failed: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

/**
 * A peer stack's outputs that are missing (no earlier synth of the peer, or an output it does not have), as one
 * line without the SDK's wrapping ("error serializing property …", "failed to read resource …").
 */
export function peerProblem(e: unknown): string | undefined {
  const msg = e instanceof Error ? e.message : String(e);
  const m = /(peer stack \S+: .*|Required output '[^']+' does not exist on stack '[^']+'\.?)/.exec(msg);
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
