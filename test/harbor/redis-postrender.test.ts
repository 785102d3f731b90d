/**
 * The Harbor release's Helm post-renderer (external Redis password out of the chart's ConfigMaps): the transform
 * on a stream shaped like chart 1.19.1's render, its failure when the password stays somewhere unknown, the
 * preview render left as is, the `bin/` executable Helm runs, and the path the release gives Helm.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { helmPostRendererPath } from "../../components/harbor/postrender-path";
import { scratchDir } from "../harness/scratch";
import { ENC, PW, render, TRIVY_SECRET, url } from "./redis-render";
import {
  protectRedisPassword,
  redisUrlPassword,
  withoutCredentials,
} from "../../components/harbor/redis-postrender";

const ROOT = path.resolve(__dirname, "..", "..", "..");
type Obj = Record<string, any>;
const docsOf = (text: string): Obj[] =>
  YAML.parseAllDocuments(text)
    .map((d) => d.toJS() as Obj)
    .filter(Boolean);
const find = (docs: Obj[], kind: string, name: string) => {
  const d = docs.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(d, `${kind} ${name}`);
  return d;
};
const container = (docs: Obj[], deployment: string, name: string): Obj =>
  find(docs, "Deployment", deployment).spec.template.spec.containers.find((c: Obj) => c.name === name);
const fromSecret = (secret: string, key: string) => ({ valueFrom: { secretKeyRef: { name: secret, key } } });

describe("harbor: Redis post-renderer (chart ConfigMaps → Secrets)", () => {
  const input = render(url, PW);
  const { text, moves } = protectRedisPassword(input);
  const out = docsOf(text);

  it("reads the password of every Redis URL form the chart writes, URL-decoded; none without one", () => {
    assert.strictEqual(redisUrlPassword(url(0)), PW);
    assert.strictEqual(redisUrlPassword(`rediss://harbor:${ENC}@r:6380/0`), PW);
    assert.strictEqual(redisUrlPassword(`redis+sentinel://:${ENC}@s1:26379,s2:26379/mymaster/0`), PW);
    // A preview renders without Helm `lookup`: the chart writes `:@`.
    assert.strictEqual(redisUrlPassword("redis://:@redis.cache.internal:6379/0"), undefined);
    assert.strictEqual(redisUrlPassword("redis://redis:6379/0"), undefined);
    assert.strictEqual(redisUrlPassword("https://user:pw@example.com"), undefined);
    assert.strictEqual(
      withoutCredentials(url(1)),
      "redis://redis.cache.internal:6379/1?idle_timeout_seconds=30",
    );
  });

  it("moves from four ConfigMaps into a Secret each, named after them", () => {
    assert.deepStrictEqual(moves, [
      {
        configMap: "edge-harbor-core",
        namespace: "registry",
        secret: "edge-harbor-core-redis",
        envKeys: ["_REDIS_URL_CORE", "_REDIS_URL_REG"],
        mountEnv: [],
      },
      {
        configMap: "edge-harbor-jobservice",
        namespace: "registry",
        secret: "edge-harbor-jobservice-redis",
        envKeys: [],
        mountEnv: ["JOB_SERVICE_POOL_REDIS_URL"],
      },
      {
        configMap: "edge-harbor-registry",
        namespace: "registry",
        secret: "edge-harbor-registry-redis",
        envKeys: [],
        mountEnv: ["REGISTRY_REDIS_PASSWORD"],
      },
      {
        configMap: "edge-harbor-exporter-env",
        namespace: "registry",
        secret: "edge-harbor-exporter-env-redis",
        envKeys: ["HARBOR_REDIS_URL"],
        mountEnv: [],
      },
    ]);
  });

  it("no ConfigMap holds the password afterwards, as is or URL-encoded; the other keys stay", () => {
    const cms = out.filter((d) => d.kind === "ConfigMap");
    assert.strictEqual(cms.length, 4);
    for (const cm of cms)
      for (const [k, v] of Object.entries(cm.data as Record<string, string>)) {
        assert.ok(!v.includes(PW) && !v.includes(ENC), `${cm.metadata.name} ${k}`);
        assert.doesNotMatch(v, /s3cr/, `${cm.metadata.name} ${k}`);
      }
    assert.deepStrictEqual(find(out, "ConfigMap", "edge-harbor-core").data, {
      EXT_ENDPOINT: "https://registry.edge.example.internal",
    });
    assert.deepStrictEqual(find(out, "ConfigMap", "edge-harbor-exporter-env").data, {
      HARBOR_REDIS_NAMESPACE: "harbor_job_service_namespace",
    });
    const job = YAML.parse(find(out, "ConfigMap", "edge-harbor-jobservice").data["config.yml"]);
    assert.deepStrictEqual(job.worker_pool, {
      workers: 10,
      backend: "redis",
      redis_pool: {
        redis_url: "redis://redis.cache.internal:6379/1",
        namespace: "harbor_job_service_namespace",
        idle_timeout_second: 3600,
      },
    });
    assert.deepStrictEqual(job.loggers, [{ name: "STD_OUTPUT", level: "INFO" }]);
    const reg = find(out, "ConfigMap", "edge-harbor-registry").data;
    assert.deepStrictEqual(YAML.parse(reg["config.yml"]).redis, {
      addr: "redis.cache.internal:6379",
      db: 2,
      username: "",
      password: "",
      enableTLS: false,
    });
    assert.strictEqual(
      reg["ctl-config.yml"],
      'protocol: "http"\nport: 8080\n',
      "a file without Redis is untouched",
    );
  });

  it("the Secrets hold exactly what moved (namespace and labels of their ConfigMap)", () => {
    const data = (name: string) => {
      const s = find(out, "Secret", name);
      assert.strictEqual(s.type, "Opaque");
      assert.strictEqual(s.metadata.namespace, "registry");
      return Object.fromEntries(
        Object.entries(s.data as Record<string, string>).map(([k, v]) => [
          k,
          Buffer.from(v, "base64").toString(),
        ]),
      );
    };
    assert.deepStrictEqual(find(out, "Secret", "edge-harbor-core-redis").metadata.labels, { app: "harbor" });
    assert.deepStrictEqual(data("edge-harbor-core-redis"), {
      _REDIS_URL_CORE: url(0),
      _REDIS_URL_REG: url(2),
    });
    assert.deepStrictEqual(data("edge-harbor-jobservice-redis"), {
      JOB_SERVICE_POOL_REDIS_URL: url(1).replace(/\?.*/, ""),
    });
    assert.deepStrictEqual(data("edge-harbor-registry-redis"), { REGISTRY_REDIS_PASSWORD: PW });
    assert.deepStrictEqual(data("edge-harbor-exporter-env-redis"), {
      HARBOR_REDIS_URL: url(1).replace(/\?.*/, ""),
    });
  });

  it("every container that read it gets it from the Secret: envFrom keys, configMapKeyRef, mounted config files", () => {
    assert.deepStrictEqual(container(out, "edge-harbor-core", "core").env, [
      { name: "CORE_SECRET", valueFrom: { secretKeyRef: { name: "edge-harbor-core-keys", key: "secret" } } },
      { name: "_REDIS_URL_CORE", ...fromSecret("edge-harbor-core-redis", "_REDIS_URL_CORE") },
      { name: "_REDIS_URL_REG", ...fromSecret("edge-harbor-core-redis", "_REDIS_URL_REG") },
    ]);
    assert.deepStrictEqual(container(out, "edge-harbor-jobservice", "jobservice").env, [
      {
        name: "JOB_SERVICE_POOL_REDIS_URL",
        ...fromSecret("edge-harbor-jobservice-redis", "JOB_SERVICE_POOL_REDIS_URL"),
      },
    ]);
    for (const c of ["registry", "registryctl"])
      assert.deepStrictEqual(container(out, "edge-harbor-registry", c).env, [
        {
          name: "REGISTRY_REDIS_PASSWORD",
          ...fromSecret("edge-harbor-registry-redis", "REGISTRY_REDIS_PASSWORD"),
        },
      ]);
    assert.deepStrictEqual(container(out, "edge-harbor-exporter", "exporter").env, [
      { name: "REDIS_URL_COPY", ...fromSecret("edge-harbor-exporter-env-redis", "HARBOR_REDIS_URL") },
      { name: "HARBOR_REDIS_URL", ...fromSecret("edge-harbor-exporter-env-redis", "HARBOR_REDIS_URL") },
    ]);
    // envFrom stays: the ConfigMap's other keys are still read from it.
    assert.deepStrictEqual(container(out, "edge-harbor-core", "core").envFrom, [
      { configMapRef: { name: "edge-harbor-core" } },
      { secretRef: { name: "edge-harbor-core" } },
    ]);
  });

  it("documents it does not change keep their rendered text; the stream has one document more per Secret", () => {
    assert.ok(text.startsWith(TRIVY_SECRET), "the first document, byte for byte");
    assert.strictEqual(out.length, docsOf(input).length + 4);
  });

  it("a preview's render (no password: `redis://:@`) comes out byte for byte", () => {
    const preview = render((db) => `redis://:@redis.cache.internal:6379/${db}?idle_timeout_seconds=30`, "");
    const r = protectRedisPassword(preview);
    assert.strictEqual(r.text, preview);
    assert.deepStrictEqual(r.moves, []);
  });

  it("a password left in a ConfigMap it does not know fails, naming the ConfigMap and key but not the password", () => {
    const leaked = `${input}---
apiVersion: v1
kind: ConfigMap
metadata:
  name: edge-harbor-new-component
data:
  REDIS_DSN: "host=redis.cache.internal password=${PW}"
`;
    assert.throws(
      () => protectRedisPassword(leaked),
      (e: Error) => {
        assert.match(
          e.message,
          /ConfigMap edge-harbor-new-component key REDIS_DSN still holds the external Redis password/,
        );
        assert.ok(!e.message.includes(PW) && !e.message.includes(ENC));
        return true;
      },
    );
  });

  it("bin/registry-platform-helm-postrender: stdin → stdout as the function; exit 1 with the reason, no output", () => {
    const bin = path.join(ROOT, "bin", "registry-platform-helm-postrender");
    const ok = spawnSync(bin, [], { input, encoding: "utf8" });
    assert.strictEqual(ok.status, 0, ok.stderr);
    assert.strictEqual(ok.stdout, text);
    assert.strictEqual(ok.stderr, "");
    const bad = spawnSync(bin, [], {
      input: `${input}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k: "${PW}"\n`,
      encoding: "utf8",
    });
    assert.strictEqual(bad.status, 1);
    assert.strictEqual(bad.stdout, "");
    assert.match(bad.stderr, /^registry-platform-helm-postrender: ConfigMap x key k still holds/);
  });

  it("the path the release gives Helm: relative to the working directory inside the project, else absolute", () => {
    const BIN = "bin/registry-platform-helm-postrender";
    // A checkout, `main: index.ts`: the program (and the provider) run in the project directory.
    assert.strictEqual(helmPostRendererPath("/w/rp", "/w/rp", "/w/rp"), `./${BIN}`);
    // A consumer, `main: index.ts`, and compiled, `main: bin/index.js` (they run in <project>/bin).
    const pkg = "/w/app/node_modules/registry-platform";
    assert.strictEqual(
      helmPostRendererPath("/w/app", pkg, "/w/app"),
      `./node_modules/registry-platform/${BIN}`,
    );
    assert.strictEqual(
      helmPostRendererPath("/w/app/bin", pkg, "/w/app"),
      `../node_modules/registry-platform/${BIN}`,
    );
    // A checkout run compiled, `main: dist/index.js`.
    assert.strictEqual(helmPostRendererPath("/w/rp/dist", "/w/rp", "/w/rp"), `../${BIN}`);
    // A directory whose name starts with two dots is inside.
    assert.strictEqual(helmPostRendererPath("/w/app", "/w/app/..pkg", "/w/app"), `./..pkg/${BIN}`);
    // Outside the project (linked from elsewhere, a sibling): absolute.
    assert.strictEqual(
      helmPostRendererPath("/w/app", "/opt/registry-platform", "/w/app"),
      `/opt/registry-platform/${BIN}`,
    );
    assert.strictEqual(helmPostRendererPath("/w/app/bin", "/w/rp", "/w/app"), `/w/rp/${BIN}`);
    // No engine (the mock engine gives no project directory) and no Pulumi.yaml above: the working directory is.
    assert.strictEqual(helmPostRendererPath("/w/app", pkg), `./node_modules/registry-platform/${BIN}`);
    assert.strictEqual(
      helmPostRendererPath("/w/app/bin", pkg),
      `/w/app/node_modules/registry-platform/${BIN}`,
    );
    // This checkout, from its directory.
    assert.strictEqual(helmPostRendererPath(ROOT), `./${BIN}`);
  });

  it("the project directory: compared with its links resolved; without the engine's, the nearest with a Pulumi.yaml", () => {
    const tmp = scratchDir("postrender-path");
    fs.mkdirSync(path.join(tmp, "real", "app"), { recursive: true });
    fs.symlinkSync(path.join(tmp, "real"), path.join(tmp, "link"));
    // The engine names the project by the link; the program's working directory and __dirname are physical.
    const cwd = path.join(tmp, "real", "app");
    assert.strictEqual(
      helmPostRendererPath(
        cwd,
        path.join(cwd, "node_modules", "registry-platform"),
        path.join(tmp, "link", "app"),
      ),
      "./node_modules/registry-platform/bin/registry-platform-helm-postrender",
    );
    // Without the engine's project directory (the mock engine, an SDK without getRootDirectory): the nearest
    // directory with a Pulumi.yaml, here from a compiled program in bin/.
    fs.mkdirSync(path.join(cwd, "bin"));
    fs.writeFileSync(path.join(cwd, "Pulumi.yaml"), "name: app\nruntime: nodejs\nmain: bin/index.js\n");
    assert.strictEqual(
      helmPostRendererPath(path.join(cwd, "bin"), path.join(cwd, "node_modules", "registry-platform")),
      "../node_modules/registry-platform/bin/registry-platform-helm-postrender",
    );
  });
});
