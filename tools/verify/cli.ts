/**
 * `npm run -s verify -- --stack <name> | --outputs <file> [options]`: proves a deployed region is healthy
 * (SPEC R10.1) and prints a checklist (or JSON with `--json`); exit 1 when any check fails.
 *
 * Outputs come from `pulumi stack output --json --show-secrets --stack <name>` (or a file holding that JSON),
 * read through the output contract; what the buckets must look like comes from the stack's config
 * (`stacks/Pulumi.<stack>.yaml`, or `--stack-file`). S3 credentials come from `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`); Kubernetes access from `$KUBECONFIG` (or `--context`).
 */
// First, before anything loads the Pulumi SDK (../startup.ts).
import "../startup";
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ContractError, PlatformContract, readPlatformContract } from "../../components/access/contract";
import { credentialsFromDockerConfig } from "../../components/access/registry-access";
import { resolveStorageArgs } from "../../components/storage/args";
import { storageArgsFromConfig } from "../../components/storage/from-config";
import { defaultRetentionRule, encryptionRule } from "../../components/storage/rules";
import { ConfigError, formatIssue } from "../../config/errors";
import type { PlatformConfig } from "../../config/parse";
import { configFromStackFile } from "../ci/stacks";
import { kubeFromEnvironment } from "../drill/cli";
import type { KubeApi } from "../drill/kube";
import { ROOT } from "../synth/root";
import {
  BucketExpectation,
  Check,
  checkBucket,
  checkHarborHealth,
  checkPullRobot,
  CheckResult,
  checkTls,
  checkVeleroSchedule,
  runCheck,
} from "./checks";
import { S3Client, S3Credentials } from "./s3";
import { USAGE } from "./usage";
import { jsonErrorPosition, repeatedOption, repeatedOptionProblem, wantsHelp } from "../run";

export { USAGE };

export interface VerifyArgs {
  stack?: string;
  outputs?: string;
  stackFile?: string;
  json: boolean;
  timeoutMs: number;
  minDays: number;
  graceMs: number;
  skip: string[];
  context?: string;
}

export class UsageError extends Error {}

/** The kinds of checks `--skip` names (a whole kind, or one check as `<kind>:<name>`). */
export const CHECK_KINDS = ["tls", "harbor-health", "robot", "bucket", "velero"] as const;

export function parseArgs(argv: string[]): VerifyArgs {
  const a: VerifyArgs = { json: false, timeoutMs: 30_000, minDays: 14, graceMs: 6 * 3_600_000, skip: [] };
  const twice = repeatedOption(argv);
  if (twice) throw new UsageError(repeatedOptionProblem(twice));
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${k} needs a value`);
      return v;
    };
    const num = (v: string, what: string, min: "zero" | "positive" = "zero") => {
      const n = Number(v);
      if (v.trim() === "" || !Number.isFinite(n) || n < 0 || (min === "positive" && n === 0))
        throw new UsageError(
          `${what}: found ${JSON.stringify(v)}; allowed: a number ${min === "positive" ? "> 0" : ">= 0"}`,
        );
      return n;
    };
    if (k === "--stack") a.stack = next();
    else if (k === "--outputs") a.outputs = next();
    else if (k === "--stack-file") a.stackFile = next();
    else if (k === "--json") a.json = true;
    // A timeout of 0 would fail every check at once.
    else if (k === "--timeout") a.timeoutMs = num(next(), "--timeout", "positive") * 1000;
    else if (k === "--min-days") a.minDays = num(next(), "--min-days");
    else if (k === "--backup-grace") a.graceMs = num(next(), "--backup-grace") * 3_600_000;
    else if (k === "--skip") {
      a.skip = next()
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      // A misspelt kind would skip nothing, silently.
      for (const s of a.skip)
        if (!(CHECK_KINDS as readonly string[]).includes(s.split(":")[0]))
          throw new UsageError(
            `--skip: found ${JSON.stringify(s)}; allowed: ${CHECK_KINDS.join(", ")}, or one check as <kind>:<name>`,
          );
    } else if (k === "--context") a.context = next();
    else throw new UsageError(`unknown argument ${k}`);
  }
  if ((a.stack === undefined) === (a.outputs === undefined))
    throw new UsageError("give exactly one of --stack and --outputs");
  return a;
}

/** What the registry and backup buckets must look like, from the same args the storage component gets. */
export function bucketExpectations(cfg: PlatformConfig): {
  registry: BucketExpectation;
  backup: BucketExpectation;
} {
  const a = resolveStorageArgs(storageArgsFromConfig(cfg, {}, "velero"));
  const rule = a.encryption ? encryptionRule({ kms: a.kms, kmsKeyArn: a.kmsKeyArn }) : undefined;
  const encryption = rule
    ? {
        algorithm: rule.applyServerSideEncryptionByDefault.sseAlgorithm,
        ...(rule.applyServerSideEncryptionByDefault.kmsMasterKeyId
          ? { kmsKeyId: rule.applyServerSideEncryptionByDefault.kmsMasterKeyId }
          : {}),
      }
    : null;
  const common = {
    encryption,
    publicAccessBlock: a.features.publicAccessBlock,
    tlsOnlyPolicy: a.features.tlsOnlyPolicy,
  };
  return {
    registry: { ...common, defaultRetention: null },
    backup: { ...common, defaultRetention: defaultRetentionRule(a.backupRetention).defaultRetention },
  };
}

/** `pulumi stack output --json --show-secrets --stack <name>` in the project directory. */
export function pulumiStackOutputs(stack: string, cwd = ROOT): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(
      "pulumi",
      ["stack", "output", "--json", "--show-secrets", "--stack", stack],
      { cwd, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
      (err, stdout, stderr) => {
        if (err) {
          reject(
            new Error(
              `pulumi stack output --stack ${stack} failed: ${(stderr || err.message).trim().slice(0, 500)}`,
            ),
          );
          return;
        }
        try {
          resolve(JSON.parse(stdout));
        } catch {
          reject(new Error(`pulumi stack output --stack ${stack} did not print JSON`));
        }
      },
    );
  });
}

export interface Environment {
  s3Credentials?: S3Credentials;
  kube: () => Promise<KubeApi>;
}

/** Every check for a stack's outputs (and config), in report order. */
export function planChecks(
  c: PlatformContract,
  cfg: PlatformConfig | undefined,
  a: VerifyArgs,
  env: Environment,
): Check[] {
  const url = new URL(c.registryUrl);
  const port = Number(url.port || 443);
  const caPem = c.caBundlePem;
  const checks: Check[] = [
    {
      id: "tls",
      title: `TLS chain served by ${url.host}`,
      run: () => checkTls({ host: url.hostname, port, caPem, minDays: a.minDays, timeoutMs: a.timeoutMs }),
    },
    {
      id: "harbor-health",
      title: "Harbor health",
      run: () => checkHarborHealth({ url: c.registryUrl, caPem, timeoutMs: a.timeoutMs }),
    },
  ];
  for (const [project, robots] of Object.entries(c.harborProjects ?? {}).sort(([x], [y]) =>
    x.localeCompare(y),
  ))
    checks.push({
      id: `robot:${project}`,
      title: `pull robot of ${project} can pull, cannot push`,
      run: () => {
        const json = c.pullDockerConfigJson?.[project];
        if (json === undefined || json === "[secret]")
          throw new Error(
            `no pull credentials for ${project} in the outputs (read them with --show-secrets)`,
          );
        const creds = credentialsFromDockerConfig(json, c.registryHost);
        if (creds.username !== robots.pullRobot)
          throw new Error(
            `the dockerconfigjson of ${project} is for ${creds.username}, not ${robots.pullRobot}`,
          );
        return checkPullRobot({
          registryUrl: c.registryUrl,
          caPem,
          project,
          ...creds,
          timeoutMs: a.timeoutMs,
        });
      },
    });
  const expectations = cfg ? bucketExpectations(cfg) : undefined;
  const s3 = () => {
    if (!env.s3Credentials)
      throw new Error("no S3 credentials in the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)");
    const endpointCa = cfg?.storage.endpointUsesPlatformCa ? caPem : undefined;
    return new S3Client({
      region: c.storageRegion,
      credentials: env.s3Credentials,
      ...(c.storageEndpoint ? { endpoint: c.storageEndpoint } : {}),
      ...(endpointCa ? { caPem: endpointCa } : {}),
      timeoutMs: a.timeoutMs,
    });
  };
  for (const [kind, bucket] of [
    ["registry", c.registryBucket],
    ["backup", c.backupBucket],
  ] as const)
    checks.push({
      id: `bucket:${kind}`,
      title: `${kind} bucket ${bucket}`,
      run: () => {
        if (!expectations) throw new Error("no stack config to compare the bucket with (pass --stack-file)");
        return checkBucket(s3(), bucket, expectations[kind]);
      },
    });
  if (c.veleroNamespace)
    for (const schedule of Object.values(c.veleroSchedules ?? {}).sort())
      checks.push({
        id: `velero:${schedule}`,
        title: `last backup of ${schedule}`,
        run: async () =>
          checkVeleroSchedule({
            kube: await env.kube(),
            namespace: c.veleroNamespace!,
            schedule,
            graceMs: a.graceMs,
          }),
      });
  return checks.filter((k) => !a.skip.some((s) => k.id === s || k.id.split(":")[0] === s));
}

export interface Report {
  stack: string;
  registryHost: string;
  checks: CheckResult[];
  passed: number;
  failed: number;
}

const MARK = { pass: "PASS", fail: "FAIL", skip: "SKIP" } as const;

export function renderChecklist(r: Report): string {
  const lines = [`verify ${r.stack} (${r.registryHost})`, ""];
  for (const c of r.checks) {
    lines.push(`[${MARK[c.status]}] ${c.id} — ${c.title} (${(c.ms / 1000).toFixed(1)} s)`);
    for (const d of c.details) lines.push(`       ${d}`);
  }
  lines.push("", `${r.passed} passed, ${r.failed} failed`);
  return lines.join("\n") + "\n";
}

export interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
  env: NodeJS.ProcessEnv;
  /** Reads outputs for --stack (tests substitute). */
  stackOutputs?: (stack: string) => Promise<unknown>;
  kube?: (context?: string) => Promise<KubeApi>;
}

/** This process's streams and environment. */
const PROCESS_IO: Io = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  env: process.env,
};

/** The `--outputs` file (`pulumi stack output --json --show-secrets`). Not JSON → an error with the position only. */
export function readOutputsFile(file: string): unknown {
  const text = fs.readFileSync(file, "utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(
      `${file} is not JSON${jsonErrorPosition(e)}: expected the output of pulumi stack output --json --show-secrets`,
    );
  }
}

/** Runs the checks; returns the exit status (0 all passed, 1 a check failed, 2 unusable input, 64 bad arguments). */
export async function main(argv: string[], io: Io = PROCESS_IO): Promise<number> {
  if (wantsHelp(argv)) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  let a: VerifyArgs;
  let contract: PlatformContract;
  let cfg: PlatformConfig | undefined;
  const source = () => a.stack ?? a.outputs!;
  try {
    a = parseArgs(argv);
    const raw = a.outputs
      ? readOutputsFile(a.outputs)
      : await (io.stackOutputs ?? pulumiStackOutputs)(a.stack!);
    contract = readPlatformContract(raw, source());
    const short = a.stack?.split("/").pop();
    const file = a.stackFile ?? (short ? path.join(ROOT, "stacks", `Pulumi.${short}.yaml`) : undefined);
    if (file) {
      if (!fs.existsSync(file)) throw new Error(`stack config ${file} not found (pass --stack-file)`);
      cfg = configFromStackFile(file, short ?? path.basename(file));
    }
  } catch (e) {
    if (e instanceof ConfigError)
      io.stderr(
        `verify: invalid stack configuration:\n${e.issues.map((i) => `  - ${formatIssue(i)}`).join("\n")}\n`,
      );
    else if (e instanceof UsageError) {
      io.stderr(`verify: ${e.message}\n${USAGE}\n`);
      return 64;
    } else if (e instanceof ContractError) io.stderr(`verify: ${e.message}\n`);
    else io.stderr(`verify: ${(e as Error).message}\n`);
    return 2;
  }
  const env = io.env;
  const s3Credentials =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? {
          accessKeyId: env.AWS_ACCESS_KEY_ID,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
          ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
        }
      : undefined;
  let kube: Promise<KubeApi> | undefined;
  const makeKube =
    io.kube ?? ((context?: string) => kubeFromEnvironment({ context, inCluster: false, forVerify: true }));
  const checks = planChecks(contract, cfg, a, {
    s3Credentials,
    kube: () => (kube ??= makeKube(a.context)),
  });
  if (checks.length === 0) {
    // Nothing verified is not a pass.
    io.stderr(`verify: --skip leaves no check to run (${a.skip.join(",")})\n${USAGE}\n`);
    return 64;
  }
  const results = await Promise.all(checks.map((c) => runCheck(c, a.timeoutMs)));
  const report: Report = {
    stack: source(),
    registryHost: contract.registryHost,
    checks: results,
    passed: results.filter((r) => r.status === "pass").length,
    failed: results.filter((r) => r.status === "fail").length,
  };
  io.stdout(a.json ? `${JSON.stringify(report, null, 2)}\n` : renderChecklist(report));
  return report.failed > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`verify: ${String(e)}\n`);
      process.exit(2);
    },
  );
}
