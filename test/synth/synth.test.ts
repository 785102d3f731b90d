import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ResourceDoc } from "../../tools/synth/render";
import { parseStackConfig, SECRET_PLACEHOLDER } from "../../tools/synth/stackfile";
import { ROOT } from "../harness";
import { loadedCount, loadedCounts, writeLoadedHook } from "../harness/loaded-hook";
import { scratchDir } from "../harness/scratch";

const CLI = path.join(ROOT, "dist", "tools", "synth", "cli.js");

describe("synth: stack files", () => {
  it("turns objects into JSON, secure values (not decryptable offline) into marked secret stand-ins", () => {
    const sc = parseStackConfig(
      [
        "config:",
        "  registry-platform:environment: dev",
        "  registry-platform:storage:",
        "    recoveryWindowDays: 7",
        "  registry-platform:s3SecretKey:",
        "    secure: v1:abc",
        "  aws:region: us-east-1",
      ].join("\n"),
      "x.yaml",
    );
    assert.deepStrictEqual(sc.config, {
      "registry-platform:environment": "dev",
      "registry-platform:storage": '{"recoveryWindowDays":7}',
      "registry-platform:s3SecretKey": `${SECRET_PLACEHOLDER}registry-platform:s3SecretKey`,
      "aws:region": "us-east-1",
    });
    assert.deepStrictEqual(sc.secretKeys, ["registry-platform:s3SecretKey"]);
  });

  it("names the file on malformed YAML", () => {
    assert.throws(
      () => parseStackConfig("config: [", "stacks/Pulumi.bad.yaml"),
      /stacks\/Pulumi.bad.yaml: not valid YAML/,
    );
  });

  it("says a file is not a stack file (a project file, a scalar), instead of listing missing keys", () => {
    assert.throws(
      () =>
        parseStackConfig("name: registry-platform\nruntime: nodejs\nmain: dist/index.js\n", "Pulumi.yaml"),
      /^StackFileError: Pulumi\.yaml: not a stack file: no "config" section, and top-level keys a stack file does not have \(name, runtime, main: a project file\?\); a stack file holds config, secretsprovider, encryptedkey, encryptionsalt, environment$/,
    );
    assert.throws(
      () => parseStackConfig("my-host\n", "/etc/hostname"),
      /\/etc\/hostname: not a stack file \(a YAML map/,
    );
    // A stack file without config (or empty) is still one: its required keys are then reported as missing.
    assert.deepStrictEqual(parseStackConfig("", "e.yaml"), { config: {}, secretKeys: [] });
    assert.deepStrictEqual(parseStackConfig("secretsprovider: passphrase\n", "s.yaml"), {
      config: {},
      secretKeys: [],
    });
  });
});

describe("synth: CLI", function () {
  this.timeout(60000);
  let out: string;
  before(() => {
    out = scratchDir("synth");
  });

  it("writes resources.json and outputs.json with secrets redacted", () => {
    // prod-apne2 reads its replica prod-apne1 (StackReference): synthesize the replica first, into the same dir.
    execFileSync(process.execPath, [CLI, "--stack", "prod-apne1", "--out", out, "--quiet"], {
      encoding: "utf8",
    });
    const stdout = execFileSync(process.execPath, [CLI, "--stack", "prod-apne2", "--out", out], {
      encoding: "utf8",
    });
    assert.match(stdout, /resources by type:/);
    const resources = JSON.parse(
      fs.readFileSync(path.join(out, "prod-apne2", "resources.json"), "utf8"),
    ) as ResourceDoc[];
    const outputs = JSON.parse(
      fs.readFileSync(path.join(out, "prod-apne2", "outputs.json"), "utf8"),
    ) as Record<string, unknown>;
    assert.ok(resources.length > 0);
    for (const r of resources) {
      assert.match(r.urn, /^urn:pulumi:prod-apne2::registry-platform::/);
      assert.ok(Array.isArray(r.dependencies));
    }
    // Options as registered: the Harbor API resources name the release they are deleted with.
    const release = resources.find((r) => r.name === "registry-harbor-release")!;
    const harborApi = resources.filter((r) => r.type === "pulumi-nodejs:dynamic:Resource");
    assert.ok(harborApi.length > 0);
    for (const r of harborApi) assert.strictEqual(r.options?.deletedWith, release.urn, r.name);
    assert.strictEqual(outputs.registryHost, "registry.apne2.example.com");
    const text =
      fs.readFileSync(path.join(out, "prod-apne2", "resources.json"), "utf8") + JSON.stringify(outputs);
    assert.ok(!text.includes(SECRET_PLACEHOLDER), "a secret config value leaked into the synth output");
    assert.ok(!/PRIVATE KEY-----\\n[A-Za-z0-9+/]/.test(text), "a private key leaked into the synth output");
  });

  it('the primary read its replica\'s outputs from the same --out (StackReference); secret ones stay "[secret]"', () => {
    const docs = JSON.parse(
      fs.readFileSync(path.join(out, "prod-apne2", "resources.json"), "utf8"),
    ) as ResourceDoc[];
    const ref = docs.find((d) => d.type === "pulumi:pulumi:StackReference")!;
    assert.deepStrictEqual(
      [ref.name, ref.inputs, ref.read],
      ["registry-replication-prod-apne1", { name: "organization/registry-platform/prod-apne1" }, true],
    );
    const endpoint = docs.find((d) => d.name === "registry-harbor-replication-prod-apne1-endpoint")!;
    // A Harbor resource's inputs are under `spec` (components/harbor-config/shape.ts).
    const inputs = (endpoint.inputs as { spec: Record<string, unknown> }).spec;
    assert.strictEqual(inputs.url, "https://registry.apne1.example.com");
    assert.strictEqual(inputs.accessKey, "robot$replication");
    assert.strictEqual(inputs.accessSecret, "[secret]");
    const replica = JSON.parse(
      fs.readFileSync(path.join(out, "prod-apne1", "outputs.json"), "utf8"),
    ) as Record<string, any>;
    assert.strictEqual(replica.replicationRobotSecret, "[secret]");
    assert.strictEqual(inputs.caCertificate, replica.replicationTarget.caBundlePem);
    const policies = docs.filter(
      (d) => (d.inputs as { spec?: { kind?: string } }).spec?.kind === "harbor:ReplicationPolicy",
    );
    assert.deepStrictEqual(
      policies.map((p) => (p.inputs as { spec: { name: string } }).spec.name),
      ["to-prod-apne1", "to-prod-apne1-reconcile"],
    );
  });

  it("--peer-outputs reads the replicas from another directory", () => {
    const other = scratchDir("synth-other");
    try {
      const r = spawnSync(
        process.execPath,
        [CLI, "--stack", "prod-apne2", "--out", other, "--peer-outputs", out, "--quiet"],
        { encoding: "utf8" },
      );
      assert.strictEqual(r.status, 0, r.stderr);
      assert.ok(fs.existsSync(path.join(other, "prod-apne2", "outputs.json")));
      assert.ok(!fs.existsSync(path.join(other, "prod-apne1")), "the replica is read, not written");
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it("invalid config: exit 2, every problem on stderr, the previous out/<stack>/ kept as it was", () => {
    const dir = path.join(out, "dev");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "resources.json"), "previous resources");
    fs.writeFileSync(path.join(dir, "outputs.json"), "previous outputs");
    const bad = path.join(out, "bad.yaml");
    fs.writeFileSync(
      bad,
      "config:\n  registry-platform:environment: qa\n  registry-platform:region: ap-northeast-2\n",
    );
    const r = spawnSync(process.execPath, [CLI, "--stack", "dev", "--config-file", bad, "--out", out], {
      encoding: "utf8",
    });
    assert.strictEqual(r.status, 2, r.stderr);
    assert.match(
      r.stderr,
      /registry-platform:environment: found "qa"; allowed: one of "dev", "staging", "prod"/,
    );
    assert.match(r.stderr, /registry-platform:host: found nothing \(the key is required\)/);
    // The "before" side of a plan-diff survives a failed synth.
    assert.strictEqual(fs.readFileSync(path.join(dir, "resources.json"), "utf8"), "previous resources");
    assert.strictEqual(fs.readFileSync(path.join(dir, "outputs.json"), "utf8"), "previous outputs");
    assert.deepStrictEqual(fs.readdirSync(out).sort(), ["bad.yaml", "dev", "prod-apne1", "prod-apne2"]);
  });

  const STACKS = "dev, onprem, prod-apne1, prod-apne2";
  const oneLine = (stderr: string) => {
    assert.strictEqual(stderr.trimEnd().split("\n").length, 1, `not one line:\n${stderr}`);
    assert.doesNotMatch(stderr, /\n\s+at /, "a stack trace was printed");
  };

  it("unknown stack: exit 2, one line listing the stacks that exist, no stack trace", () => {
    const r = spawnSync(process.execPath, [CLI, "--stack", "staging", "--out", out], { encoding: "utf8" });
    assert.strictEqual(r.status, 2, r.stderr);
    oneLine(r.stderr);
    assert.match(r.stderr, /^synth: no stack "staging": stacks\/Pulumi\.staging\.yaml does not exist/);
    assert.ok(r.stderr.includes(`stacks: ${STACKS}`), r.stderr);
    assert.ok(!fs.existsSync(path.join(out, "staging")));
  });

  it("missing --config-file: exit 2, one line naming the file, no stack trace", () => {
    const missing = path.join(out, "nope.yaml");
    const r = spawnSync(process.execPath, [CLI, "--stack", "dev", "--config-file", missing, "--out", out], {
      encoding: "utf8",
    });
    assert.strictEqual(r.status, 2, r.stderr);
    oneLine(r.stderr);
    assert.ok(r.stderr.includes(`--config-file ${missing} does not exist`), r.stderr);
    assert.ok(r.stderr.includes(`stacks: ${STACKS}`), r.stderr);
  });

  it("malformed YAML: exit 2, one line with the file and the position, no stack trace, previous output kept", () => {
    const dir = path.join(out, "dev");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "resources.json"), "previous resources");
    const bad = path.join(out, "malformed.yaml");
    fs.writeFileSync(bad, "config:\n  registry-platform:environment: [dev\n");
    const r = spawnSync(process.execPath, [CLI, "--stack", "dev", "--config-file", bad, "--out", out], {
      encoding: "utf8",
    });
    assert.strictEqual(r.status, 2, r.stderr);
    oneLine(r.stderr);
    assert.ok(r.stderr.includes(`${bad}: not valid YAML`), r.stderr);
    assert.match(r.stderr, /line \d+/);
    assert.strictEqual(fs.readFileSync(path.join(dir, "resources.json"), "utf8"), "previous resources");
    fs.rmSync(bad);
  });

  it("answers a command-line or stack-file mistake without loading the Pulumi SDK or the program", () => {
    // A preloaded hook reports, at exit, how many of the heavy modules the process had loaded.
    const hook = writeLoadedHook(path.join(out, "loaded-hook.js"), [
      path.join(ROOT, "node_modules", "@pulumi", "pulumi") + path.sep,
      path.join(ROOT, "dist", "components") + path.sep,
      path.join(ROOT, "dist", "index.js"),
    ]);
    const loaded = (...args: string[]): [number | null, number] => {
      const r = spawnSync(process.execPath, ["--require", hook, CLI, ...args], { encoding: "utf8" });
      return [r.status, loadedCount(r.stderr)];
    };
    const bad = path.join(out, "malformed-2.yaml");
    fs.writeFileSync(bad, "config: [\n");
    assert.deepStrictEqual(loaded("--stak", "dev"), [64, 0]);
    assert.deepStrictEqual(loaded("--stack", "staging", "--out", out), [2, 0]);
    assert.deepStrictEqual(loaded("--stack", "dev", "--config-file", bad, "--out", out), [2, 0]);
    // The hook sees them when the synth runs (the check is not vacuous), and a second one shows that the synth
    // leaves TypeScript unloaded, though the SDK loads it when imported (tools/defer-typescript.ts).
    const typescript = writeLoadedHook(path.join(out, "typescript-hook.js"), [
      path.dirname(require.resolve("typescript/package.json")) + path.sep,
    ]);
    // A third shows that registering Harbor resources leaves the Harbor API client and the provider unloaded:
    // only the engine's provider process runs them (components/harbor-config/kinds.ts).
    const harborClient = writeLoadedHook(
      path.join(out, "harbor-client-hook.js"),
      [
        "harbor-config/client.js",
        "harbor-config/crud/",
        "harbor-config/provider.js",
        "replication/harbor/policy.js",
        "replication/harbor/system-robot.js",
      ].map((f) => path.join(ROOT, "dist", "components", f)),
    );
    // An older synth's out/dev/ (checked by the next test: replaced whole).
    fs.mkdirSync(path.join(out, "dev"), { recursive: true });
    fs.writeFileSync(path.join(out, "dev", "resources.json"), "[]\n");
    const hooks = [hook, typescript, harborClient].flatMap((h) => ["--require", h]);
    const r = spawnSync(process.execPath, [...hooks, CLI, "--stack", "dev", "--out", out, "--quiet"], {
      encoding: "utf8",
    });
    assert.strictEqual(r.status, 0, r.stderr);
    const [heavy, ts, client] = loadedCounts(r.stderr, 3);
    assert.ok(heavy > 50, `${heavy} modules`);
    assert.strictEqual(ts, 0, r.stderr);
    assert.strictEqual(client, 0, r.stderr);
    const types = (
      JSON.parse(fs.readFileSync(path.join(out, "dev", "resources.json"), "utf8")) as { type: string }[]
    ).map((x) => x.type);
    assert.ok(types.includes("pulumi-nodejs:dynamic:Resource"), "the synth registered Harbor resources");
    fs.rmSync(bad);
  });

  it("a successful synth replaces out/<stack>/ whole and leaves no temporary directory", () => {
    // The synth is the one of the test above (one dev synth for both): it ran over an older out/dev/.
    const dir = path.join(out, "dev");
    assert.deepStrictEqual(fs.readdirSync(dir).sort(), ["outputs.json", "resources.json"]);
    assert.ok(JSON.parse(fs.readFileSync(path.join(dir, "resources.json"), "utf8")).length > 0);
    assert.deepStrictEqual(
      fs.readdirSync(out).filter((f) => f.startsWith(".")),
      [],
    );
  });

  it("rejects unknown arguments with usage", () => {
    const r = spawnSync(process.execPath, [CLI, "--stak", "dev"], { encoding: "utf8" });
    assert.strictEqual(r.status, 64);
    assert.match(r.stderr, /unknown argument --stak\nusage: synth --stack <name>/);
  });

  it('refuses --stack "." or "..": <out>/<stack> would be the out directory or its parent, replaced whole', () => {
    // Before: `--stack .. --config-file <file> --out <dir>/out` renamed <dir> aside, wrote the two JSON files
    // in its place and deleted everything else in it.
    const parent = path.join(out, "victim");
    fs.mkdirSync(path.join(parent, "out"), { recursive: true });
    fs.writeFileSync(path.join(parent, "precious.txt"), "kept");
    const file = path.join(ROOT, "stacks", "Pulumi.dev.yaml");
    for (const stack of ["..", "."]) {
      const r = spawnSync(
        process.execPath,
        [CLI, "--stack", stack, "--config-file", file, "--out", path.join(parent, "out"), "--quiet"],
        { encoding: "utf8" },
      );
      assert.strictEqual(r.status, 64, r.stderr);
      assert.strictEqual(
        r.stderr,
        `--stack: found ${JSON.stringify(stack)}; allowed: [A-Za-z0-9._-]+, not "." or ".."\n`,
      );
    }
    assert.strictEqual(fs.readFileSync(path.join(parent, "precious.txt"), "utf8"), "kept");
    assert.deepStrictEqual(fs.readdirSync(path.join(parent, "out")), []);
  });

  it("refuses an <out>/<stack> that holds other files than a synth's (exit 2, one line): it would be replaced whole", () => {
    // E.g. `--out .` from the repository with a stack named like a source folder (`--stack config`).
    const root = fs.mkdtempSync(path.join(out, "repo-"));
    fs.mkdirSync(path.join(root, "config"));
    fs.writeFileSync(path.join(root, "config", "schema.ts"), "kept");
    fs.writeFileSync(path.join(root, "config", "outputs.json"), "kept too");
    const file = path.join(ROOT, "stacks", "Pulumi.dev.yaml");
    const r = spawnSync(
      process.execPath,
      [CLI, "--stack", "config", "--config-file", file, "--out", root, "--quiet"],
      { encoding: "utf8" },
    );
    assert.strictEqual(r.status, 2, r.stderr);
    assert.match(
      r.stderr,
      /^synth: \S*config holds files a synth did not write \(schema\.ts\); a synth replaces that directory whole: choose another --out, or remove them\n$/,
    );
    assert.deepStrictEqual(fs.readdirSync(path.join(root, "config")).sort(), ["outputs.json", "schema.ts"]);
    assert.strictEqual(fs.readFileSync(path.join(root, "config", "outputs.json"), "utf8"), "kept too");
  });

  it('an empty value is a missing value (64): --out "" would write into the working directory', () => {
    const cwd = fs.mkdtempSync(path.join(out, "cwd-"));
    for (const flag of ["--out", "--config-file", "--peer-outputs"]) {
      const r = spawnSync(process.execPath, [CLI, "--stack", "dev", flag, "", "--quiet"], {
        encoding: "utf8",
        cwd,
      });
      assert.strictEqual(r.status, 64, `${flag}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^${flag} needs a value\nusage: synth`));
    }
    assert.deepStrictEqual(fs.readdirSync(cwd), []);
  });
});

describe("CLIs: exit statuses as the README documents them (0/1/2/64)", () => {
  const run = (file: string, args: string[]) =>
    spawnSync(process.execPath, [path.join(ROOT, "dist", "tools", ...file.split("/")), ...args], {
      encoding: "utf8",
    });

  it("plan-diff: 64 without arguments, 2 when a synth output is missing (one line)", () => {
    assert.strictEqual(run("synth/diff.js", []).status, 64);
    const r = run("synth/diff.js", ["/nonexistent-before", "/nonexistent-after"]);
    assert.strictEqual(r.status, 2, r.stderr);
    assert.strictEqual(r.stderr, "plan-diff: no synth output in /nonexistent-before or /nonexistent-after\n");
  });

  it("plan-diff: a side that does not exist counts as no stacks, and stderr says so (a mistyped path)", () => {
    const tmp = scratchDir("plan-diff");
    fs.mkdirSync(path.join(tmp, "before", "dev"), { recursive: true });
    fs.writeFileSync(path.join(tmp, "before", "dev", "resources.json"), "[]\n");
    fs.writeFileSync(path.join(tmp, "before", "dev", "outputs.json"), '{"a":1}\n');
    const typo = path.join(tmp, "aftr");
    const r = run("synth/diff.js", [path.join(tmp, "before"), typo]);
    assert.strictEqual(r.status, 1, r.stderr);
    assert.strictEqual(
      r.stderr,
      `plan-diff: ${typo} does not exist: compared as no synth output (every stack on the other side deleted)\n`,
    );
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("plan-diff: 2 when a synth output is not JSON, one line naming the file", () => {
    const tmp = scratchDir("plan-diff");
    for (const side of ["before", "after"]) {
      fs.mkdirSync(path.join(tmp, side, "dev"), { recursive: true });
      fs.writeFileSync(path.join(tmp, side, "dev", "resources.json"), "[]\n");
      fs.writeFileSync(path.join(tmp, side, "dev", "outputs.json"), "{}\n");
    }
    const bad = path.join(tmp, "after", "dev", "outputs.json");
    fs.writeFileSync(bad, "{\n");
    const r = run("synth/diff.js", [path.join(tmp, "before"), path.join(tmp, "after")]);
    assert.strictEqual(r.status, 2, r.stderr);
    assert.ok(r.stderr.startsWith(`plan-diff: ${bad}: not JSON (`), r.stderr);
    assert.strictEqual(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("bench: 64 on an unknown argument, one line, before any measurement", () => {
    const r = run("bench/cli.js", ["--bogus"]);
    assert.strictEqual(r.status, 64, r.stderr);
    assert.strictEqual(
      r.stderr,
      "bench: unknown argument --bogus; usage: bench [--runs N] [--stack S] [--only ratio|scaling|peers] [--peers N,M,...] [--replica R]\n",
    );
  });
});
