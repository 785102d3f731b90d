/**
 * The public API: `components/index.ts` names every export explicitly (no `export *`), the package exports
 * exactly those values, and README.md's "Use as a library" documents each one.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../harness";

const INDEX = fs.readFileSync(path.join(ROOT, "components", "index.ts"), "utf8");

function exportedNames(typeOnly: boolean): string[] {
  const re = typeOnly ? /export type \{([^}]*)\} from/g : /export \{([^}]*)\} from/g;
  return [...INDEX.matchAll(re)]
    .flatMap((m) => m[1].split(","))
    .map((n) => n.trim())
    .filter((n) => n !== "")
    .sort();
}

describe("package: public API", () => {
  it("is an explicit list: no `export *` in components/index.ts", () => {
    assert.ok(!/export \*/.test(INDEX));
  });

  it("the package exports exactly the listed values, and few of them", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const runtime = Object.keys(require(path.join(ROOT, "dist", "components", "index.js")) as object).sort();
    assert.deepStrictEqual(runtime, exportedNames(false));
    assert.ok(runtime.length <= 24, `${runtime.length} values exported`);
  });

  it('README.md "Use as a library" documents every export', () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const section = /^## Use as a library\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? "";
    const missing = [...exportedNames(false), ...exportedNames(true)].filter(
      (n) => !section.includes(`\`${n}\``),
    );
    assert.deepStrictEqual(missing, []);
  });
});
