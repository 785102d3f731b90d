/**
 * The RegistryPlatform component used as a library: a typed config built in code (no stack file), explicit
 * providers from the caller, every capability a child named after the platform.
 */
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as fs from "fs";
import * as path from "path";
import { parsePlatformConfig, PlatformConfig } from "../../config";
import { RegistryPlatform } from "../../components";
import { ROOT, runComponent } from "../harness";

const TOKEN = "registry-platform:platform:RegistryPlatform";

/** A dev platform's config, as another program would build it (values as Pulumi stores them). */
function devConfig(): PlatformConfig {
  const parsed = parsePlatformConfig({
    project: "registry-platform",
    stack: "lib",
    values: {
      environment: "dev",
      region: "ap-northeast-2",
      host: "registry.lib.example.internal",
      harborConfig: JSON.stringify({ projects: [{ name: "apps" }] }),
    },
    secretKeys: new Set(),
  });
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.key).join(", "));
  return parsed.config;
}

describe("RegistryPlatform (library use)", function () {
  this.timeout(60000);

  it("creates every capability as a child named after it, through the caller's providers", async () => {
    const rec = await runComponent(() => {
      const providers = {
        aws: new aws.Provider("caller-aws", { region: "ap-northeast-2" }),
        k8s: new k8s.Provider("caller-k8s", {}),
      };
      const p = new RegistryPlatform("lib", { config: devConfig(), providers });
      return { host: p.outputs.registryHost, admin: p.outputs.harborAdminPassword };
    });
    const platform = rec.one(TOKEN, "lib");
    const children = rec.all.filter((r) => r.parent === platform.urn);
    assert.deepStrictEqual(children.map((c) => [c.type, c.name]).sort(), [
      ["registry-platform:harbor-config:HarborConfig", "lib-harbor-config"],
      ["registry-platform:harbor:Harbor", "lib-harbor"],
      ["registry-platform:policy:ImagePolicy", "lib-policy"],
      ["registry-platform:storage:RegistryStorage", "lib-storage"],
      ["registry-platform:tls:NodeTrust", "lib-node-trust"],
      ["registry-platform:tls:RegistryTls", "lib-tls"],
      ["registry-platform:velero:Velero", "lib-velero"],
    ]);
    // No providers of its own when the caller gives them.
    assert.deepStrictEqual(
      rec.all
        .filter((r) => r.type.startsWith("pulumi:providers:"))
        .map((r) => r.name)
        .sort(),
      ["caller-aws", "caller-k8s"],
    );
    assert.strictEqual(
      rec.providerOf(rec.one("aws:s3/bucket:Bucket", "lib-storage-registry-bucket"))?.name,
      "caller-aws",
    );
    assert.strictEqual(
      rec.providerOf(rec.one("kubernetes:helm.sh/v3:Release", "lib-harbor-release"))?.name,
      "caller-k8s",
    );
    assert.strictEqual(rec.outputs.host, "registry.lib.example.internal");
    assert.ok(rec.outputSecrets().includes("admin"));
  });

  it("creates its own providers as children when none are given", async () => {
    const rec = await runComponent(() => {
      new RegistryPlatform("own", { config: devConfig() });
    });
    const platform = rec.one(TOKEN, "own");
    for (const [type, name] of [
      ["pulumi:providers:aws", "own-aws"],
      ["pulumi:providers:kubernetes", "own-k8s"],
    ]) {
      assert.strictEqual(rec.one(type, name).parent, platform.urn, name);
    }
    assert.strictEqual(rec.inputs(rec.one("pulumi:providers:aws", "own-aws")).region, "ap-northeast-2");
  });

  it("the program is only config → RegistryPlatform → outputs", () => {
    const lines = fs.readFileSync(path.join(ROOT, "index.ts"), "utf8").split("\n").length;
    assert.ok(lines <= 80, `index.ts has ${lines} lines`);
  });
});
