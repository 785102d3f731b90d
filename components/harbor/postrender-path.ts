/**
 * Where the Harbor release finds its Helm post-renderer (`bin/registry-platform-helm-postrender` of this
 * package; `redis-postrender.ts`). Helm runs the path it is given; the Kubernetes provider runs in the Pulumi
 * project's directory, as the program does, so a path under the program's working directory is given relative to
 * it (`./bin/…` in a checkout, `./node_modules/registry-platform/bin/…` in a consumer): the Release's inputs then
 * do not change between machines. Elsewhere (a linked package) the absolute path.
 */
import * as path from "path";

/** The post-renderer's file name under the package's `bin/`. */
export const HELM_POSTRENDER_BIN = "registry-platform-helm-postrender";

/** The package root: `dist/components/harbor/` → three levels up. */
const PACKAGE_ROOT = path.resolve(__dirname, "..", "..", "..");

/** The path to give Helm, relative to `cwd` when the file is under it. */
export function helmPostRendererPath(cwd: string = process.cwd(), root: string = PACKAGE_ROOT): string {
  const file = path.join(root, "bin", HELM_POSTRENDER_BIN);
  const rel = path.relative(cwd, file);
  return rel.startsWith("..") || path.isAbsolute(rel) ? file : `./${rel.split(path.sep).join("/")}`;
}

/** Whether the release needs the post-renderer: an external Redis with a password. */
export function redisPostRender(r: {
  redis: { type: "internal" } | { type: "external"; password?: unknown };
}): boolean {
  return r.redis.type === "external" && r.redis.password !== undefined;
}
