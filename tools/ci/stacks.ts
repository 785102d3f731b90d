/**
 * `node dist/tools/ci/stacks.js [--role primary|replica] [--root <dir>]`: the stacks of `<dir>/stacks` (default:
 * this repository's) as a JSON list for the GitHub Actions matrices (`.github/workflows/`), each
 * `{stack, role, environment, region, provider}` from its validated config. Deploy order is replicas first (the
 * primary reads their outputs), so the deploy workflow asks for each role separately.
 * `--deploy-order`: the stack names instead, one per line, replicas first (what a loop that synthesizes every
 * stack needs: a primary's synth reads its replicas' outputs). Exit 2 on an invalid stack file, 64 on bad usage.
 */
import "../startup";
import * as fs from "fs";
import * as path from "path";
import { ConfigError, NAMESPACE } from "../../config/errors";
import { parsePlatformConfig, PlatformConfig } from "../../config/parse";
import { readStackConfig } from "../synth/stackfile";
import { withOfflineStandIns } from "../synth/stand-ins";
import { ROOT } from "../synth/root";

/**
 * The validated platform config of a stack file, as the program would see it. Callers read no secret config,
 * so missing secrets get the offline synth's stand-ins (as `npm start` does), and the example stacks'
 * placeholder CA bundles are accepted. Throws a {@link ConfigError} listing every other problem.
 */
export function configFromStackFile(file: string, stack: string): PlatformConfig {
  const sc = withOfflineStandIns(readStackConfig(file), "registry-platform", stack).stackConfig;
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  for (const [k, v] of Object.entries(sc.config)) {
    if (!k.startsWith(`${NAMESPACE}:`)) continue;
    const key = k.slice(NAMESPACE.length + 1);
    values[key] = v;
    if (sc.secretKeys.includes(k)) secretKeys.add(key);
  }
  const r = parsePlatformConfig({
    project: "registry-platform",
    stack,
    values,
    secretKeys,
    allowStandIns: true,
  });
  if (!r.ok) throw new ConfigError(r.issues);
  return r.config;
}

export interface StackInfo {
  stack: string;
  role: "primary" | "replica";
  environment: string;
  region: string;
  provider: string;
}

/** Every `stacks/Pulumi.<stack>.yaml`, sorted by name; a stack whose config is invalid throws. */
export function listStacks(root = ROOT): StackInfo[] {
  const dir = path.join(root, "stacks");
  return fs
    .readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort()
    .map((stack) => {
      const c = configFromStackFile(path.join(dir, `Pulumi.${stack}.yaml`), stack);
      return {
        stack,
        role: c.role,
        environment: c.environment,
        region: c.region,
        provider: c.storage.provider,
      };
    });
}

/** Stack names in deploy order: replicas first, then primaries, each by name. */
export function deployOrder(stacks: StackInfo[]): string[] {
  return [...stacks.filter((s) => s.role === "replica"), ...stacks.filter((s) => s.role !== "replica")].map(
    (s) => s.stack,
  );
}

const USAGE = "usage: stacks [--role primary|replica] [--deploy-order] [--root <dir>]";

if (require.main === module) {
  const argv = process.argv.slice(2);
  let role: string | undefined;
  let root = ROOT;
  let names = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--role" && ["primary", "replica"].includes(argv[i + 1] ?? "")) role = argv[++i];
    else if (argv[i] === "--root" && argv[i + 1]) root = path.resolve(argv[++i]);
    else if (argv[i] === "--deploy-order") names = true;
    else {
      process.stderr.write(`stacks: unexpected ${JSON.stringify(argv[i])}; ${USAGE}\n`);
      process.exit(64);
    }
  }
  try {
    const stacks = listStacks(root).filter((s) => role === undefined || s.role === role);
    process.stdout.write(
      names
        ? deployOrder(stacks)
            .map((s) => `${s}\n`)
            .join("")
        : `${JSON.stringify(stacks)}\n`,
    );
  } catch (e) {
    process.stderr.write(`stacks: ${(e as Error).message}\n`);
    process.exit(2);
  }
}
