/**
 * One benchmark sample, run in a fresh Node process: `node child.js platform|baseline <stack>`.
 * Both variants import the same SDKs and use the same mock engine; `platform` runs the real program for the
 * stack, `baseline` registers a single bucket. Prints the wall time since process start in ms.
 */
import * as aws from "@pulumi/aws";
import "@pulumi/kubernetes";
import "@pulumi/random";
import "@pulumi/tls";
import { runOnMocks } from "../synth/engine";
import { readStackConfig, stackFilePath } from "../synth/stackfile";
import { projectName, ROOT, synth } from "../synth/synth";

async function main(which: string, stack: string): Promise<void> {
  if (which === "platform") {
    await synth({ stack });
  } else if (which === "platform-without-harbor-config") {
    // Same program with the Harbor API resources off: isolates the one-time closure serialization of the
    // dynamic provider (Pulumi SDK work) from the rest of the platform's code.
    const sc = readStackConfig(stackFilePath(ROOT, stack));
    const key = "registry-platform:harborConfig";
    const hc = { ...(JSON.parse(sc.config[key] ?? "{}") as Record<string, unknown>), enabled: false };
    await synth({ stack, stackConfig: { ...sc, config: { ...sc.config, [key]: JSON.stringify(hc) } } });
  } else if (which === "baseline") {
    const sc = readStackConfig(stackFilePath(ROOT, stack));
    await runOnMocks({ project: projectName(), stack, config: sc.config, secretKeys: sc.secretKeys }, () => {
      const b = new aws.s3.Bucket("one", { bucket: "one-bucket" });
      return { bucket: b.bucket };
    });
  } else {
    throw new Error(`unknown variant ${which}; allowed: platform, platform-without-harbor-config, baseline`);
  }
  process.stdout.write(`${performance.now().toFixed(1)}\n`);
}

main(process.argv[2] ?? "", process.argv[3] ?? "prod-apne2").catch((e) => {
  process.stderr.write(`${String(e)}\n`);
  process.exit(1);
});
