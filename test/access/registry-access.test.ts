/**
 * RegistryAccess on the mock engine: the pull secret (secret, dockerconfigjson built in code with `$` in the
 * robot name), the default ServiceAccount patch, digest-pinned image references (no call-out while inputs are
 * unknown), and argument / platform faults.
 */
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { readPlatformContract } from "../../components/access/contract";
import { ResolveRequest } from "../../components/access/digest";
import {
  credentialsFromDockerConfig,
  RegistryAccess,
  registryAccessArgsProblems,
} from "../../components/access/registry-access";
import { registerStackReference } from "../../tools/synth/mocks";
import { runComponent, stackRun } from "../harness";

const DEV = "organization/registry-platform/dev";
const DIGEST = `sha256:${"ab".repeat(32)}`;
const SECRET = "kubernetes:core/v1:Secret";
const SA_PATCH = "kubernetes:core/v1:ServiceAccountPatch";
const COMPONENT = "registry-platform:access:RegistryAccess";

/** The whole `stringData` or its `.dockerconfigjson` member is a secret (the SDK wraps `stringData` too). */
function assertSecretConfig(paths: string[]): void {
  assert.ok(
    paths.length > 0 && paths.every((p) => p === "stringData" || p === "stringData..dockerconfigjson"),
    paths.join(", "),
  );
}

/** A resource whose `host` output the mock engine leaves unknown during preview. */
class Upstream extends pulumi.CustomResource {
  declare readonly host: pulumi.Output<string>;
  constructor(name: string) {
    super("test:index:Registry", name, { host: undefined });
  }
}

/** Records resolver calls; answers a fixed digest. */
function fakeResolver() {
  const calls: ResolveRequest[] = [];
  const resolver = (r: ResolveRequest) => {
    calls.push(r);
    return Promise.resolve(DIGEST);
  };
  return { calls, resolver };
}

describe("RegistryAccess (mock engine)", function () {
  this.timeout(120000);
  let dev: ReturnType<typeof readPlatformContract>;

  before(async () => {
    // The dev platform's real synth outputs, served to StackReference as the engine would (secrets marked).
    const rec = await stackRun("dev");
    dev = readPlatformContract(rec.outputs, "dev");
    const secretNames = [...new Set(rec.outputSecrets().map((p) => p.split(/[.[]/)[0]))];
    registerStackReference(DEV, rec.outputs, secretNames);
  });

  it("from a StackReference name: the pull secret is a secret dockerconfigjson of the project's pull robot", async () => {
    const { resolver } = fakeResolver();
    const rec = await runComponent(() => {
      const a = new RegistryAccess("web", {
        platformStack: DEV,
        project: "apps",
        namespace: "web",
        resolver,
      });
      return { secretName: a.secretName, config: a.dockerConfigJson };
    });
    const comp = rec.one(COMPONENT, "web");
    // (The StackReference is a read, not a registration: the engine records no inputs for it.)

    const s = rec.one(SECRET, "web-pull-secret");
    assert.strictEqual(s.parent, comp.urn);
    const inputs = rec.inputs(s);
    assert.strictEqual(inputs.type, "kubernetes.io/dockerconfigjson");
    assert.deepStrictEqual(inputs.metadata, {
      name: "registry-pull-apps",
      namespace: "web",
      labels: { "app.kubernetes.io/managed-by": "pulumi", "registry-platform/project": "apps" },
    });
    assertSecretConfig(rec.secrets(s));
    const json = JSON.parse(inputs.stringData[".dockerconfigjson"]);
    const platformCreds = credentialsFromDockerConfig(dev.pullDockerConfigJson!.apps, dev.registryHost);
    assert.deepStrictEqual(json, {
      auths: {
        "registry.dev.example.internal": {
          username: "robot$apps+cluster-pull",
          password: platformCreds.password,
          auth: Buffer.from(`robot$apps+cluster-pull:${platformCreds.password}`).toString("base64"),
        },
      },
    });
    assert.strictEqual(rec.outputs.secretName, "registry-pull-apps");
    assert.ok(rec.outputSecrets().includes("config"));
    assert.strictEqual(rec.byType(SA_PATCH).length, 0, "no ServiceAccount patch unless asked");
  });

  it("patchDefaultServiceAccount: a server-side patch of `default` in the namespace, after the secret", async () => {
    const { resolver } = fakeResolver();
    const rec = await runComponent(() => {
      new RegistryAccess("web", {
        platformStack: DEV,
        project: "apps",
        namespace: "web",
        secretName: "pull",
        patchDefaultServiceAccount: true,
        resolver,
      });
    });
    const p = rec.one(SA_PATCH, "web-default-sa");
    assert.strictEqual(p.parent, rec.one(COMPONENT).urn);
    assert.deepStrictEqual(rec.inputs(p), {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "default", namespace: "web" },
      imagePullSecrets: [{ name: "pull" }],
    });
    assert.ok(p.dependencies.includes(rec.one(SECRET).urn));
  });

  it("image(): resolves with the pull robot, trusting the platform CA, and pins by digest (not secret)", async () => {
    const { calls, resolver } = fakeResolver();
    const rec = await runComponent(() => {
      const a = new RegistryAccess("web", {
        platformStack: DEV,
        project: "apps",
        namespace: "web",
        resolver,
      });
      return { image: a.image("team/web", "v1.2.3") };
    });
    assert.strictEqual(rec.outputs.image, `registry.dev.example.internal/apps/team/web@${DIGEST}`);
    assert.deepStrictEqual(rec.outputSecrets(), []);
    assert.strictEqual(calls.length, 1);
    assert.strictEqual(calls[0].host, "registry.dev.example.internal");
    assert.strictEqual(calls[0].repository, "apps/team/web");
    assert.strictEqual(calls[0].reference, "v1.2.3");
    assert.strictEqual(calls[0].credentials?.username, "robot$apps+cluster-pull");
    assert.strictEqual(calls[0].caPem, dev.caBundlePem);
  });

  it("direct registry values: the dockerconfigjson is built in code (`$` kept), the password is a secret", async () => {
    const { calls, resolver } = fakeResolver();
    const rec = await runComponent(() => {
      const a = new RegistryAccess("job", {
        registry: {
          host: "registry.example.com:8443",
          username: "robot$ci+cluster-pull",
          password: "p$ss:word",
        },
        project: "ci",
        namespace: "jobs",
        resolver,
      });
      return { image: a.image("runner", "1.0.0") };
    });
    const s = rec.one(SECRET);
    const auths = JSON.parse(rec.inputs(s).stringData[".dockerconfigjson"]).auths;
    assert.deepStrictEqual(auths["registry.example.com:8443"], {
      username: "robot$ci+cluster-pull",
      password: "p$ss:word",
      auth: Buffer.from("robot$ci+cluster-pull:p$ss:word").toString("base64"),
    });
    assertSecretConfig(rec.secrets(s));
    assert.strictEqual(rec.outputs.image, `registry.example.com:8443/ci/runner@${DIGEST}`);
    assert.strictEqual(calls[0].caPem, undefined);
    assert.deepStrictEqual(
      credentialsFromDockerConfig(rec.inputs(s).stringData[".dockerconfigjson"], "registry.example.com:8443"),
      {
        username: "robot$ci+cluster-pull",
        password: "p$ss:word",
      },
    );
  });

  it("a project name longer than a label value (63): the project is an annotation, the Secret name stays valid", async () => {
    const project = `${"a".repeat(238)}-bcd`; // 242 characters: a valid Harbor project name
    const rec = await runComponent(() => {
      new RegistryAccess("long", {
        registry: { host: "registry.example.com", username: "robot$x+cluster-pull", password: "p" },
        project,
        namespace: "jobs",
        resolver: fakeResolver().resolver,
      });
    });
    const meta = rec.inputs(rec.one(SECRET)).metadata;
    assert.deepStrictEqual(meta.labels, { "app.kubernetes.io/managed-by": "pulumi" });
    assert.deepStrictEqual(meta.annotations, { "registry-platform/project": project });
    // Cut at 253 characters, the default name would have ended in "-" (refused by the API server).
    assert.strictEqual(meta.name, `registry-pull-${"a".repeat(238)}`);
    assert.match(meta.name, /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/);
  });

  it("preview with an unknown registry host: the resolver is never called, the image is unknown", async () => {
    const { calls, resolver } = fakeResolver();
    const rec = await runComponent(
      () => {
        // A value computed by a resource that does not exist yet: unknown during preview.
        const host = new Upstream("upstream").host;
        const a = new RegistryAccess("web", {
          registry: { host, username: "robot$apps+cluster-pull", password: "pw" },
          project: "apps",
          namespace: "web",
          resolver,
        });
        return { image: a.image("web", "v1") };
      },
      { preview: true },
    );
    assert.strictEqual(calls.length, 0);
    assert.strictEqual(rec.outputs.image, "[unknown]");
  });

  it("a resolver failure fails the deployment with the image and the status in the message", async () => {
    await assert.rejects(
      runComponent(() => {
        const a = new RegistryAccess("web", {
          platformStack: DEV,
          project: "apps",
          namespace: "web",
          resolver: () =>
            Promise.reject(
              new Error(
                "registry.dev.example.internal/apps/web:v9: HTTP 404 (MANIFEST_UNKNOWN: manifest unknown)",
              ),
            ),
        });
        return { image: a.image("web", "v9") };
      }),
      /registry\.dev\.example\.internal\/apps\/web:v9: HTTP 404/,
    );
  });

  it("a project the platform does not have: names the projects it has", async () => {
    await assert.rejects(
      runComponent(() => {
        const a = new RegistryAccess("web", {
          platformStack: DEV,
          project: "nope",
          namespace: "web",
          resolver: fakeResolver().resolver,
        });
        return { config: a.dockerConfigJson };
      }),
      /RegistryAccess web: platform stack organization\/registry-platform\/dev has no pull credentials for project "nope" \(projects: apps, platform\)/,
    );
  });

  it("image(): a bad repository or tag throws at the call, naming it and what is allowed (preview too)", async () => {
    // Checked only inside the resolver at deploy time before: a preview with the platform not yet deployed
    // passed, a custom resolver was handed the bad reference, and `up` failed late.
    const { calls, resolver } = fakeResolver();
    const rec = await runComponent(
      () => {
        const a = new RegistryAccess("web", {
          registry: { host: new Upstream("upstream").host, username: "u", password: "p" },
          project: "apps",
          namespace: "web",
          resolver,
        });
        const errors: string[] = [];
        for (const [repo, tag] of [
          ["Web", "v1"],
          ["web", "v1:latest"],
          ["web/", ""],
        ])
          try {
            a.image(repo, tag);
          } catch (e) {
            errors.push((e as Error).message);
          }
        return { errors };
      },
      { preview: true },
    );
    assert.strictEqual(calls.length, 0);
    assert.deepStrictEqual(rec.outputs.errors, [
      'RegistryAccess web: image("Web", "v1"): repository "apps/Web" is not a lowercase path (a-z, 0-9, . _ - separators, /)',
      'RegistryAccess web: image("web", "v1:latest"): reference "v1:latest" is neither a tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}) nor a sha256 digest',
      'RegistryAccess web: image("web/", ""): repository "apps/web/" is not a lowercase path (a-z, 0-9, . _ - separators, /); ' +
        'reference "" is neither a tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}) nor a sha256 digest',
    ]);
  });

  it("bad arguments: platformStack, registry.host, namespace and resolveTimeoutMs are checked too", () => {
    // Each of these was accepted before and failed later (StackReference "", a URL as the dockerconfigjson
    // key and in https://https://…, a namespace the API server refuses, a negative or NaN timeout).
    assert.deepStrictEqual(
      registryAccessArgsProblems({
        platformStack: "",
        project: "apps",
        namespace: "Web_NS",
        resolveTimeoutMs: -1,
      }),
      [
        'platformStack: found ""; allowed: a stack name (<stack>, <project>/<stack> or <org>/<project>/<stack>) or a StackReference',
        'namespace: found "Web_NS"; allowed: a DNS label (lowercase a-z, 0-9, -; at most 63 characters)',
        "resolveTimeoutMs: found -1; allowed: a whole number of milliseconds, at least 1",
      ],
    );
    assert.deepStrictEqual(
      registryAccessArgsProblems({
        registry: { host: "https://registry.example.com/", username: "u", password: "p" },
        project: "apps",
        namespace: "web",
        resolveTimeoutMs: Number.NaN,
      }),
      [
        'registry.host: found "https://registry.example.com/"; allowed: host[:port] without a scheme or path (registry.example.com, registry.example.com:8443)',
        "resolveTimeoutMs: found NaN; allowed: a whole number of milliseconds, at least 1",
      ],
    );
    // Valid forms, and unknown (Output) values, pass.
    for (const ok of [
      { platformStack: "dev" },
      { platformStack: "org/registry-platform/prod-apne2" },
      { registry: { host: "10.0.0.5:5000", username: "u", password: "p" } },
      { registry: { host: pulumi.output("x"), username: "u", password: "p" } },
    ])
      assert.deepStrictEqual(
        registryAccessArgsProblems({ ...ok, project: "apps", namespace: pulumi.output("N") }),
        [],
        JSON.stringify(ok),
      );
  });

  it("bad arguments: every problem at once, before anything is registered", async () => {
    assert.deepStrictEqual(
      registryAccessArgsProblems({ project: "Bad Project", namespace: "x", secretName: "-x-" }),
      [
        "platformStack / registry: found neither; allowed: exactly one",
        'project: found "Bad Project"; allowed: a Harbor project name (lowercase a-z, 0-9, . _ -)',
        'secretName: found "-x-"; allowed: a DNS subdomain name',
      ],
    );
    const rec = await runComponent(() => {
      try {
        new RegistryAccess("x", {
          platformStack: DEV,
          registry: { host: "h", username: "u", password: "p" },
          project: "apps",
          namespace: "n",
        });
        return { error: "" };
      } catch (e) {
        return { error: (e as Error).message };
      }
    });
    assert.strictEqual(
      rec.outputs.error,
      "RegistryAccess x: invalid arguments:\n  - platformStack / registry: found both; allowed: exactly one",
    );
    assert.strictEqual(rec.all.length, 0);
  });
});
