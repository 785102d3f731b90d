/**
 * The bin/ entry points' runner: loads one compiled CLI module (`synth/cli`, `synth/diff`, `drill/cli`,
 * `verify/cli`) and exits with the status its `main(argv)` returns.
 */
import * as path from "path";

export const CLIS = ["synth/cli", "synth/diff", "drill/cli", "verify/cli"] as const;

type Cli = { main(argv: string[]): number | Promise<number> };

/**
 * Usage modules of the CLIs that load the Pulumi SDK when loaded (~1 s): `--help` (or `-h`) prints the usage
 * from these and exits 0, as the CLI's `main` does, without loading the CLI. The others answer it at once anyway.
 */
export const USAGE_MODULES: Partial<Record<(typeof CLIS)[number], string>> = {
  "drill/cli": "drill/usage",
  "verify/cli": "verify/usage",
};

/**
 * ` (at position N)` from a `JSON.parse` error, or nothing: what a "not JSON" message may say. Node's own message
 * quotes the text around the position, which may be part of a secret (a file of `--show-secrets` outputs).
 */
export function jsonErrorPosition(e: unknown): string {
  const at = / at position (\d+)/.exec((e as Error).message)?.[1];
  return at ? ` (at position ${at})` : "";
}

/** The command line asks for the usage (`--help` or `-h` anywhere): what every CLI's `main` and {@link run} test. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}

/**
 * The first option (`--name`, also as `--name=value`) given more than once, which every CLI refuses: a parser
 * that kept the last (or first) value would silently drop one, e.g. a second `--stack`.
 */
export function repeatedOption(argv: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const a of argv) {
    if (!a.startsWith("--") || a === "--") continue;
    const name = a.split("=", 1)[0];
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

/** The usage problem for {@link repeatedOption}'s answer. */
export const repeatedOptionProblem = (name: string) => `${name} is given more than once; allowed: once`;

export function run(mod: (typeof CLIS)[number], argv = process.argv.slice(2)): void {
  if (!CLIS.includes(mod)) throw new Error(`unknown CLI ${String(mod)}; allowed: ${CLIS.join(", ")}`);
  const usage = USAGE_MODULES[mod];
  if (usage && wantsHelp(argv)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { USAGE } = require(path.join(__dirname, usage)) as { USAGE: string };
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
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
