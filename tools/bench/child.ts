/**
 * One benchmark sample, run in a fresh Node process: `node child.js <variant> <stack>`.
 * Every variant imports the same SDKs and uses the same mock engine; `platform` runs the real program for the
 * stack (`platform-peers-<n>`: with n replication peers), `baseline` loads the SDK modules the platform uses (the SDKs load submodules lazily) and registers a
 * single bucket. Prints the wall time since process start in ms.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { runOnMocks } from "../synth/engine";
import { readStackConfig, StackConfig, stackFilePath } from "../synth/stackfile";
import { projectName, ROOT, synth } from "../synth/synth";

/** `<stack>`'s config with `n` replication peers `organization/<project>/bench-peer-<i>`. */
function withPeers(stack: string, n: number): StackConfig {
  const sc = readStackConfig(stackFilePath(ROOT, stack));
  const peers = Array.from({ length: n }, (_, i) => ({
    stack: `organization/${projectName()}/bench-peer-${i + 1}`,
    trigger: { eventBased: true, reconcileSchedule: "0 30 4 * * *" },
  }));
  return { ...sc, config: { ...sc.config, "registry-platform:replication": JSON.stringify({ peers }) } };
}

async function main(which: string, stack: string, peerOutputsDir?: string): Promise<void> {
  const peersVariant = /^platform-peers-(\d+)$/.exec(which);
  if (which === "platform") {
    await synth({ stack, peerOutputsDir });
  } else if (peersVariant) {
    await synth({ stack, stackConfig: withPeers(stack, Number(peersVariant[1])), peerOutputsDir });
  } else if (which === "platform-without-harbor-config") {
    // Same program with the Harbor API resources off: isolates the one-time closure serialization of the
    // dynamic provider (Pulumi SDK work) from the rest of the platform's code.
    const sc = readStackConfig(stackFilePath(ROOT, stack));
    const key = "registry-platform:harborConfig";
    const hc = { ...(JSON.parse(sc.config[key] ?? "{}") as Record<string, unknown>), enabled: false };
    // Without the Harbor API, replication is off too (it needs it).
    const rest: Record<string, string> = { ...sc.config, [key]: JSON.stringify(hc) };
    delete rest["registry-platform:replication"];
    await synth({ stack, stackConfig: { ...sc, config: rest } });
  } else if (which === "baseline") {
    // Touch the SDK submodules the platform's components use, so both variants pay the same SDK import cost.
    const surface: unknown[] = [
      aws.s3.Bucket,
      aws.iam.Role,
      k8s.core.v1.Secret,
      k8s.apps.v1.DaemonSet,
      k8s.batch.v1.CronJob,
      k8s.helm.v3.Release,
      k8s.networking.v1.NetworkPolicy,
      k8s.rbac.v1.ClusterRole,
      k8s.apiextensions.CustomResource,
      tls.PrivateKey,
      random.RandomPassword,
      pulumi.dynamic.Resource,
    ];
    if (surface.some((x) => typeof x !== "function")) throw new Error("SDK surface not loaded");
    const sc = readStackConfig(stackFilePath(ROOT, stack));
    await runOnMocks({ project: projectName(), stack, config: sc.config, secretKeys: sc.secretKeys }, () => {
      const b = new aws.s3.Bucket("one", { bucket: "one-bucket" });
      return { bucket: b.bucket };
    });
  } else {
    throw new Error(
      `unknown variant ${which}; allowed: platform, platform-without-harbor-config, platform-peers-<n>, baseline`,
    );
  }
  process.stdout.write(`${performance.now().toFixed(1)}\n`);
}

main(process.argv[2] ?? "", process.argv[3] ?? "prod-apne2", process.argv[4]).catch((e) => {
  process.stderr.write(`${String(e)}\n`);
  process.exit(1);
});
