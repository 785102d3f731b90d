/**
 * A scratch consumer of the packed package, offline: the runtime dependencies and peers are placed from this
 * project's node_modules as hard links (same files npm would extract from its cache, in seconds), then npm
 * installs the tarball itself and resolves every edge against them; nothing is fetched. A package can be placed
 * from an npm alias under its real name (`Substitutes`): the consumer gets another version than this project's.
 */
import { spawnSync, SpawnSyncOptions } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../harness";

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

export function readLock(root = ROOT): Record<string, LockEntry> {
  const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, LockEntry>;
  };
  return lock.packages;
}

/** Node's lookup over the lockfile's layout: `name` as required from the package installed at `from`. */
function resolveIn(lock: Record<string, LockEntry>, name: string, from: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ""}node_modules/${name}`;
    if (lock[candidate]) return candidate;
    if (!dir) return undefined;
    const i = dir.lastIndexOf("/node_modules/");
    dir = i < 0 ? "" : dir.slice(0, i);
  }
}

/**
 * Package name → the lockfile path that stands for it in the consumer, e.g. `{"@pulumi/pulumi":
 * "node_modules/pulumi-peer-floor"}` (an `npm:@pulumi/pulumi@<version>` alias of this project).
 */
export type Substitutes = Record<string, string>;

/**
 * Lockfile paths of `roots` and everything they need at run time (dependencies, required peers); a name in
 * `substitutes` resolves to its stand-in wherever it is required.
 */
export function runtimeClosure(
  lock: Record<string, LockEntry>,
  roots: string[],
  substitutes: Substitutes = {},
): string[] {
  const seen = new Set<string>();
  const resolve = (name: string, from: string) => substitutes[name] ?? resolveIn(lock, name, from);
  const todo = roots.map((r) => {
    const p = resolve(r, "");
    if (!p || !lock[p]) throw new Error(`${r} is not in package-lock.json`);
    return p;
  });
  while (todo.length > 0) {
    const p = todo.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    const e = lock[p];
    const meta = e.peerDependenciesMeta ?? {};
    const names = [
      ...Object.keys(e.dependencies ?? {}),
      ...Object.keys(e.optionalDependencies ?? {}),
      ...Object.keys(e.peerDependencies ?? {}).filter((n) => !meta[n]?.optional),
    ];
    for (const n of names) {
      const r = resolve(n, p);
      if (r) todo.push(r);
      else if (!e.optionalDependencies?.[n])
        throw new Error(`${p} needs ${n}, which is not in package-lock.json`);
    }
  }
  return [...seen].sort();
}

/** Recreates `src` under `dst` with hard links (falls back to copies across file systems); skips node_modules. */
function linkTree(src: string, dst: string): void {
  fs.mkdirSync(dst, { recursive: true });
  for (const d of fs.readdirSync(src, { withFileTypes: true })) {
    if (d.name === "node_modules") continue;
    const s = path.join(src, d.name);
    const t = path.join(dst, d.name);
    if (d.isDirectory()) linkTree(s, t);
    else if (d.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(s), t);
    else {
      try {
        fs.linkSync(s, t);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
        fs.copyFileSync(s, t);
      }
    }
  }
}

/** Where the package at lockfile path `p` goes in the consumer: a stand-in (and what it nests) under its name. */
export function consumerPath(p: string, substitutes: Substitutes = {}): string {
  for (const [name, standIn] of Object.entries(substitutes))
    if (p === standIn || p.startsWith(`${standIn}/`)) return `node_modules/${name}${p.slice(standIn.length)}`;
  return p;
}

/**
 * Links the executables of the package in `dir` into the `.bin` of the node_modules that holds it, as npm
 * would: npm re-fetches a package whose bin links are missing (arborist's diff), which offline means a failure
 * unless its metadata happens to be in the cache.
 */
function linkBins(dir: string): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
    name: string;
    bin?: string | Record<string, string>;
  };
  const bins =
    typeof manifest.bin === "string"
      ? { [manifest.name.replace(/^@[^/]+\//, "")]: manifest.bin }
      : manifest.bin;
  if (!bins) return;
  const binDir = path.join(dir, manifest.name.startsWith("@") ? "../.." : "..", ".bin");
  fs.mkdirSync(binDir, { recursive: true });
  for (const [name, file] of Object.entries(bins)) {
    const link = path.join(binDir, name);
    if (!fs.existsSync(link)) fs.symlinkSync(path.relative(binDir, path.join(dir, file)), link);
  }
}

/** Places the packages at `paths` (lockfile paths) of this project's node_modules into `consumer`. */
export function placePackages(
  consumer: string,
  paths: string[],
  substitutes: Substitutes = {},
  root = ROOT,
): void {
  for (const p of paths) {
    const dir = path.join(consumer, consumerPath(p, substitutes));
    linkTree(fs.realpathSync(path.join(root, p)), dir);
    linkBins(dir);
  }
}

/** The devDependency `npm:@pulumi/pulumi@<floor of the peer range>` a consumer can get as its @pulumi/pulumi. */
export const PEER_FLOOR_ALIAS = "pulumi-peer-floor";

/**
 * Makes `consumer` a project that installed the packed package offline: its runtime dependencies and required
 * peers (and `devDependencies`) placed from this project's node_modules, a package.json declaring the peers as a
 * Pulumi project does, then `npm install <tarball>`. Returns the version of a package placed in the consumer.
 */
export function installConsumer(
  consumer: string,
  tarball: string,
  o: { substitutes?: Substitutes; devDependencies?: string[] } = {},
): (name: string) => string {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
    peerDependencies: Record<string, string>;
    peerDependenciesMeta: Record<string, { optional?: boolean }>;
  };
  const substitutes = o.substitutes ?? {};
  const dev = o.devDependencies ?? [];
  const peers = Object.keys(manifest.peerDependencies).filter(
    (p) => !manifest.peerDependenciesMeta[p]?.optional,
  );
  fs.mkdirSync(consumer, { recursive: true });
  placePackages(
    consumer,
    runtimeClosure(readLock(), [...Object.keys(manifest.dependencies), ...peers, ...dev], substitutes),
    substitutes,
  );
  const placed = (name: string) =>
    (
      JSON.parse(fs.readFileSync(path.join(consumer, "node_modules", name, "package.json"), "utf8")) as {
        version: string;
      }
    ).version;
  // `--legacy-peer-deps`: npm would otherwise fetch the peers' registry metadata to resolve them, which offline
  // works only when a past install left it in npm's cache (`npm ls` checks the peer ranges instead).
  fs.writeFileSync(
    path.join(consumer, "package.json"),
    JSON.stringify({
      name: "consumer",
      version: "1.0.0",
      private: true,
      dependencies: Object.fromEntries(peers.map((p) => [p, placed(p)])),
      devDependencies: Object.fromEntries(dev.map((p) => [p, placed(p)])),
    }),
  );
  const offline = ["--offline", "--legacy-peer-deps", "--no-audit", "--no-fund", "--ignore-scripts"];
  run(process.platform === "win32" ? "npm.cmd" : "npm", ["install", ...offline, tarball], { cwd: consumer });
  return placed;
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command; fails with its output when it exits non-zero. */
export function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): Run {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...opts });
  const out = { status: r.status, stdout: String(r.stdout ?? ""), stderr: String(r.stderr ?? "") };
  if (r.error || r.status !== 0)
    throw new Error(
      `${cmd} ${args.join(" ")} failed (${r.error?.message ?? `exit ${r.status}`}):\n${out.stdout}\n${out.stderr}`,
    );
  return out;
}

/** The ```ts block of README.md's "Use as a library" section: the consumer's program. */
export function readmeLibraryExample(root = ROOT): string {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const section = /^## Use as a library\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  if (!section) throw new Error('README.md has no "## Use as a library" section');
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('README.md "Use as a library" has no ```ts example');
  return code;
}

/**
 * Runs the compiled consumer program on the consumer's own @pulumi/pulumi mock engine (mocks written here, as
 * a user testing their program would), then prints what was registered and a few resolved outputs as JSON.
 */
export const MOCK_RUNNER = `"use strict";
const pulumi = require("@pulumi/pulumi");
const PEM = (k) => "-----BEGIN " + k + "-----\\nAAAA\\n-----END " + k + "-----\\n";
const registered = [];
let closureBytes = 0;
pulumi.runtime.setMocks(
  {
    newResource(args) {
      const i = args.inputs;
      registered.push({ type: args.type, name: args.name });
      if (typeof i.__provider === "string") closureBytes = Math.max(closureBytes, i.__provider.length);
      const fakes = {
        result: "r".repeat(i.length || 32),
        privateKeyPem: PEM("PRIVATE KEY"),
        publicKeyPem: PEM("PUBLIC KEY"),
        certPem: PEM("CERTIFICATE"),
        certRequestPem: PEM("CERTIFICATE REQUEST"),
        arn: "arn:aws:mock::123456789012:" + args.name,
        secret: "s".repeat(32),
        fullName: "robot$" + i.project + "+" + i.name,
        projectId: 1,
        robotId: 1,
      };
      return { id: args.custom === false ? undefined : args.name + "-id", state: { ...fakes, ...i } };
    },
    call(args) {
      return { accountId: "123456789012", ...args.inputs };
    },
  },
  "consumer",
  "dev",
  false,
);
process.on("unhandledRejection", (e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + "\\n");
  process.exit(1);
});
const program = require("./out/index.js");
const pulumiPath = require.resolve("@pulumi/pulumi");
const fromPackage = require.resolve("@pulumi/pulumi", { paths: [require.resolve("registry-platform")] });
pulumi
  .all([program.registryBucket, program.harborAdminPassword, pulumi.isSecret(program.harborAdminPassword)])
  .apply(([bucket, admin, adminIsSecret]) =>
    setTimeout(() => {
      const summary = {
        registryUrl: program.registryUrl,
        bucket,
        adminLength: admin.length,
        adminIsSecret,
        samePulumi: pulumiPath === fromPackage,
        pulumiVersion: require(require("path").join(require("path").dirname(fromPackage), "package.json")).version,
        closureBytes,
        registered,
      };
      process.stdout.write(JSON.stringify(summary) + "\\n");
    }, 500),
  );
`;
