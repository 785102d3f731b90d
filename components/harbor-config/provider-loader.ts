/**
 * What the stack state holds of the Harbor provider: a fixed loader of ~1.5 KB, not the provider's code.
 *
 * A dynamic resource (`pulumi-nodejs:dynamic:Resource`) carries its provider as module text in the input
 * `__provider`; the engine's dynamic-provider host compiles that text (`require-from-string`) and calls its
 * `exports.handler()` to get the provider. `pulumi.dynamic.Resource` fills `__provider` by closure-serializing
 * the provider object, which for this client meant ~85 KB of code in every resource's state and about a
 * second of serialization per program run. The Harbor resources (`./dynamic.ts`) instead register with this
 * text, written by hand: its handler finds the implementation (`./provider.ts`, compiled) in the installed
 * package and returns it. Nothing is serialized at run time.
 *
 * Where the engine runs it: the dynamic-provider process (`pulumi-resource-pulumi-nodejs`) starts in the
 * Pulumi project's directory. From there the loader walks up the directories and takes the first of
 * - `<dir>/package.json` named {@link PACKAGE}: the program runs from this package's own checkout;
 * - `<dir>/node_modules/<PACKAGE>/package.json`: the package is installed (a library consumer);
 * and requires `<package>/<IMPLEMENTATION>` by absolute path (a package `exports` map cannot hide it). Found
 * nothing, or the package is not built → an error saying what to install or build.
 *
 * Changing this text changes every Harbor resource's `__provider` input: the provider's `diff` reports it,
 * and the next `pulumi up` updates each Harbor resource once (sending Harbor only what differs).
 */

/** The npm package holding the implementation (package.json `name`). */
export const PACKAGE = "registry-platform";
/** The implementation's compiled module, relative to the package directory. */
export const IMPLEMENTATION = "dist/components/harbor-config/provider.js";

/** The `__provider` text of every Harbor resource (plain JavaScript, Node built-ins only). */
export const HARBOR_PROVIDER_TEXT = `// ${PACKAGE}: Harbor provider loader. The provider's code is not stored in the state: it is loaded from
// the ${PACKAGE} package (components/harbor-config/README.md, "How the provider code reaches the engine").
"use strict";
const PACKAGE = ${JSON.stringify(PACKAGE)};
const IMPLEMENTATION = ${JSON.stringify(IMPLEMENTATION)};
function load(from) {
  const fs = require("fs");
  const path = require("path");
  const start = path.resolve(from === undefined ? process.cwd() : from);
  const nameOf = (file) => {
    try {
      return JSON.parse(fs.readFileSync(file, "utf8")).name;
    } catch (e) {
      return undefined;
    }
  };
  for (let dir = start; ; dir = path.dirname(dir)) {
    for (const pkgDir of [dir, path.join(dir, "node_modules", PACKAGE)]) {
      if (nameOf(path.join(pkgDir, "package.json")) !== PACKAGE) continue;
      const file = path.join(pkgDir, IMPLEMENTATION);
      if (!fs.existsSync(file)) {
        throw new Error("the Harbor provider of " + PACKAGE + " is not built: " + file + " is missing; run " +
          "\`npm run build\` in " + pkgDir);
      }
      return require(file).harborProviderImpl;
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new Error("the Harbor provider cannot be found: no " + PACKAGE + " package in " + start + " or its " +
    "parents (a package.json named " + PACKAGE + ", or node_modules/" + PACKAGE + "); install " + PACKAGE +
    " in the Pulumi project (npm install) and run pulumi from the project's directory");
}
exports.load = load;
exports.handler = () => load();
`;
