/**
 * `npm run images -- --stack <name> [--config-file <path>] [--json]`
 *
 * Lists every image, Trivy database and chart the stack deploys, with the reference the cluster pulls (under
 * `registry-platform:images.mirror`) and each chart's published sha256: what to copy into an air gap. Reads
 * the stack file only (no engine, no credentials); secrets are neither needed nor read. Invalid config:
 * exit 2 with every problem.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs as nodeParseArgs } from "util";
import { ConfigError } from "../../config/errors";
import { ConfigSource, parsePlatformConfig } from "../../config/parse";
import { isSecretKey } from "../../config/secrets";
import { readStackConfig, StackConfig, stackFilePath } from "../synth/stackfile";
import { projectName, ROOT } from "../synth/synth";
import { imagesReport, renderImagesReport } from "./report";

const USAGE = "usage: images --stack <name> [--config-file <path>] [--json]";
const NS = "registry-platform:";

class UsageError extends Error {}

function sourceOf(sc: StackConfig, stack: string): ConfigSource {
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  for (const [k, v] of Object.entries(sc.config)) {
    if (!k.startsWith(NS)) continue;
    values[k.slice(NS.length)] = v;
    if (sc.secretKeys.includes(k)) secretKeys.add(k.slice(NS.length));
  }
  return { project: projectName(), stack, values, secretKeys };
}

/** Where the CLI writes (process.stdout / stderr, or a test's buffer). */
export interface Sink {
  write(text: string): unknown;
}

export function main(argv: string[], out: Sink = process.stdout, err: Sink = process.stderr): number {
  let v: { stack?: string; "config-file"?: string; json?: boolean; help?: boolean };
  try {
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
      return 0;
    }
    if (!v.stack) throw new UsageError("--stack is required");
    if (!/^[A-Za-z0-9._-]+$/.test(v.stack))
      throw new UsageError(`--stack: found ${JSON.stringify(v.stack)}; allowed: [A-Za-z0-9._-]+`);
  } catch (e) {
    err.write(`images: ${(e as Error).message}\n${USAGE}\n`);
    return 64;
  }
  const stack = v.stack;
  const file = v["config-file"] ? path.resolve(v["config-file"]) : stackFilePath(ROOT, stack);
  if (!fs.existsSync(file)) {
    err.write(`images: no stack file ${file}\n`);
    return 64;
  }
  const parsed = parsePlatformConfig(sourceOf(readStackConfig(file), stack));
  // The listing needs no secret: a secret key that is missing is not a problem here.
  const issues = parsed.ok ? [] : parsed.issues.filter((i) => !isSecretKey(i.key.slice(NS.length)));
  if (!parsed.ok && issues.length > 0) {
    err.write(`images ${stack}: ${new ConfigError(issues).message}\n`);
    return 2;
  }
  if (!parsed.ok) {
    // Only secrets are missing: parse again with placeholders for them.
    const src = sourceOf(readStackConfig(file), stack);
    const values = { ...src.values };
    const secretKeys = new Set(src.secretKeys);
    for (const i of parsed.issues) {
      const k = i.key.slice(NS.length);
      values[k] = "placeholder";
      secretKeys.add(k);
    }
    const again = parsePlatformConfig({ ...src, values, secretKeys });
    if (!again.ok) {
      err.write(`images ${stack}: ${new ConfigError(again.issues).message}\n`);
      return 2;
    }
    return write(again.config);
  }
  return write(parsed.config);

  function write(cfg: Parameters<typeof imagesReport>[0]): number {
    const report = imagesReport(cfg);
    out.write(v.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderImagesReport(report)}\n`);
    return 0;
  }
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
