/**
 * One benchmark sample, run in a fresh Node process: `node child.js <variant> <stack>`, variants:
 * - `platform`: the real program on the stack's config;
 * - `projects-<N>`: the same with `harborConfig.projects` replaced by N generated projects;
 * - `peers-<N>`: the same with N replication peers (`bench-peer-1..N`, answered from the peer outputs dir);
 * - `baseline`: loads the SDK submodules the platform uses (they load resource classes lazily, so it touches
 *   them) and registers a single bucket on the same mock engine.
 * `node child.js <variant> <stack> [<peer-outputs-dir>]`: the primary's `StackReference`s read
 * `<dir>/<peer>/outputs.json` (the replicas' synth, made by the parent first). Prints one JSON line: a {@link Sample}.
 */
import * as s3 from "@pulumi/aws/s3";
import * as iam from "@pulumi/aws/iam";
import * as awsProvider from "@pulumi/aws/provider";
import * as appsv1 from "@pulumi/kubernetes/apps/v1";
import * as apiextensions from "@pulumi/kubernetes/apiextensions";
import * as batchv1 from "@pulumi/kubernetes/batch/v1";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as helmv3 from "@pulumi/kubernetes/helm/v3/release";
import * as networkingv1 from "@pulumi/kubernetes/networking/v1";
import * as rbacv1 from "@pulumi/kubernetes/rbac/v1";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { runOnMocks, SynthResult } from "../synth/engine";
import { peerOutputsFromDir } from "../synth/peers";
import { readStackConfig, StackConfig, stackFilePath } from "../synth/stackfile";
import { withOfflineStandIns } from "../synth/stand-ins";
import { loadProgram, projectName, ROOT } from "../synth/synth";
import { Sample, watchClosureSerialization } from "./stages";
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
  // As the offline synth: secrets the example stacks leave unset get stand-ins (no engine to ask).
  const sc = withOfflineStandIns(
    readStackConfig(stackFilePath(ROOT, stack)),
    projectName(),
    stack,
  ).stackConfig;
  if (variant === "baseline") {
    // Touch the SDK classes the platform's components use, so both variants pay the same SDK import cost.
    const surface: unknown[] = [
      awsProvider.Provider,
      s3.Bucket,
      iam.Role,
      corev1.Secret,
      appsv1.DaemonSet,
      batchv1.CronJob,
      helmv3.Release,
      networkingv1.NetworkPolicy,
      rbacv1.ClusterRole,
      apiextensions.CustomResource,
      tls.PrivateKey,
      random.RandomPassword,
      pulumi.dynamic.Resource,
    ];
    if (surface.some((x) => typeof x !== "function")) throw new Error("SDK surface not loaded");
    return run(
      stack,
      peerOutputsDir,
      sc,
      () => {
        const b = new s3.Bucket("one", { bucket: "one-bucket" });
        return { bucket: b.bucket };
      },
      performance.now(),
    );
  }
  const projects = /^projects-(\d+)$/.exec(variant);
  const peers = /^peers-(\d+)$/.exec(variant);
  if (variant !== "platform" && !projects && !peers)
    throw new Error(`unknown variant ${variant}; allowed: platform, projects-<N>, peers-<N>, baseline`);
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
