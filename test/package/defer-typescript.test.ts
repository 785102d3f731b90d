/**
 * tools/defer-typescript.ts: a CLI process loads the Pulumi SDK without TypeScript, and the SDK's closure
 * serializer still works through the stand-in, giving the same text as without it.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { DEFERRED_MODULE_ID, SDK_TYPESCRIPT_SHIM } from "../../tools/defer-typescript";
import { ROOT } from "../harness";

const SDK = path.join(ROOT, "node_modules", "@pulumi", "pulumi");
const SHIM = path.join(SDK, SDK_TYPESCRIPT_SHIM);
const TYPESCRIPT = require.resolve("typescript", { paths: [SDK] });

/**
 * A fresh process (optionally with the CLIs' start-up first) that loads the SDK, then serializes a closure; prints
 * JSON: what the module cache held after the SDK loaded and after the serialization, and the serialized text.
 */
function probe(startup: boolean): {
  afterImport: { typescript: boolean; shimId?: string };
  afterSerialize: { typescript: boolean; shimId?: string };
  again?: string | null;
  text: string;
} {
  const script = `
    const startup = ${startup};
    const defer = startup ? require(${JSON.stringify(path.join(ROOT, "dist", "tools", "defer-typescript.js"))}) : undefined;
    if (startup) require(${JSON.stringify(path.join(ROOT, "dist", "tools", "startup.js"))});
    const state = () => ({ typescript: ${JSON.stringify(TYPESCRIPT)} in require.cache, shimId: require.cache[${JSON.stringify(SHIM)}]?.id });
    const pulumi = require("@pulumi/pulumi");
    const afterImport = state();
    const n = 41;
    pulumi.runtime.serializeFunction(function answer() { return n + 1; }).then((s) => {
      const out = { afterImport, afterSerialize: state(), text: s.text };
      if (defer) out.again = defer.deferSdkTypeScript() ?? null;
      process.stdout.write(JSON.stringify(out));
    }, (e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
  `;
  const r = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
  assert.strictEqual(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as ReturnType<typeof probe>;
}

describe("tools/defer-typescript: the CLIs load the Pulumi SDK without TypeScript", function () {
  this.timeout(60000);

  it("after the start-up the SDK loads with the stand-in, and TypeScript only when a closure is serialized", () => {
    const withStartup = probe(true);
    assert.deepStrictEqual(withStartup.afterImport, { typescript: false, shimId: DEFERRED_MODULE_ID });
    // The serialization reached the real shim, which loaded TypeScript and took the stand-in's place.
    assert.deepStrictEqual(withStartup.afterSerialize, { typescript: true, shimId: SHIM });
    // Called again once the shim is loaded: nothing to do.
    assert.strictEqual(withStartup.again, null);
    const without = probe(false);
    assert.deepStrictEqual(without.afterImport, { typescript: true, shimId: SHIM });
    assert.match(without.text, /return n \+ 1/);
    assert.strictEqual(withStartup.text, without.text);
  });

  it("the CLIs that load the SDK run the start-up before any other module", () => {
    for (const cli of ["synth/cli", "drill/cli", "verify/cli", "ci/stacks"]) {
      const js = fs.readFileSync(path.join(ROOT, "dist", "tools", `${cli}.js`), "utf8");
      const first = /require\("([^"]+)"\)/.exec(js)?.[1];
      assert.strictEqual(first, "../startup", cli);
    }
  });
});
