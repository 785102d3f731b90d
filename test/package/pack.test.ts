/**
 * The package as a product: `npm pack` (its `prepack` build) → install the tarball into a scratch consumer
 * with its own @pulumi/pulumi, offline → type-check the README's "Use as a library" example against the
 * package's types → run it on the consumer's mock engine. The consumer's @pulumi/pulumi is the oldest the peer
 * range admits (the `pulumi-peer-floor` alias among the devDependencies), not the version this project builds
 * with: the range is what a consumer on another 3.x relies on.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import { builtinModules } from "module";
import * as path from "path";
import { ROOT } from "../harness";
import { scratchDir } from "../harness/scratch";
import {
  installConsumer,
  MOCK_RUNNER,
  PEER_FLOOR_ALIAS,
  readLock,
  readmeLibraryExample,
  run,
} from "./consumer";

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
const lock = readLock();
/** The version that alias installs: the consumer's @pulumi/pulumi. */
const floor = lock[`node_modules/${PEER_FLOOR_ALIAS}`]?.version;
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  name: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  bin: Record<string, string>;
};

/** Type checks the consumer adds to the README example: public types are importable and not `any`. */
const CHECKS = `import * as pulumi from "@pulumi/pulumi";
import type { HarborConfigArgs, PlatformConfigValues, PlatformOutputs, RegistryStorageArgs, VeleroArgs } from "registry-platform";
import { registryBucket, registryUrl } from "./index";
type IsAny<T> = 0 extends 1 & T ? true : false;
export const typed: [IsAny<PlatformOutputs["registryBucket"]>, IsAny<PlatformConfigValues["environment"]>] = [false, false];
export const url: string = registryUrl;
export const bucket: pulumi.Output<string> = registryBucket;
export type Args = [HarborConfigArgs, RegistryStorageArgs, VeleroArgs];
`;

describe("package: npm pack → offline install into a consumer → tsc → mock engine", function () {
  this.timeout(240000);
  let tmp: string;
  let tarball: string;
  let consumer: string;
  let installed: string;

  before(() => {
    tmp = scratchDir("registry-platform-pack");
    consumer = path.join(tmp, "consumer");
    installed = path.join(consumer, "node_modules", manifest.name);
    run(NPM, ["pack", "--pack-destination", tmp], { cwd: ROOT });
    const tgz = fs.readdirSync(tmp).filter((f) => f.endsWith(".tgz"));
    assert.strictEqual(tgz.length, 1, `npm pack wrote ${tgz.join(", ")}`);
    tarball = path.join(tmp, tgz[0]);
  });

  after(() => {
    if (tmp && !process.env.KEEP_PACK_TEST) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("ships the library, the program, the CLIs and READMEs: no tests, stacks, CI, sources or maps", () => {
    const files = run("tar", ["-tzf", tarball])
      .stdout.split("\n")
      .filter((f) => f !== "")
      .map((f) => f.replace(/^package\//, ""));
    const bad = files.filter(
      (f) =>
        /^(test|stacks|\.ci|tools|scripts|out)\//.test(f) ||
        /^dist\/(test|tools\/bench)\//.test(f) ||
        /\.(map|tsbuildinfo)$/.test(f) ||
        (f.endsWith(".ts") && !f.endsWith(".d.ts")) ||
        /^(tsconfig|eslint|\.prettier|\.mocharc|package-lock)/.test(f),
    );
    assert.deepStrictEqual(bad, []);
    for (const f of ["package.json", "README.md", "dist/components/index.js", "dist/components/index.d.ts"])
      assert.ok(files.includes(f), f);
    for (const b of Object.values(manifest.bin)) assert.ok(files.includes(b), b);
    for (const c of ["storage", "tls", "harbor", "harbor-config", "velero"])
      assert.ok(files.includes(`components/${c}/README.md`), c);
    // No stale output: every compiled file has its source.
    const stale = files
      .filter((f) => f.startsWith("dist/") && f.endsWith(".js"))
      .filter((f) => !fs.existsSync(path.join(ROOT, f.slice("dist/".length).replace(/\.js$/, ".ts"))));
    assert.deepStrictEqual(stale, []);
  });

  it("the consumer's @pulumi/pulumi is the floor of the peer range, older than the one this project builds with", () => {
    assert.strictEqual(manifest.devDependencies[PEER_FLOOR_ALIAS], `npm:@pulumi/pulumi@${floor}`);
    assert.strictEqual(manifest.peerDependencies["@pulumi/pulumi"], `^${floor}`);
    assert.notStrictEqual(lock["node_modules/@pulumi/pulumi"].version, floor);
  });

  it("installs offline into a consumer on another @pulumi/pulumi 3.x, peers resolved, no nested copy", () => {
    const peers = Object.keys(manifest.peerDependencies).filter(
      (p) => !manifest.peerDependenciesMeta[p]?.optional,
    );
    const placed = installConsumer(consumer, tarball, {
      substitutes: { "@pulumi/pulumi": `node_modules/${PEER_FLOOR_ALIAS}` },
      devDependencies: ["@types/node"],
    });
    assert.strictEqual(placed("@pulumi/pulumi"), floor);
    // Exits non-zero on a missing, invalid or extraneous package or an unmet peer range of any package.
    run(NPM, ["ls", "--all", "--offline"], { cwd: consumer });
    const deps = (
      JSON.parse(fs.readFileSync(path.join(consumer, "package.json"), "utf8")) as {
        dependencies: Record<string, string>;
      }
    ).dependencies;
    assert.match(deps[manifest.name], /^file:.*\.tgz$/);
    assert.ok(fs.existsSync(path.join(installed, "dist", "components", "index.js")));
    assert.ok(!fs.existsSync(path.join(installed, "node_modules", "@pulumi")), "a nested @pulumi/* copy");
    for (const p of peers)
      assert.ok(fs.existsSync(path.join(consumer, "node_modules", p, "package.json")), p);
  });

  it("every import of the installed package resolves inside it, to a dependency, a peer or a Node built-in", () => {
    const allowed = new Set([
      ...Object.keys(manifest.dependencies),
      ...Object.keys(manifest.peerDependencies),
    ]);
    const problems: string[] = [];
    const walk = (dir: string): void => {
      for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
        const f = path.join(dir, d.name);
        if (d.isDirectory()) walk(f);
        else if (/\.(js|d\.ts)$/.test(d.name)) {
          const text = fs
            .readFileSync(f, "utf8")
            .replace(/\/\*[\s\S]*?\*\//g, "")
            .replace(/^\s*\/\/.*$/gm, "");
          for (const m of text.matchAll(/(?:require\(|from |import\()"([^"]+)"/g)) {
            const spec = m[1];
            if (spec.includes("${")) continue; // a message's text (`… from "${NAMESPACE}"`), not an import
            if (spec.startsWith(".")) {
              const base = path.resolve(path.dirname(f), spec);
              if (![".js", ".d.ts", "/index.js", ".json", ""].some((x) => fs.existsSync(base + x)))
                problems.push(`${path.relative(installed, f)}: ${spec}`);
            } else {
              const pkg = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
              if (!allowed.has(pkg) && !builtinModules.includes(spec.replace(/^node:/, "")))
                problems.push(`${path.relative(installed, f)}: ${spec}`);
            }
          }
        }
      }
    };
    walk(path.join(installed, "dist"));
    assert.deepStrictEqual(problems, []);
  });

  it("type-checks the README's library example against the package's types", () => {
    fs.writeFileSync(path.join(consumer, "index.ts"), readmeLibraryExample());
    fs.writeFileSync(path.join(consumer, "checks.ts"), CHECKS);
    fs.writeFileSync(
      path.join(consumer, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "node16",
          moduleResolution: "node16",
          strict: true,
          skipLibCheck: true,
          types: ["node"],
          outDir: "out",
        },
        files: ["index.ts", "checks.ts"],
      }),
    );
    run(process.execPath, [TSC, "-p", consumer], { cwd: consumer });
    assert.ok(fs.existsSync(path.join(consumer, "out", "index.js")));
  });

  it("runs the example on the consumer's mock engine: the platform, its children, outputs and secrets", () => {
    fs.writeFileSync(path.join(consumer, "run.js"), MOCK_RUNNER);
    const out = run(process.execPath, ["run.js"], { cwd: consumer }).stdout.trim().split("\n").pop()!;
    const s = JSON.parse(out) as {
      registryUrl: string;
      bucket: string;
      adminLength: number;
      adminIsSecret: boolean;
      samePulumi: boolean;
      pulumiVersion: string;
      closureBytes: number;
      registered: { type: string; name: string }[];
    };
    assert.strictEqual(s.registryUrl, "https://registry.example.internal");
    assert.strictEqual(s.bucket, "consumer-dev-registry");
    assert.strictEqual(s.adminLength, 32);
    assert.ok(s.adminIsSecret);
    assert.ok(s.samePulumi, "the package and the consumer load the same @pulumi/pulumi");
    assert.strictEqual(s.pulumiVersion, floor);
    const types = new Set(s.registered.map((r) => r.type));
    for (const t of [
      "registry-platform:platform:RegistryPlatform",
      "registry-platform:storage:RegistryStorage",
      "registry-platform:harbor:Harbor",
      "registry-platform:harbor-config:HarborConfig",
      "aws:s3/bucket:Bucket",
      "kubernetes:helm.sh/v3:Release",
    ])
      assert.ok(types.has(t), t);
    assert.ok(s.registered.length >= 50, `${s.registered.length} registrations`);
  });

  it("every bin entry runs from the consumer's node_modules/.bin and prints its usage", () => {
    const names = Object.keys(manifest.bin).sort();
    assert.deepStrictEqual(names, [
      "registry-platform-drill",
      "registry-platform-plan-diff",
      "registry-platform-synth",
      "registry-platform-verify",
    ]);
    for (const name of names) {
      const r = run(path.join(consumer, "node_modules", ".bin", name), ["--help"], { cwd: consumer });
      assert.match(r.stdout, new RegExp(`^usage: ${name.replace("registry-platform-", "")} `), name);
    }
  });

  it("the Harbor release's Helm post-renderer is installed executable where the library points Helm from the consumer", () => {
    // helmPostRendererPath() of the installed library, run from the consumer's directory as the program runs.
    const r = run(
      process.execPath,
      [
        "-e",
        // By file: the package's `exports` keep its internals out of reach of a plain require.
        "process.stdout.write(require(require('path').resolve('node_modules/registry-platform/dist/components/harbor/postrender-path.js')).helmPostRendererPath())",
      ],
      { cwd: consumer },
    );
    assert.strictEqual(r.stdout, "./node_modules/registry-platform/bin/registry-platform-helm-postrender");
    const bin = path.join(consumer, r.stdout);
    assert.ok(fs.statSync(bin).mode & 0o100, "executable");
    const manifests = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: v\n";
    const out = spawnSync(bin, [], { cwd: consumer, input: manifests, encoding: "utf8" });
    assert.strictEqual(out.status, 0, out.stderr);
    assert.strictEqual(out.stdout, manifests);
  });

  it("the installed synth bin synthesizes the consumer's own stack file; a stack without one is exit 2, one line", () => {
    // The package ships no stacks/: before, listing them crashed the synth (exit 1, ENOENT and a stack trace)
    // whatever the arguments, --config-file included.
    const bin = path.join(consumer, "node_modules", ".bin", "registry-platform-synth");
    const file = path.join(consumer, "Pulumi.dev.yaml");
    fs.copyFileSync(path.join(ROOT, "stacks", "Pulumi.dev.yaml"), file);
    // Without --out: `out/` in the working directory, not in the installed package under node_modules.
    const out = path.join(consumer, "out");
    const r = spawnSync(bin, ["--stack", "dev", "--config-file", file, "--quiet"], {
      cwd: consumer,
      encoding: "utf8",
    });
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /^synth dev: \d+ resources in \d+ ms → out\/dev$/m);
    assert.ok(JSON.parse(fs.readFileSync(path.join(out, "dev", "resources.json"), "utf8")).length > 50);
    assert.ok(!fs.existsSync(path.join(installed, "out")), "wrote into node_modules/registry-platform/out");
    const missing = spawnSync(bin, ["--stack", "dev", "--out", out], { cwd: consumer, encoding: "utf8" });
    assert.strictEqual(missing.status, 2, missing.stderr);
    assert.strictEqual(
      missing.stderr,
      'synth: no stack "dev": stacks/Pulumi.dev.yaml does not exist (stacks: none; or give --config-file <path>)\n',
    );
  });
});
