/**
 * `npm run drill -- --stack <name> [--backup <name>] [--keep] [options]`
 *
 * Restores a Velero backup of the registry namespace into `<ns>-drill-<timestamp>`, checks the restored
 * Harbor and prints a report (Markdown, then the same as JSON). The kubeconfig comes from the environment
 * ($KUBECONFIG or ~/.kube/config; the stack's `kubernetes.context` when set), or the pod's service account
 * with `--in-cluster`. Exit status: 0 drill passed, 1 drill failed, 2 the stack, its config or the Kubernetes
 * configuration is wrong or missing, 64 the command line is malformed.
 */
// First, before anything loads the Pulumi SDK (../startup.ts).
import "../startup";
import * as fs from "fs";
import * as path from "path";
import { parseArgs as nodeParseArgs } from "util";
import { listStacks, readStackConfig, stackConfigSource, stackFilePath } from "../synth/stackfile";
import { ROOT } from "../synth/root";
import { DEFAULT_DRILL_OPTIONS, DrillOptions, parseDuration, runDrill } from "./drill";
import { HttpKube, KubeApi } from "./kube";
import { reportJson, reportMarkdown } from "./report";
import { USAGE } from "./usage";
import { repeatedOption, repeatedOptionProblem, wantsHelp } from "../run";

export { USAGE };

export interface CliArgs {
  options: DrillOptions;
  stack?: string;
  context?: string;
  inCluster: boolean;
  json: boolean;
  out?: string;
}

/** The command line is malformed: exit 64. */
export class UsageError extends Error {}

/** The stack, its config or the Kubernetes configuration is wrong or missing: exit 2. */
class InputError extends Error {}

/** Exit statuses of the drill CLI. */
export const EXIT = { pass: 0, failed: 1, input: 2, usage: 64 } as const;

/**
 * Namespaces and context from the stack's validated config. The config schema (and the Pulumi SDK it loads) is
 * required here only: the in-cluster drill, which names its namespaces, runs from `dist/` and the package's own
 * dependencies alone (its image needs no Pulumi or Kubernetes client packages; components/velero/README.md).
 */
function stackSettings(file: string, stack: string): { velero: string; harbor: string; context?: string } {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { formatIssue } = require("../../config/errors") as typeof import("../../config/errors");
  const { parsePlatformConfig } = require("../../config/parse") as typeof import("../../config/parse");
  const { withOfflineStandIns } = require("../synth/stand-ins") as typeof import("../synth/stand-ins");
  /* eslint-enable @typescript-eslint/no-require-imports */
  // The drill only needs namespaces and the context: secrets it cannot read offline get stand-ins.
  const { stackConfig } = withOfflineStandIns(readStackConfig(file), "registry-platform", stack);
  const r = parsePlatformConfig({
    ...stackConfigSource(stackConfig, "registry-platform", stack),
    allowStandIns: true,
  });
  if (!r.ok)
    throw new InputError(
      `invalid stack configuration:\n${r.issues.map((i) => `  - ${formatIssue(i)}`).join("\n")}`,
    );
  return {
    velero: r.config.velero.namespace,
    harbor: r.config.harbor.namespace,
    context: r.config.kubernetes.context,
  };
}

/** Parses the command line; namespaces and context come from the stack's validated config unless given. */
export function parseCliArgs(argv: string[], root = ROOT): CliArgs {
  let v: Record<string, string | boolean | undefined>;
  const twice = repeatedOption(argv);
  if (twice) throw new UsageError(`${repeatedOptionProblem(twice)}\n${USAGE}`);
  try {
    v = nodeParseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        stack: { type: "string" },
        backup: { type: "string" },
        keep: { type: "boolean" },
        "velero-namespace": { type: "string" },
        "harbor-namespace": { type: "string" },
        context: { type: "string" },
        "in-cluster": { type: "boolean" },
        "restore-timeout": { type: "string" },
        "ready-timeout": { type: "string" },
        "poll-interval": { type: "string" },
        "core-service": { type: "string" },
        "admin-secret": { type: "string" },
        "admin-secret-key": { type: "string" },
        "max-artifact-drift": { type: "string" },
        json: { type: "boolean" },
        out: { type: "string" },
      },
    }).values;
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${USAGE}`);
  }
  const str = (k: string) => v[k] as string | undefined;
  let velero = str("velero-namespace");
  let harbor = str("harbor-namespace");
  let context = str("context");
  const stack = str("stack");
  if (stack !== undefined) {
    if (!/^[A-Za-z0-9._-]+$/.test(stack))
      throw new UsageError(`--stack: found ${JSON.stringify(stack)}; allowed: [A-Za-z0-9._-]+`);
    const file = stackFilePath(root, stack);
    if (!fs.existsSync(file))
      throw new InputError(
        `--stack ${stack}: no file ${path.relative(root, file)} (stacks: ${listStacks(root).join(", ") || "none"})`,
      );
    const c = stackSettings(file, stack);
    velero ??= c.velero;
    harbor ??= c.harbor;
    context ??= c.context;
  }
  if (!velero || !harbor)
    throw new UsageError(`give --stack, or both --velero-namespace and --harbor-namespace\n${USAGE}`);
  const dur = (k: string, d: number) => {
    const s = str(k);
    if (s === undefined) return d;
    try {
      return parseDuration(s);
    } catch (e) {
      throw new UsageError(`--${k}: ${(e as Error).message}`);
    }
  };
  const drift = str("max-artifact-drift");
  if (drift !== undefined && !/^\d+$/.test(drift))
    throw new UsageError(`--max-artifact-drift: found "${drift}"; allowed: a whole number`);
  const core = str("core-service");
  if (core !== undefined && !/^[a-z0-9-]+:[a-z0-9-]+$/.test(core))
    throw new UsageError(`--core-service: found "${core}"; allowed: <service>:<port>, e.g. harbor-core:80`);
  return {
    stack,
    context,
    inCluster: v["in-cluster"] === true,
    json: v.json === true,
    out: str("out"),
    options: {
      ...DEFAULT_DRILL_OPTIONS,
      veleroNamespace: velero,
      harborNamespace: harbor,
      backup: str("backup"),
      keep: v.keep === true,
      restoreTimeoutMs: dur("restore-timeout", DEFAULT_DRILL_OPTIONS.restoreTimeoutMs),
      readyTimeoutMs: dur("ready-timeout", DEFAULT_DRILL_OPTIONS.readyTimeoutMs),
      pollMs: dur("poll-interval", DEFAULT_DRILL_OPTIONS.pollMs),
      coreService: core ?? DEFAULT_DRILL_OPTIONS.coreService,
      adminSecret: str("admin-secret") ?? DEFAULT_DRILL_OPTIONS.adminSecret,
      adminSecretKey: str("admin-secret-key") ?? DEFAULT_DRILL_OPTIONS.adminSecretKey,
      maxArtifactDrift: drift === undefined ? DEFAULT_DRILL_OPTIONS.maxArtifactDrift : Number(drift),
    },
  };
}

/** Where a pod finds its service account's token and the cluster's CA. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
/** The service account token a pod gets (client-node's in-cluster fallback needs it). */
export const SERVICE_ACCOUNT_TOKEN = `${SERVICE_ACCOUNT_DIR}/token`;

/**
 * The API server as a pod sees it (`KUBERNETES_SERVICE_HOST`/`_PORT`, the service account's token and CA), as
 * client-node's `loadFromCluster` reads it, without that package: the drill image needs no Kubernetes client.
 */
export function inClusterKube(env: NodeJS.ProcessEnv = process.env, dir = SERVICE_ACCOUNT_DIR): KubeApi {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port)
    throw new InputError(
      "drill --in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (not in a pod); give a kubeconfig instead",
    );
  const read = (name: string) => {
    const file = path.join(dir, name);
    if (!fs.existsSync(file))
      throw new InputError(`drill --in-cluster: ${file}: no such file (no service account token mounted)`);
    return fs.readFileSync(file);
  };
  const token = read("token").toString("utf8").trim();
  return new HttpKube({
    server: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
    ca: read("ca.crt"),
    headers: { Authorization: `Bearer ${token}` },
    rejectUnauthorized: true,
  });
}

/**
 * Where the Kubernetes configuration comes from, in client-node's order: `$KUBECONFIG`, `$HOME/.kube/config`,
 * the pod's service account. `none` lists each place looked at and why it did not count: without this,
 * client-node silently falls back to `http://localhost:8080` and fails with an unrelated TLS message.
 */
export function findKubeconfig(
  env: NodeJS.ProcessEnv = process.env,
  exists: (file: string) => boolean = fs.existsSync,
): { kind: "kubeconfig"; where: string } | { kind: "in-cluster" } | { kind: "none"; looked: string[] } {
  if (env.KUBECONFIG) return { kind: "kubeconfig", where: `KUBECONFIG=${env.KUBECONFIG}` };
  const looked = ["$KUBECONFIG (not set)"];
  if (env.HOME) {
    const file = path.join(env.HOME, ".kube", "config");
    if (exists(file)) return { kind: "kubeconfig", where: file };
    looked.push(`${file} (no such file)`);
  } else looked.push("$HOME/.kube/config ($HOME not set)");
  if (!env.KUBERNETES_SERVICE_HOST)
    looked.push("the in-cluster service account (KUBERNETES_SERVICE_HOST not set)");
  else if (!exists(SERVICE_ACCOUNT_TOKEN))
    looked.push(`the in-cluster service account (${SERVICE_ACCOUNT_TOKEN}: no such file)`);
  else return { kind: "in-cluster" };
  return { kind: "none", looked };
}

/**
 * A {@link KubeApi} from the kubeconfig in the environment (or the pod's service account). `forVerify`: the
 * message when none is found suits verify's checks (no `drill:` prefix, no `--in-cluster`, which verify lacks).
 */
export async function kubeFromEnvironment(a: {
  context?: string;
  inCluster: boolean;
  forVerify?: boolean;
}): Promise<KubeApi> {
  if (a.inCluster) return inClusterKube();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { KubeConfig } = require("@kubernetes/client-node") as typeof import("@kubernetes/client-node");
  const kc = new KubeConfig();
  const found = findKubeconfig();
  if (found.kind === "none")
    throw new InputError(
      `${a.forVerify ? "" : "drill: "}no kubeconfig found; looked at: ${found.looked.join(", ")}. Set KUBECONFIG (or --context with ~/.kube/config)${a.forVerify ? "" : ", or run in a pod with --in-cluster"}`,
    );
  kc.loadFromDefault();
  if (a.context) kc.setCurrentContext(a.context);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new InputError("the kubeconfig has no current cluster (set KUBECONFIG or --context)");
  const opts: {
    ca?: Buffer;
    cert?: Buffer;
    key?: Buffer;
    headers?: Record<string, string>;
    rejectUnauthorized?: boolean;
  } = {};
  await kc.applyToHTTPSOptions(opts as Parameters<typeof kc.applyToHTTPSOptions>[0]);
  return new HttpKube({
    server: cluster.server,
    ca: opts.ca,
    cert: opts.cert,
    key: opts.key,
    headers: opts.headers,
    rejectUnauthorized: opts.rejectUnauthorized ?? !cluster.skipTLSVerify,
  });
}

export interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
  /**
   * Calls `stop` with a signal's name when the drill is interrupted; returns the unsubscribe function.
   * Default: SIGINT and SIGTERM of this process (a second one exits at once, 130, without cleanup).
   */
  onInterrupt?(stop: (signal: string) => void): () => void;
}

/** SIGINT/SIGTERM of this process: the first stops the drill (which then cleans up), a second exits at once. */
function processInterrupts(stop: (signal: string) => void): () => void {
  let seen = false;
  const handler = (signal: NodeJS.Signals) => {
    if (seen) {
      process.stderr.write(`${signal} again: exiting without cleanup\n`);
      process.exit(130);
    }
    seen = true;
    stop(signal);
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}

/** Runs the drill; returns the exit status. */
export async function main(
  argv: string[],
  io: Io = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) },
  makeKube: (a: CliArgs) => Promise<KubeApi> = kubeFromEnvironment,
): Promise<number> {
  if (wantsHelp(argv)) {
    io.stdout(`${USAGE}\n`);
    return EXIT.pass;
  }
  let args: CliArgs;
  let kube: KubeApi;
  try {
    args = parseCliArgs(argv);
  } catch (e) {
    io.stderr(`${(e as Error).message}\n`);
    return e instanceof UsageError ? EXIT.usage : EXIT.input;
  }
  try {
    kube = await makeKube(args);
  } catch (e) {
    const found = findKubeconfig();
    const where =
      args.inCluster || found.kind === "in-cluster"
        ? "the in-cluster service account"
        : found.kind === "kubeconfig"
          ? found.where
          : `no kubeconfig found; looked at: ${found.looked.join(", ")}`;
    io.stderr(
      e instanceof InputError
        ? `${e.message}\n`
        : `drill: cannot load the Kubernetes configuration (${where}): ${(e as Error).message}\n`,
    );
    return EXIT.input;
  }
  const interrupt = new AbortController();
  const unsubscribe = (io.onInterrupt ?? processInterrupts)((signal) => {
    if (interrupt.signal.aborted) return;
    io.stderr(
      `${signal}: stopping the drill and cleaning up (a running Restore and the scratch namespace are deleted; again to exit without cleanup)\n`,
    );
    interrupt.abort(signal);
  });
  let report: Awaited<ReturnType<typeof runDrill>>;
  try {
    report = await runDrill(kube, args.options, {
      now: () => new Date(),
      // A sleep ends early on an interrupt, so the drill stops within one API call.
      sleep: (ms) =>
        new Promise<void>((resolve) => {
          const t = setTimeout(done, ms);
          function done() {
            clearTimeout(t);
            interrupt.signal.removeEventListener("abort", done);
            resolve();
          }
          interrupt.signal.addEventListener("abort", done);
        }),
      progress: (line) => io.stderr(`${line}\n`),
      signal: interrupt.signal,
    });
  } finally {
    unsubscribe();
  }
  const md = reportMarkdown(report);
  const json = reportJson(report);
  if (args.json) io.stdout(json);
  else io.stdout(`${md}\n\`\`\`json\n${json}\`\`\`\n`);
  if (args.out) {
    fs.mkdirSync(args.out, { recursive: true });
    const base = path.join(args.out, `restore-drill-${report.startedAt.replace(/[:.]/g, "-")}`);
    fs.writeFileSync(`${base}.md`, md);
    fs.writeFileSync(`${base}.json`, json);
    io.stderr(`report written to ${base}.md and ${base}.json\n`);
  }
  return report.result === "pass" ? EXIT.pass : EXIT.failed;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`drill: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
