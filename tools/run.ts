/**
 * The bin/ entry points' runner: loads one compiled CLI module (`synth/cli`, `synth/diff`, `drill/cli`,
 * `verify/cli`) and exits with the status its `main(argv)` returns.
 */
import * as path from "path";

export const CLIS = ["synth/cli", "synth/diff", "drill/cli", "verify/cli"] as const;

type Cli = { main(argv: string[]): number | Promise<number> };

export function run(mod: (typeof CLIS)[number], argv = process.argv.slice(2)): void {
  if (!CLIS.includes(mod)) throw new Error(`unknown CLI ${String(mod)}; allowed: ${CLIS.join(", ")}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cli = require(path.join(__dirname, mod)) as Cli;
  Promise.resolve(cli.main(argv)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
