/**
 * Source files stay small: none over 400 lines, except the few listed here until they are split.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../harness";

const MAX_LINES = 400;
/**
 * Known exceptions: the Harbor API client/provider, config parser and drill (each being reworked), and three
 * files that grew past the limit with the air-gap (image/checksum values) and real-Harbor fixes (payloads),
 * and the plan diff and verify checks of the consumers' work.
 */
const NOT_YET_SPLIT = new Set([
  "components/harbor/args.ts",
  "components/harbor/values.ts",
  "components/harbor-config/payloads.ts",
  "tools/synth/diff.ts",
  "tools/verify/checks.ts",
  "test/verify/verify.real.ts",
  "test/e2e/platform.e2e.ts",
  "components/harbor-config/client.ts",
  "components/harbor-config/dynamic.ts",
  "config/parse.ts",
  "test/harbor-config/resources.test.ts",
  "test/harbor-config/support/fake-harbor.ts",
  "tools/drill/drill.ts",
]);

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((d) => {
    const rel = path.posix.join(dir, d.name);
    if (d.isDirectory()) return d.name === "fixtures" ? [] : sources(rel);
    return /\.(ts|js|mjs|sh)$/.test(d.name) ? [rel] : [];
  });
}

describe("package: layout", () => {
  it(`no source file over ${MAX_LINES} lines`, () => {
    const files = [
      ...["components", "config", "tools", "test", "scripts", "bin"].flatMap(sources),
      "index.ts",
    ];
    const long = files
      .map((f) => ({ f, n: fs.readFileSync(path.join(ROOT, f), "utf8").split("\n").length - 1 }))
      .filter(({ f, n }) => n > MAX_LINES && !NOT_YET_SPLIT.has(f))
      .map(({ f, n }) => `${f}: ${n} lines`);
    assert.deepStrictEqual(long, []);
  });
});
