/**
 * The RegistryPlatform component used as a library: a typed config built in code (no stack file), explicit
 * providers from the caller, every capability a child named after the platform.
 */
import * as assert from "assert";
import * as awsProvider from "@pulumi/aws/provider";
import * as k8sProvider from "@pulumi/kubernetes/provider";
import * as fs from "fs";
import * as path from "path";
import { PlatformConfig, platformConfig, RegistryPlatform } from "../../components";
import { ROOT, runComponent, stackFile, stackRun } from "../harness";
import { parsedConfig } from "../harness/config";

const TOKEN = "registry-platform:platform:RegistryPlatform";

/** A dev platform's config, as another program would build it: typed values, no stack file. */
function devConfig(): PlatformConfig {
  return platformConfig(
    {
      environment: "dev",
      region: "ap-northeast-2",
      host: "registry.lib.example.internal",
      harborConfig: { projects: [{ name: "apps" }] },
    },
    { project: "registry-platform", stack: "lib" },
  );
}

describe("RegistryPlatform (library use)", function () {
  this.timeout(60000);

  it("creates every capability as a child named after it, through the caller's providers", async () => {
    const rec = await runComponent(() => {
      const providers = {
        aws: new awsProvider.Provider("caller-aws", { region: "ap-northeast-2" }),
        k8s: new k8sProvider.Provider("caller-k8s", {}),
      };
      const p = new RegistryPlatform("lib", { config: devConfig(), providers });
      return { host: p.outputs.registryHost, admin: p.outputs.harborAdminPassword };
    });
    const platform = rec.one(TOKEN, "lib");
    const children = rec.all.filter((r) => r.parent === platform.urn);
    assert.deepStrictEqual(children.map((c) => [c.type, c.name]).sort(), [
      ["registry-platform:harbor-config:HarborConfig", "lib-harbor-config"],
      ["registry-platform:harbor:Harbor", "lib-harbor"],
      ["registry-platform:platform:DestroyGuard", "lib-destroy-guard"],
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

  it("exposes the output contract as typed properties, equal to `outputs`", async () => {
    let p: RegistryPlatform | undefined;
    const rec = await runComponent(() => {
      p = new RegistryPlatform("typed", { config: devConfig() });
      const q = p;
      return {
        url: q.registryUrl,
        bucket: q.registryBucket,
        backup: q.backupBucket,
        ns: q.harborNamespace,
        admin: q.harborAdminPassword,
        pull: q.harborProjects!.apps.pullRobot,
        push: q.harborProjects!.apps.pushRobot!,
        dockerconfig: q.pullDockerConfigJson!.apps,
        ca: q.caBundlePem!,
        caSha: q.registryCaSha256!,
        velero: q.veleroNamespace!,
      };
    });
    assert.ok(p);
    const contract = Object.keys(p.outputs).sort();
    for (const k of contract)
      assert.strictEqual(
        (p as unknown as Record<string, unknown>)[k],
        (p.outputs as unknown as Record<string, unknown>)[k],
        k,
      );
    assert.deepStrictEqual(
      [p.environment, p.region, p.role, p.registryHost],
      ["dev", "ap-northeast-2", "primary", "registry.lib.example.internal"],
    );
    assert.strictEqual(p.storageEndpoint, undefined);
    assert.deepStrictEqual(p.veleroBackupLocations, { default: "default", archive: "archive" });
    const o = rec.outputs;
    assert.strictEqual(o.url, "https://registry.lib.example.internal");
    assert.strictEqual(o.bucket, "registry-platform-lib-registry");
    assert.strictEqual(o.backup, "registry-platform-lib-backup");
    assert.strictEqual(o.pull, "robot$apps+cluster-pull");
    assert.strictEqual(o.push, "robot$apps+ci-push");
    assert.match(o.caSha, /^[0-9a-f]{64}$/);
    assert.deepStrictEqual(rec.outputSecrets().sort(), ["admin", "dockerconfig"]);
  });

  it("the Harbor API resources trust the platform's root only; the published CA bundle adds the intermediate", async () => {
    const rec = await runComponent(() => {
      const p = new RegistryPlatform("trust", { config: devConfig() });
      return { root: p.tls!.rootCertPem, inter: p.tls!.intermediateCertPem!, bundle: p.caBundlePem! };
    });
    const { root, inter, bundle } = rec.outputs as Record<string, string>;
    assert.match(root, /^-----BEGIN CERTIFICATE-----/);
    assert.notStrictEqual(root.trim(), inter.trim());
    assert.ok(bundle.includes(root.trim()) && bundle.includes(inter.trim()), "bundle = root + intermediate");
    const harborResources = rec.byType("pulumi-nodejs:dynamic:Resource");
    assert.ok(harborResources.length >= 5, `${harborResources.length} Harbor API resources`);
    for (const r of harborResources) {
      assert.deepStrictEqual(rec.secrets(r), ["connection"], r.name);
      assert.strictEqual(rec.inputs(r).connection.caPem, root, r.name);
    }
  });

  for (const stack of ["dev", "prod-apne1", "prod-apne2"])
    it(`${stack}: every Harbor API resource is deleted with the Harbor release (deletedWith); nothing else is`, async () => {
      const rec = await stackRun(stack);
      const release = rec.one("kubernetes:helm.sh/v3:Release", "registry-harbor-release");
      const harborApi = rec.byType("pulumi-nodejs:dynamic:Resource");
      const kinds = new Set(
        harborApi.map((r) =>
          r.name.replace(/^registry-(harbor-config|harbor-replication|replication-target)-.*$/, "$1"),
        ),
      );
      assert.ok(harborApi.length >= 8, `${harborApi.length} Harbor API resources`);
      // The replica has the replication robot, the primary the endpoints and policies: all three components.
      if (stack === "prod-apne1") assert.ok(kinds.has("replication-target"), [...kinds].join());
      if (stack === "prod-apne2") assert.ok(kinds.has("harbor-replication"), [...kinds].join());
      assert.deepStrictEqual(
        harborApi.filter((r) => r.deletedWith !== release.urn).map((r) => r.name),
        [],
        "Harbor API resources without deletedWith: the release",
      );
      // No other resource has it, components included: the engine hands a component's deletedWith down to every
      // child (seen on the real engine: the dev destroy left the pull Secret in `default`), and the pull Secrets,
      // buckets, keys and the release itself are deleted as usual.
      assert.deepStrictEqual(
        rec.all
          .filter((r) => r.deletedWith !== undefined && r.type !== "pulumi-nodejs:dynamic:Resource")
          .map((r) => r.name),
        [],
      );
      assert.ok(
        rec.byType("kubernetes:core/v1:Secret").some((r) => /pull-secret/.test(r.name)),
        "no pull Secret",
      );
    });

  for (const stack of ["dev", "onprem", "prod-apne1", "prod-apne2"])
    it(`${stack}: a destroy's first and only first delete is the destroy guard, protected where the stack protects`, async () => {
      const rec = await stackRun(stack);
      const prot = parsedConfig(stackFile(stack), stack).protect;
      const guard = rec.one("registry-platform:platform:DestroyGuard", "registry-destroy-guard");
      assert.strictEqual(guard.parent, rec.one(TOKEN, "registry").urn);
      assert.strictEqual(guard.protect, prot);
      // Every resource of the platform but the providers (a StackReference of a primary included).
      const managed = rec.all.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
      assert.deepStrictEqual(
        [...guard.dependencies].sort(),
        prot ? managed.map((r) => r.urn).sort() : [],
        "the guard depends on every managed resource exactly where the stack is protected",
      );
      if (!prot) return;
      // The engine deletes a resource only after everything that depends on it (dependencies, children,
      // resources using it as provider, deletedWith) and checks `protect` when it reaches a resource.
      const condemned = rec.all.filter((r) => r.type !== "pulumi:pulumi:Stack");
      const dependsOn = (d: (typeof condemned)[number], r: (typeof condemned)[number]) =>
        d.dependencies.includes(r.urn) ||
        d.parent === r.urn ||
        d.deletedWith === r.urn ||
        (d.provider !== undefined && d.provider.startsWith(`${r.urn}::`));
      const first = condemned.filter((r) => !condemned.some((d) => d !== r && dependsOn(d, r)));
      assert.deepStrictEqual(
        first.map((r) => r.name),
        ["registry-destroy-guard"],
      );
      assert.ok(stack !== "onprem" || managed.length > 40, `${managed.length} managed resources`);
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
