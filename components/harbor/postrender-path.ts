/**
 * Where the Harbor release finds its Helm post-renderer (`bin/registry-platform-helm-postrender` of this
 * package; `redis-postrender.ts`). Helm runs the path it is given from the Kubernetes provider's working
 * directory, which is the program's: the engine starts the program and its plugins in the directory of the
 * project's `main` (the project directory for `main: index.ts`, `<project>/bin` for a compiled `main: bin/index.js`).
 * So when the file is inside the Pulumi project, the path is relative to that directory (`./bin/…` from a
 * checkout, `./node_modules/registry-platform/bin/…` or `../node_modules/registry-platform/bin/…` from a
 * consumer): the release's inputs are then the same on every machine. Outside the project (a package linked from
 * elsewhere), the absolute path.
 */
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";

/** The post-renderer's file name under the package's `bin/`. */
export const HELM_POSTRENDER_BIN = "registry-platform-helm-postrender";

/** The package root: `dist/components/harbor/` → three levels up. */
const PACKAGE_ROOT = path.resolve(__dirname, "..", "..", "..");

/**
 * The Pulumi project's directory: the engine's (`pulumi.runtime.getRootDirectory()` of SDKs that have it, on a real
 * engine), else the nearest directory from `cwd` up with a `Pulumi.yaml` (the program's `main` is always under its
 * project's), else `cwd`.
 */
function projectRootOf(cwd: string): string {
  const getRoot = (pulumi.runtime as { getRootDirectory?: () => string }).getRootDirectory;
  const engine = typeof getRoot === "function" ? getRoot() : "";
  if (path.isAbsolute(engine)) return engine;
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    if (["Pulumi.yaml", "Pulumi.yml"].some((f) => fs.existsSync(path.join(dir, f)))) return dir;
    if (path.dirname(dir) === dir) return cwd;
  }
}

/** `dir` with its links resolved, as the program's working directory and `__dirname` are (as is if missing). */
function physical(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return dir;
  }
}

/** Whether `file` is `dir` or under it. */
function under(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/**
 * The path to give Helm: relative to `cwd` (the program's and the provider's working directory) when the file is
 * in `projectRoot`, else absolute.
 */
export function helmPostRendererPath(
  cwd: string = process.cwd(),
  root: string = PACKAGE_ROOT,
  projectRoot: string = projectRootOf(cwd),
): string {
  const file = path.join(root, "bin", HELM_POSTRENDER_BIN);
  if (!under(physical(projectRoot), file)) return file;
  const rel = path.relative(cwd, file).split(path.sep).join("/");
  return rel.startsWith("../") ? rel : `./${rel}`;
}

/**
 * The external Redis's password, when there is one: it gets its own Secret, and the release the post-renderer
 * (the chart writes it into ConfigMaps). `undefined` for the internal Redis or one without a password.
 */
export function externalRedisPassword<P>(r: {
  redis: { type: "internal" } | { type: "external"; password?: P };
}): P | undefined {
  return r.redis.type === "external" ? r.redis.password : undefined;
}
