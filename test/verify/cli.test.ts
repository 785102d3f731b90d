/**
 * `npm run verify`: arguments, outputs read through the contract, the checklist and the JSON, exit codes.
 * The TLS and health checks run for real against the fake Harbor (HTTPS with the test chain); the checks that
 * need the registry, S3 and Kubernetes run in the real-server suite (test/verify/verify.real.ts).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { main, parseArgs, planChecks, pulumiStackOutputs, UsageError } from "../../tools/verify/cli";
import { configFromStackFile } from "../../tools/ci/stacks";
import { FakeHarbor } from "../harbor-config/support/fake-harbor";
import { ROOT } from "../harness";
import { verifyPki, VerifyPki } from "./support/pki";
import { scratchDir } from "../harness/scratch";

function outputsFor(url: string, caBundlePem: string, extra: Record<string, unknown> = {}) {
  const host = new URL(url).host;
  return {
    contractVersion: 1,
    environment: "dev",
    region: "ap-northeast-2",
    role: "primary",
    registryHost: host,
    registryUrl: url,
    registryBucket: "reg",
    registryBucketArn: "arn:aws:s3:::reg",
    backupBucket: "bak",
    backupBucketArn: "arn:aws:s3:::bak",
    storageRegion: "us-east-1",
    caBundlePem,
    harborNamespace: "harbor",
    harborAdminPassword: "Adm1n-Not-Printed",
    harborProjects: { apps: { pullRobot: "robot$apps+cluster-pull", pushRobot: "robot$apps+ci-push" } },
    veleroNamespace: "velero",
    veleroSchedules: { daily: "velero-daily" },
    ...extra,
  };
}

async function run(argv: string[], stackOutputs?: unknown) {
  let out = "";
  let err = "";
  const code = await main(argv, {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    env: {},
    ...(stackOutputs ? { stackOutputs: () => Promise.resolve(stackOutputs) } : {}),
  });
  return { code, out, err };
}

describe("verify: CLI", function () {
  this.timeout(60000);
  let pki: VerifyPki;
  let harbor: FakeHarbor;
  let dir: string;
  before(async () => {
    pki = verifyPki();
    harbor = await new FakeHarbor({ key: pki.good.keyPem, cert: pki.good.chainPem }).start();
    dir = scratchDir("verify-cli");
  });
  after(async () => {
    await harbor.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("arguments: exactly one source, numbers checked, unknown flags refused (exit 64 with usage)", async () => {
    assert.throws(() => parseArgs([]), UsageError);
    assert.throws(
      () => parseArgs(["--stack", "a", "--outputs", "b"]),
      /exactly one of --stack and --outputs/,
    );
    assert.throws(
      () => parseArgs(["--stack", "a", "--timeout", "x"]),
      /--timeout: found "x"; allowed: a number > 0/,
    );
    // 0 would time every check out at once.
    assert.throws(
      () => parseArgs(["--stack", "a", "--timeout", "0"]),
      /--timeout: found "0"; allowed: a number > 0/,
    );
    assert.strictEqual(parseArgs(["--stack", "a", "--min-days", "0"]).minDays, 0);
    const r = await run(["--stak", "dev"]);
    assert.strictEqual(r.code, 64);
    assert.match(r.err, /^verify: unknown argument --stak\nusage: verify/);
    assert.deepStrictEqual(
      parseArgs(["--stack", "org/registry-platform/dev", "--skip", "velero,bucket:backup", "--json"]),
      {
        stack: "org/registry-platform/dev",
        json: true,
        timeoutMs: 30000,
        minDays: 14,
        graceMs: 6 * 3_600_000,
        skip: ["velero", "bucket:backup"],
      },
    );
  });

  it("--skip: an unknown check kind, or skipping every check, is a malformed command line (exit 64)", async () => {
    assert.throws(
      () => parseArgs(["--stack", "dev", "--skip", "buckets"]),
      /--skip: found "buckets"; allowed: tls, harbor-health, robot, bucket, velero, or one check as <kind>:<name>/,
    );
    assert.throws(() => parseArgs(["--stack", "dev", "--skip", "velero,tsl:x"]), /found "tsl:x"/);
    const f = path.join(dir, "dev-skip.json");
    fs.writeFileSync(f, JSON.stringify(outputsFor(harbor.url, pki.bundlePem)));
    const r = await run(["--outputs", f, "--skip", "tls,harbor-health,robot,bucket,velero"]);
    assert.strictEqual(r.code, 64, r.out);
    assert.match(r.err, /^verify: --skip leaves no check to run/);
  });

  it("an --outputs file that is not JSON: exit 2, no text of the file in the message (it holds secrets)", async () => {
    const f = path.join(dir, "not-json.json");
    fs.writeFileSync(f, '{"contractVersion":1,"harborAdminPassword":S3cr3t-Admin-Passw0rd-XYZ}');
    const r = await run(["--outputs", f]);
    assert.strictEqual(r.code, 2);
    assert.strictEqual(
      r.err,
      `verify: ${f} is not JSON: expected the output of pulumi stack output --json --show-secrets\n`,
    );
    assert.doesNotMatch(r.err, /S3cr3t/);
  });

  it("outputs of another contract version: exit 2 with the contract's message", async () => {
    const f = path.join(dir, "v2.json");
    fs.writeFileSync(f, JSON.stringify({ ...outputsFor(harbor.url, pki.bundlePem), contractVersion: 2 }));
    const r = await run(["--outputs", f]);
    assert.strictEqual(r.code, 2);
    assert.strictEqual(
      r.err,
      `verify: platform stack ${f} exports output contract v2; this consumer reads v1. Upgrade registry-platform in the consuming project.\n`,
    );
  });

  it("plans every check of the dev stack's shape, and --skip removes kinds or single checks", () => {
    const c = outputsFor("https://registry.dev.example.internal", pki.bundlePem) as never;
    const cfg = configFromStackFile(path.join(ROOT, "stacks", "Pulumi.dev.yaml"), "dev");
    const ids = (skip: string[]) =>
      planChecks(
        c,
        cfg,
        { ...parseArgs(["--stack", "dev"]), skip },
        { kube: () => Promise.reject(new Error("x")) },
      ).map((k) => k.id);
    assert.deepStrictEqual(ids([]), [
      "tls",
      "harbor-health",
      "robot:apps",
      "bucket:registry",
      "bucket:backup",
      "velero:velero-daily",
    ]);
    assert.deepStrictEqual(ids(["bucket", "velero:velero-daily", "tls"]), ["harbor-health", "robot:apps"]);
  });

  it("--stack: outputs from `pulumi stack output`, config from stacks/; checklist, exit 0 when all pass", async () => {
    const r = await run(
      ["--stack", "org/registry-platform/dev", "--skip", "robot,bucket,velero", "--min-days", "3"],
      outputsFor(harbor.url, pki.bundlePem),
    );
    assert.strictEqual(r.err, "");
    assert.strictEqual(r.code, 0, r.out);
    const lines = r.out.split("\n");
    assert.strictEqual(lines[0], `verify org/registry-platform/dev (${new URL(harbor.url).host})`);
    assert.match(
      r.out,
      /\n\[PASS\] tls — TLS chain served by 127\.0\.0\.1:\d+ \(\d+\.\d s\)\n       ✔ chain verifies against the platform CA bundle\n       ✔ certificate is valid for 127\.0\.0\.1\n/,
    );
    assert.match(
      r.out,
      /\n\[PASS\] harbor-health — Harbor health \(\d+\.\d s\)\n       ✔ overall: healthy\n/,
    );
    assert.ok(r.out.endsWith("\n2 passed, 0 failed\n"), r.out);
    assert.ok(!r.out.includes("Adm1n-Not-Printed"));
  });

  it("--json, and exit 1 when a check fails (missing S3 credentials, a robot without pull credentials)", async () => {
    const f = path.join(dir, "dev.json");
    fs.writeFileSync(f, JSON.stringify(outputsFor(harbor.url, pki.bundlePem)));
    const r = await run([
      "--outputs",
      f,
      "--stack-file",
      path.join(ROOT, "stacks", "Pulumi.dev.yaml"),
      "--json",
      "--skip",
      "velero,tls",
      "--timeout",
      "10",
    ]);
    assert.strictEqual(r.code, 1, r.err);
    const report = JSON.parse(r.out);
    assert.strictEqual(report.stack, f);
    assert.deepStrictEqual(
      report.checks.map((c: { id: string; status: string; details: string[] }) => [
        c.id,
        c.status,
        c.details,
      ]),
      [
        [
          "harbor-health",
          "pass",
          [
            "✔ overall: healthy",
            ...["core", "database", "jobservice", "portal", "redis", "registry", "registryctl", "trivy"].map(
              (n) => `✔ ${n}: healthy`,
            ),
          ],
        ],
        [
          "robot:apps",
          "fail",
          ["no pull credentials for apps in the outputs (read them with --show-secrets)"],
        ],
        [
          "bucket:registry",
          "fail",
          ["no S3 credentials in the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)"],
        ],
        [
          "bucket:backup",
          "fail",
          ["no S3 credentials in the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)"],
        ],
      ],
    );
    assert.deepStrictEqual([report.passed, report.failed], [1, 3]);
  });

  it("Velero checks without a kubeconfig: the reason names verify's own options, not the drill's --in-cluster", async () => {
    const f = path.join(dir, "dev-nokube.json");
    fs.writeFileSync(f, JSON.stringify(outputsFor(harbor.url, pki.bundlePem)));
    const saved = { ...process.env };
    process.env.HOME = scratchDir("verify-home");
    delete process.env.KUBECONFIG;
    delete process.env.KUBERNETES_SERVICE_HOST;
    let r: Awaited<ReturnType<typeof run>>;
    try {
      r = await run(["--outputs", f, "--json", "--skip", "tls,harbor-health,robot,bucket"]);
    } finally {
      for (const k of ["HOME", "KUBECONFIG", "KUBERNETES_SERVICE_HOST"])
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
    }
    assert.strictEqual(r.code, 1, r.err);
    const check = JSON.parse(r.out).checks[0] as { id: string; status: string; details: string[] };
    assert.deepStrictEqual([check.id, check.status], ["velero:velero-daily", "fail"]);
    assert.match(check.details[0], /^no kubeconfig found; looked at: \$KUBECONFIG \(not set\)/);
    assert.match(check.details[0], /Set KUBECONFIG \(or --context with ~\/\.kube\/config\)$/);
    assert.doesNotMatch(check.details[0], /drill|--in-cluster/);
  });

  it("a stack without a config file: exit 2, one line naming the file (no usage: the command line is right)", async () => {
    const r = await run(["--stack", "nope"], outputsFor(harbor.url, pki.bundlePem));
    assert.strictEqual(r.code, 2);
    assert.match(
      r.err,
      /^verify: stack config .*stacks\/Pulumi\.nope\.yaml not found \(pass --stack-file\)\n$/,
    );
  });

  it("reads outputs with `pulumi stack output --json --show-secrets --stack <name>` in the project directory", async () => {
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(
      path.join(bin, "pulumi"),
      `#!/bin/sh\necho "$PWD|$*" > "${path.join(dir, "pulumi-args")}"\necho '{"contractVersion":1}'\n`,
      { mode: 0o755 },
    );
    const saved = process.env.PATH;
    process.env.PATH = `${bin}:${saved ?? ""}`;
    try {
      assert.deepStrictEqual(await pulumiStackOutputs("org/registry-platform/dev"), { contractVersion: 1 });
      assert.strictEqual(
        fs.readFileSync(path.join(dir, "pulumi-args"), "utf8").trim(),
        `${ROOT}|stack output --json --show-secrets --stack org/registry-platform/dev`,
      );
      fs.writeFileSync(
        path.join(bin, "pulumi"),
        "#!/bin/sh\necho 'error: no stack named dev' >&2\nexit 255\n",
        { mode: 0o755 },
      );
      await assert.rejects(
        pulumiStackOutputs("dev"),
        /pulumi stack output --stack dev failed: error: no stack named dev/,
      );
      // An input problem (exit 2, one line), not a malformed command line (64 with the usage).
      await assert.rejects(pulumiStackOutputs("dev"), (e) => !(e instanceof UsageError));
    } finally {
      process.env.PATH = saved;
    }
  });
});
