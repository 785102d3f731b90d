/**
 * CLI start-up: the Pulumi SDK (3.248) loads TypeScript as soon as it is imported — its closure serializer's
 * `typescript-shim.js` requires the `typescript` package (9 MB; ~0.45 s of a 1.8 s synth here) — though only a
 * closure serialization uses it, and the CLIs' programs serialize no closure (the Harbor resources carry a fixed
 * loader text: `components/harbor-config/provider-loader.ts`). {@link deferSdkTypeScript} puts a stand-in for that
 * shim in Node's module cache: the real shim, and with it TypeScript, is loaded on the first use of any of its
 * members, and whatever holds the stand-in then reaches the real module. The CLIs that load the SDK (`synth/cli`,
 * `drill/cli`, `verify/cli`, `ci/stacks`) call it first, through `./startup.ts`. The program under a real engine
 * does not (the language host loads the SDK before it), nor does the benchmark, which measures the program as the
 * engine loads it.
 */
import * as fs from "fs";
import Module from "module";
import * as path from "path";

/** The SDK's module, relative to its package root, that loads TypeScript. */
export const SDK_TYPESCRIPT_SHIM = "typescript-shim.js";

/** The `id` of the stand-in's module-cache entry (a loaded file's is its path): it loaded no file. */
export const DEFERRED_MODULE_ID = "registry-platform:deferred";

/**
 * Puts the stand-in in place. Returns the shim's path, or `undefined` when nothing was done: the SDK is not
 * installed here, it has no such module (another version), or the shim is loaded already.
 */
export function deferSdkTypeScript(): string | undefined {
  let file: string;
  try {
    file = path.join(path.dirname(require.resolve("@pulumi/pulumi/package.json")), SDK_TYPESCRIPT_SHIM);
  } catch {
    return undefined;
  }
  if (require.cache[file] || !fs.existsSync(file)) return undefined;
  let real: object | undefined;
  const load = (): object => {
    if (!real) {
      // Replaced by the real module: later requires get it directly.
      delete require.cache[file];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      real = require(file) as object;
    }
    return real;
  };
  const standIn = new Proxy(
    {},
    {
      get: (_, key) => Reflect.get(load(), key) as unknown,
      has: (_, key) => Reflect.has(load(), key),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_, key) => {
        const d = Reflect.getOwnPropertyDescriptor(load(), key);
        // A proxy may not report a property the (empty) target lacks as non-configurable.
        return d && { ...d, configurable: true };
      },
    },
  );
  const mod = new Module(DEFERRED_MODULE_ID);
  mod.filename = file;
  mod.loaded = true;
  mod.exports = standIn;
  require.cache[file] = mod;
  return file;
}
