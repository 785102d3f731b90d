/**
 * examples/app synthesizes offline against the `dev` platform stack: the platform program runs on the mock
 * engine, its outputs (secrets marked) answer the app's StackReference, and the app's program runs with its
 * own Pulumi.yaml project and Pulumi.dev.yaml config. A fake digest resolver stands in for the registry.
 */
import * as assert from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ResolveRequest } from "../../components/access/digest";
import { appProgram, loadAppConfig } from "../../examples/app/app";
import { runOnMocks } from "../../tools/synth/engine";
import { registerStackReference } from "../../tools/synth/mocks";
import { parseStackConfig } from "../../tools/synth/stackfile";
import { Recorded, ROOT, stackRun } from "../harness";

const APP = path.join(ROOT, "examples", "app");

const fakeDigest = (r: ResolveRequest) =>
  `sha256:${createHash("sha256").update(`${r.host}/${r.repository}:${r.reference}`).digest("hex")}`;

async function synthApp(config: Record<string, string>, calls: ResolveRequest[]): Promise<Recorded> {
  const project = (parse(fs.readFileSync(path.join(APP, "Pulumi.yaml"), "utf8")) as { name: string }).name;
  const result = await runOnMocks({ project, stack: "dev", config, secretKeys: [] }, () => {
    const out = appProgram(loadAppConfig(), {
      resolver: (r) => {
        calls.push(r);
        return Promise.resolve(fakeDigest(r));
      },
    });
    return out;
  });
  return new Recorded(result);
}

describe("examples/app: offline synth against the dev platform outputs", function () {
  this.timeout(120000);
  let config: Record<string, string>;
  let platform: Record<string, any>;

  before(async () => {
    const rec = await stackRun("dev");
    platform = rec.outputs;
    const secret = [...new Set(rec.outputSecrets().map((p) => p.split(/[.[]/)[0]))];
    const sc = parseStackConfig(
      fs.readFileSync(path.join(APP, "Pulumi.dev.yaml"), "utf8"),
      "Pulumi.dev.yaml",
    );
    config = sc.config;
    registerStackReference(config["registry-platform-example-app:platformStack"], platform, secret);
  });

  it("creates the namespace, the pull secret and a Deployment pinned by digest from the platform registry", async () => {
    const calls: ResolveRequest[] = [];
    const rec = await synthApp(config, calls);
    assert.deepStrictEqual(rec.all.map((r) => `${r.type} ${r.name}`).sort(), [
      "kubernetes:apps/v1:Deployment hello",
      "kubernetes:core/v1:Namespace hello",
      "kubernetes:core/v1:Secret hello-pull-secret",
      "pulumi:pulumi:StackReference hello-platform",
      "registry-platform:access:RegistryAccess hello",
    ]);
    const host = platform.registryHost as string;
    assert.strictEqual(calls.length, 1);
    assert.deepStrictEqual(
      {
        host: calls[0].host,
        repository: calls[0].repository,
        reference: calls[0].reference,
        user: calls[0].credentials?.username,
      },
      { host, repository: "apps/hello", reference: "v1.0.0", user: "robot$apps+cluster-pull" },
    );
    assert.strictEqual(calls[0].caPem, platform.caBundlePem);

    const d = rec.inputs(rec.one("kubernetes:apps/v1:Deployment"));
    const image = d.spec.template.spec.containers[0].image as string;
    assert.strictEqual(image, `${host}/apps/hello@${fakeDigest(calls[0])}`);
    assert.match(image, /@sha256:[a-f0-9]{64}$/);
    assert.deepStrictEqual(d.spec.template.spec.imagePullSecrets, [{ name: "registry-pull-apps" }]);
    assert.strictEqual(d.metadata.namespace, "hello");

    const s = rec.one("kubernetes:core/v1:Secret");
    assert.strictEqual(rec.inputs(s).type, "kubernetes.io/dockerconfigjson");
    assert.strictEqual(rec.inputs(s).metadata.namespace, "hello");
    assert.ok(rec.secrets(s).length > 0);
    assert.deepStrictEqual(rec.outputSecrets(), [], "the app exports no secret (and the image is not one)");
    assert.strictEqual(rec.outputs.image, image);
  });

  it("refuses `latest` and missing keys before creating anything", async () => {
    const bad: Record<string, string> = { ...config, "registry-platform-example-app:tag": "latest" };
    delete bad["registry-platform-example-app:namespace"];
    await assert.rejects(
      synthApp(bad, []),
      /invalid app configuration:\n  - registry-platform-example-app:namespace: found nothing \(the key is required\)\n  - registry-platform-example-app:tag: found "latest"; allowed: a release tag/,
    );
  });

  it("a malformed replicas and `LATEST` are listed with the other problems (replicas threw alone before)", async () => {
    for (const [replicas, found] of [
      ["two", '"two"'],
      ["-1", '"-1"'],
      ["1.5", '"1.5"'],
    ]) {
      const bad: Record<string, string> = {
        ...config,
        "registry-platform-example-app:tag": "LATEST",
        "registry-platform-example-app:replicas": replicas,
      };
      delete bad["registry-platform-example-app:namespace"];
      await assert.rejects(synthApp(bad, []), (e: Error) => {
        assert.strictEqual(
          e.message,
          "invalid app configuration:\n" +
            "  - registry-platform-example-app:namespace: found nothing (the key is required)\n" +
            `  - registry-platform-example-app:replicas: found ${found}; allowed: a whole number, 0 or more\n` +
            '  - registry-platform-example-app:tag: found "LATEST"; allowed: a release tag (latest is refused by policy)',
        );
        return true;
      });
    }
  });
});

describe("examples/app: `pulumi up` in its directory compiles it as `tsc -b` does", () => {
  // Pulumi's Node.js host (`typescript: true`) gives ts-node the program directory's own tsconfig.json and
  // overlays that file's compilerOptions on its defaults (ES2020, module nodenext, not strict); without one it
  // loads no project at all. Before, examples/app had none: `cd examples/app && pulumi up` failed with TS2339
  // in components/ (narrowing that needs strict mode).
  it("has its own tsconfig.json: strict, CommonJS, the program's entry point, as the test build", async () => {
    const ts = await import("typescript");
    const file = path.join(APP, "tsconfig.json");
    assert.ok(fs.existsSync(file), "examples/app/tsconfig.json");
    const own = (
      ts.parseConfigFileTextToJson(file, fs.readFileSync(file, "utf8")).config as {
        compilerOptions: Record<string, unknown>;
      }
    ).compilerOptions;
    assert.deepStrictEqual(
      { strict: own.strict, module: own.module, moduleResolution: own.moduleResolution },
      { strict: true, module: "commonjs", moduleResolution: "node" },
    );
    const parsed = ts.getParsedCommandLineOfConfigFile(
      file,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) =>
          assert.fail(ts.flattenDiagnosticMessageText(d.messageText, "\n")),
      },
    )!;
    assert.deepStrictEqual(parsed.errors, []);
    assert.deepStrictEqual(parsed.fileNames, [path.join(APP, "index.ts")]);
    const build = ts.getParsedCommandLineOfConfigFile(
      path.join(ROOT, "tsconfig.test.json"),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) =>
          assert.fail(ts.flattenDiagnosticMessageText(d.messageText, "\n")),
      },
    )!;
    for (const k of ["strict", "target", "module", "moduleResolution", "esModuleInterop"] as const)
      assert.strictEqual(parsed.options[k], build.options[k], k);
  });
});
