/**
 * What the stack state holds of the Harbor provider: a fixed loader of ~1.1 KB, not the provider's code.
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
 * A new version of this text is no change: the provider's `diff` ignores a change from one loader text to
 * another (both start with {@link LOADER_MARKER}), since any of them runs the implementation of the installed
 * package; the next `pulumi up` stores the new text with the inputs, and with the outputs at the resource's next
 * real update. A state holding the closure-serialized provider of earlier versions does show a change, and its next
 * `pulumi up` updates each Harbor resource once (sending Harbor only what differs) to shed that code.
 */

/** The npm package holding the implementation (package.json `name`). */
export const PACKAGE = "registry-platform";
/** The implementation's compiled module, relative to the package directory. */
export const IMPLEMENTATION = "dist/components/harbor-config/provider.js";

/** The first characters of every version of the loader text (and of no closure serialization). */
export const LOADER_MARKER = `// ${PACKAGE} Harbor provider loader`;

/** True for a `__provider` text that is a version of the loader (not an earlier closure-serialized provider). */
export function isLoaderText(text: unknown): boolean {
  return typeof text === "string" && text.startsWith(LOADER_MARKER);
}

/**
 * The `__provider` text of every Harbor resource (plain JavaScript, Node built-ins only). It is stored twice per
 * resource (inputs and outputs), so it is kept short: ~1.1 KB, the errors say what to do in one sentence — in a
 * checkout, build it; installed, reinstall it (the installed package has no sources to build from).
 */
export const HARBOR_PROVIDER_TEXT = `${LOADER_MARKER}
"use strict";
const P = ${JSON.stringify(PACKAGE)};
exports.load = (from) => {
  const fs = require("fs"), path = require("path"), start = path.resolve(from || ".");
  for (let d = start; ; d = path.dirname(d)) {
    for (const [p, fix] of [[d, "run \`npm run build\` in " + d], [path.join(d, "node_modules", P), "reinstall " + P + " with npm scripts enabled (its prepare script builds it)"]]) {
      let name;
      try { name = JSON.parse(fs.readFileSync(path.join(p, "package.json"), "utf8")).name; } catch (e) {}
      if (name !== P) continue;
      const f = path.join(p, ${JSON.stringify(IMPLEMENTATION)});
      if (!fs.existsSync(f)) throw new Error("the Harbor provider of " + P + " is not built: " + f + " is missing; " + fix);
      return require(f).harborProviderImpl;
    }
    if (path.dirname(d) === d) throw new Error("the Harbor provider cannot be found: no " + P + " package in " + start + " or its parents; npm install " + P + " in the Pulumi project and run pulumi there");
  }
};
exports.handler = () => exports.load();
`;
