/**
 * The offline synth: runs the real program on the mock engine with one stack's config and returns the
 * desired state (resources + outputs, secrets redacted).
 */
import { Registration, runOnMocks, StackReferenceResolver, SynthResult } from "./engine";
import { peerOutputsFromDir } from "./peers";
import { projectName, ROOT } from "./root";
import { readStackConfig, StackConfig, stackFilePath } from "./stackfile";
import { withOfflineStandIns } from "./stand-ins";

export { projectName, ROOT };

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
  /** The directory holds synths of this project's stacks only (the out directory): refuse other projects' names. */
  peerOutputsOwnProject?: boolean;
  /** Answers `StackReference`s (tests); wins over peerOutputsDir. */
  stackReferences?: StackReferenceResolver;
  root?: string;
  /**
   * Give secret keys the config requires but does not hold an offline stand-in value (default true). Off,
   * the program reports them as a real engine would: every `pulumi config set --secret` command to run.
   */
  standIns?: boolean;
}

export interface OfflineSynthResult extends SynthResult {
  /** Full keys whose value was an offline stand-in (never a real secret). */
  standIns: string[];
}

export async function synth(opts: SynthOptions): Promise<OfflineSynthResult> {
  const root = opts.root ?? ROOT;
  const project = projectName(root);
  const read = opts.stackConfig ?? readStackConfig(opts.configFile ?? stackFilePath(root, opts.stack));
  const { stackConfig: sc, standIns } =
    opts.standIns === false
      ? { stackConfig: read, standIns: [] }
      : withOfflineStandIns(read, project, opts.stack);
  const result = await runOnMocks(
    {
      project,
      stack: opts.stack,
      config: sc.config,
      secretKeys: sc.secretKeys,
      preview: opts.preview,
      sink: opts.sink,
      stackReferences:
        opts.stackReferences ??
        (opts.peerOutputsDir
          ? peerOutputsFromDir(opts.peerOutputsDir, opts.peerOutputsOwnProject ? project : undefined)
          : undefined),
    },
    loadProgram(),
  );
  return { ...result, standIns };
}
