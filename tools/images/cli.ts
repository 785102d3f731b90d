/**
 * `npm run images -- --stack <name> [--config-file <path>] [--json]`
 *
 * Lists every image, Trivy database and chart the stack deploys, with the reference the cluster pulls (under
 * `registry-platform:images.mirror`) and each chart's published sha256: what to copy into an air gap. Reads
 * the stack file only (no engine, no credentials); secrets are neither needed nor read (missing ones get the
 * offline synth's stand-ins). Exit 0 listed; 2 unknown stack, missing or malformed file, invalid config (every
 * problem listed); 64 bad arguments.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs as nodeParseArgs } from "util";
import { ConfigError } from "../../config/errors";
import { parsePlatformConfig } from "../../config/parse";
import {
  listStacks,
  readStackConfig,
  StackConfig,
  stackConfigSource,
  stackFilePath,
} from "../synth/stackfile";
import { withOfflineStandIns } from "../synth/stand-ins";
import { projectName, ROOT } from "../synth/synth";
import { repeatedOption, repeatedOptionProblem } from "../run";
import { imagesReport, renderImagesReport } from "./report";

const USAGE = "usage: images --stack <name> [--config-file <path>] [--json]";

/** Exit statuses, as in every CLI of the project. */
export const EXIT = { ok: 0, config: 2, usage: 64 } as const;

/** Where the CLI writes (process.stdout / stderr, or a test's buffer). */
export interface Sink {
  write(text: string): unknown;
}

class UsageError extends Error {}

/** The stack file's config, or an error naming the file and the stacks that exist. */
function readStack(stack: string, configFile: string | undefined): StackConfig {
  const stacks = `stacks: ${listStacks(ROOT).join(", ") || "none"}`;
  const file = configFile ?? stackFilePath(ROOT, stack);
  if (!fs.existsSync(file))
    throw new Error(
      configFile !== undefined
        ? `--config-file ${file} does not exist (${stacks})`
        : `no stack "${stack}": ${path.relative(ROOT, file)} does not exist (${stacks}; or give --config-file <path>)`,
    );
  return readStackConfig(file);
}

export function main(argv: string[], out: Sink = process.stdout, err: Sink = process.stderr): number {
  let v: { stack?: string; "config-file"?: string; json?: boolean; help?: boolean };
  try {
    const twice = repeatedOption(argv);
    if (twice) throw new UsageError(repeatedOptionProblem(twice));
    v = nodeParseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        stack: { type: "string" },
        "config-file": { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
    if (v.help) {
      out.write(`${USAGE}\n`);
      return EXIT.ok;
    }
    if (v["config-file"] === "") throw new UsageError("--config-file needs a value");
    if (!v.stack) throw new UsageError("--stack is required");
    if (!/^[A-Za-z0-9._-]+$/.test(v.stack))
      throw new UsageError(`--stack: found ${JSON.stringify(v.stack)}; allowed: [A-Za-z0-9._-]+`);
  } catch (e) {
    err.write(`images: ${(e as Error).message}\n${USAGE}\n`);
    return EXIT.usage;
  }
  const stack = v.stack;
  let sc: StackConfig;
  try {
    sc = readStack(stack, v["config-file"] !== undefined ? path.resolve(v["config-file"]) : undefined);
  } catch (e) {
    err.write(`images: ${(e as Error).message}\n`);
    return EXIT.config;
  }
  // The listing needs no secret: missing ones get the offline synth's marked stand-ins.
  const project = projectName();
  const { stackConfig } = withOfflineStandIns(sc, project, stack);
  const parsed = parsePlatformConfig({
    ...stackConfigSource(stackConfig, project, stack),
    allowStandIns: true,
  });
  if (!parsed.ok) {
    err.write(`images ${stack}: ${new ConfigError(parsed.issues).message}\n`);
    return EXIT.config;
  }
  const report = imagesReport(parsed.config);
  out.write(v.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderImagesReport(report)}\n`);
  return EXIT.ok;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
