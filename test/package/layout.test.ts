/**
 * Source files stay small: none over 400 lines.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../harness";

const MAX_LINES = 400;

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
      .filter(({ n }) => n > MAX_LINES)
      .map(({ f, n }) => `${f}: ${n} lines`);
    assert.deepStrictEqual(long, []);
  });
});
