/**
 * The offline synth: runs the real program on the mock engine with one stack's config and returns the
 * desired state (resources + outputs, secrets redacted).
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { Registration, runOnMocks, StackReferenceResolver, SynthResult } from "./engine";
import { peerOutputsFromDir } from "./peers";
import { readStackConfig, StackConfig, stackFilePath } from "./stackfile";

export const ROOT = path.resolve(__dirname, "..", "..", "..");

export function projectName(root = ROOT): string {
  const doc = parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { name?: string };
  if (!doc?.name) throw new Error("Pulumi.yaml has no name");
  return doc.name;
}

type Program = () => Promise<Record<string, unknown>>;

/** The compiled program (dist/index.js): `export = async () => outputs`. */
export function loadProgram(): Program {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("../../index") as Program;
}

export interface SynthOptions {
  stack: string;
  /** Replaces stacks/Pulumi.<stack>.yaml. */
  configFile?: string;
  /** Already-parsed config (tests); wins over configFile. */
  stackConfig?: StackConfig;
  preview?: boolean;
  /** Receives every registration, also when the program fails. */
  sink?: Registration[];
  /** Directory of earlier synths (`<dir>/<stack>/outputs.json`) that answers `StackReference`s. */
  peerOutputsDir?: string;
  /** Answers `StackReference`s (tests); wins over peerOutputsDir. */
  stackReferences?: StackReferenceResolver;
  root?: string;
}

export async function synth(opts: SynthOptions): Promise<SynthResult> {
  const root = opts.root ?? ROOT;
  const sc = opts.stackConfig ?? readStackConfig(opts.configFile ?? stackFilePath(root, opts.stack));
  return runOnMocks(
    {
      project: projectName(root),
      stack: opts.stack,
      config: sc.config,
      secretKeys: sc.secretKeys,
      preview: opts.preview,
      sink: opts.sink,
      stackReferences:
        opts.stackReferences ?? (opts.peerOutputsDir ? peerOutputsFromDir(opts.peerOutputsDir) : undefined),
    },
    loadProgram(),
  );
}
