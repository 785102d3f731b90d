/**
 * One benchmark sample, run in a fresh Node process: `node child.js <variant> <stack>`, variants:
 * - `platform`: the real program on the stack's config;
 * - `projects-<N>`: the same with `harborConfig.projects` replaced by N generated projects;
 * - `peers-<N>`: the same with N replication peers (`bench-peer-1..N`, answered from the peer outputs dir);
 * - `baseline`: loads the SDK classes the platform uses (./surface.ts; the SDKs load each class's module on first
 *   use) but none of the platform's modules, and registers a single bucket on the same mock engine;
 * - `floor`: the same start, then registers what the stack's synth recorded (`<peer-outputs-dir>/<stack>/
 *   resources.json`) without the platform's code (./floor.ts).
 * `node child.js <variant> <stack> [<peer-outputs-dir>]`: the primary's `StackReference`s read
 * `<dir>/<peer>/outputs.json` (the replicas' synth, made by the parent first). Prints one JSON line: a {@link Sample}.
 */
import * as s3 from "@pulumi/aws/s3";
import * as fs from "fs";
import * as path from "path";
import { runOnMocks, SynthResult } from "../synth/engine";
import { peerOutputsFromDir } from "../synth/peers";
import { projectName, ROOT } from "../synth/root";
import { readStackConfig, StackConfig, stackFilePath } from "../synth/stackfile";
import { Sample, watchClosureSerialization } from "./stages";
import { RecordedResource, replay } from "./floor";
import { baselineSurface } from "./surface";
import { withPeers, withProjects } from "./variants";

// The SDK loads its closure serializer on first use, so the hook only has to be in place before the program.
const serialization = watchClosureSerialization();

async function run(
  stack: string,
  peerOutputsDir: string | undefined,
  sc: StackConfig,
  program: () => Promise<Record<string, unknown>> | Record<string, unknown>,
  required: number,
): Promise<Sample> {
  let programEnd = 0;
  const result: SynthResult = await runOnMocks(
    {
      project: projectName(),
      stack,
      config: sc.config,
      secretKeys: sc.secretKeys,
      stackReferences: peerOutputsDir ? peerOutputsFromDir(peerOutputsDir) : undefined,
    },
    async () => {
      const outputs = await program();
      programEnd = performance.now();
      return outputs;
    },
  );
  const total = performance.now();
  return {
    require: required,
    program: programEnd,
    registrations: total,
    total,
    serialization: await serialization.isolated(),
    closures: serialization.calls,
    closureBytes: serialization.bytes,
    resources: result.registrations.length,
  };
}

export async function sample(variant: string, stack: string, peerOutputsDir?: string): Promise<Sample> {
  const raw = readStackConfig(stackFilePath(ROOT, stack));
  if (variant === "baseline") {
    // Touch every SDK class the platform's components use, so both variants pay the same SDK import cost.
    const surface = baselineSurface();
    if (surface.some((x) => typeof x !== "function")) throw new Error("SDK surface not loaded");
    // The one-bucket program reads no config: it runs with the stack file as read, and loads none of the platform's
    // modules (its config parser and the zod schemas, ~70 ms, are the platform's cost).
    return run(
      stack,
      peerOutputsDir,
      raw,
      () => {
        const b = new s3.Bucket("one", { bucket: "one-bucket" });
        return { bucket: b.bucket };
      },
      performance.now(),
    );
  }
  if (variant === "floor") {
    if (!peerOutputsDir) throw new Error("floor: needs the directory holding the stack's synth");
    const recorded = JSON.parse(
      fs.readFileSync(path.join(peerOutputsDir, stack, "resources.json"), "utf8"),
    ) as RecordedResource[];
    return run(stack, peerOutputsDir, raw, () => ({ resources: replay(recorded) }), performance.now());
  }
  const projects = /^projects-(\d+)$/.exec(variant);
  const peers = /^peers-(\d+)$/.exec(variant);
  if (variant !== "platform" && !projects && !peers)
    throw new Error(
      `unknown variant ${variant}; allowed: platform, projects-<N>, peers-<N>, baseline, floor`,
    );
  // As the offline synth: secrets the example stacks leave unset get stand-ins (no engine to ask). Loaded here, not
  // at the top: they load the platform's config parser, which the one-bucket baseline does not use.
  const { withOfflineStandIns } = await import("../synth/stand-ins");
  const { loadProgram } = await import("../synth/synth");
  const sc = withOfflineStandIns(raw, projectName(), stack).stackConfig;
  const program = loadProgram();
  const required = performance.now();
  const config = projects
    ? withProjects(sc, Number(projects[1]))
    : peers
      ? withPeers(sc, projectName(), Number(peers[1]))
      : sc;
  return run(stack, peerOutputsDir, config, program, required);
}

if (require.main === module) {
  sample(process.argv[2] ?? "", process.argv[3] ?? "prod-apne2", process.argv[4]).then(
    (s) => process.stdout.write(`${JSON.stringify(s)}\n`),
    (e) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
