/**
 * The Harbor release's Redis post-renderer on the pinned chart (part of `npm run test:real`): real `helm template`
 * of chart 1.19.1 with the values the program registers for prod-apne1 given an external Redis, run through
 * `bin/registry-platform-helm-postrender` as Helm runs a post-renderer (`--post-renderer` with the release's own
 * relative `postrender`, from the project directory).
 *
 * `helm template` has no cluster for the chart's `lookup` of `existingSecret`, so the password goes in as
 * `redis.external.password` instead: the chart writes it into the same places (checked: the render without the
 * post-renderer holds it in five ConfigMap values, with the chart's cache layer on). With `existingSecret` and no
 * cluster, a preview's case, the post-renderer must change nothing.
 *
 * Tools: helm and the chart archive as `npm run e2e` finds them (`E2E_HELM_BIN`, `E2E_CHARTS_DIR`, else ../shared).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { parseAllDocuments } from "yaml";
import { harborFullname } from "../../components/harbor/names";
import { versions } from "../../components/versions";
import { loadSettings } from "../e2e/support/settings";
import { containersOf, podSpecOf } from "../e2e/support/pod-specs";
import { ROOT, runProgram, stackValue, stackWith } from "../harness";
import { withSecret } from "../harness/config";
import { scratchDir } from "../harness/scratch";

type KObj = any;
const PW = "rp/e2e+@real pass";
const ENC = encodeURIComponent(PW).replace(/%20/g, "+");

describe("harbor: Redis post-renderer on the pinned chart (real helm template --post-renderer)", function () {
  this.timeout(300000);
  const settings = loadSettings();
  let dir: string;
  let values: KObj;
  let release: string;
  let namespace: string;
  let archive: string;
  /** The release's `postrender` as the program registers it (relative to the project directory). */
  let postrender: string;
  const render = (v: KObj, post: boolean, extra: string[] = []): string => {
    const file = path.join(dir, `values-${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(file, JSON.stringify(v));
    return execFileSync(
      settings.helmBin!,
      [
        ...["template", release, archive, "--namespace", namespace, "-f", file, "--skip-tests"],
        ...(post ? ["--post-renderer", postrender] : []),
        ...extra,
      ],
      // In the project directory, as the Kubernetes provider runs Helm: the relative path resolves there.
      { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
  };
  const objects = (text: string): KObj[] =>
    parseAllDocuments(text)
      .map((d) => d.toJS())
      .filter(Boolean);
  const holding = (objs: KObj[]) =>
    objs
      .filter((o) => o.kind === "ConfigMap")
      .flatMap((cm) =>
        Object.entries((cm.data ?? {}) as Record<string, string>)
          .filter(([, v]) => v.includes(PW) || v.includes(ENC))
          .map(([k]) => `${cm.metadata.name} ${k}`),
      );

  before(async function () {
    archive = path.join(settings.chartsDir ?? "", `harbor-${versions.harbor.chart}.tgz`);
    if (!settings.helmBin || !fs.existsSync(archive)) {
      console.log("      (skipped: no helm or Harbor chart archive; set E2E_HELM_BIN / E2E_CHARTS_DIR)");
      this.skip();
    }
    dir = scratchDir("redis-postrender");
    const sc = withSecret(
      stackWith("prod-apne1", {
        harbor: {
          ...stackValue("prod-apne1", "harbor"),
          redis: { type: "external", addr: "redis.apne1.example.internal:6379" },
        },
      }),
      "harborRedisPassword",
      PW,
    );
    const rec = await runProgram("prod-apne1", withSecret(sc, "harborDatabasePassword", "db-password-1"));
    const rel = rec
      .byType("kubernetes:helm.sh/v3:Release")
      .find((r) => /harbor/.test(String(rec.inputs(r).chart)));
    assert.ok(rel, "no Harbor release");
    const i = rec.inputs(rel);
    assert.strictEqual(i.postrender, "./bin/registry-platform-helm-postrender");
    postrender = i.postrender;
    assert.ok(i.values.redis.external.existingSecret, "the program gives the chart existingSecret");
    release = i.name;
    namespace = i.namespace;
    values = i.values;
  });

  it("with the password in the chart's URLs: none left in any ConfigMap; every Secret key a container reads is rendered", () => {
    const v = {
      ...values,
      redis: { type: "external", external: { addr: values.redis.external.addr, password: PW } },
    };
    const plain = objects(render(v, false, ["--set", "cache.enabled=true"]));
    const before = holding(plain);
    assert.ok(before.length >= 5, `the chart wrote the password into ${before.join(", ")}`);
    const after = objects(render(v, true, ["--set", "cache.enabled=true"]));
    assert.deepStrictEqual(holding(after), [], "ConfigMap keys that hold it after the post-renderer");
    const secrets = new Map<string, Set<string>>(
      after
        .filter((o) => o.kind === "Secret")
        .map((s) => [s.metadata.name, new Set(Object.keys(s.data ?? {}))]),
    );
    const reads: string[] = [];
    for (const o of after) {
      const spec = podSpecOf(o.kind, o);
      if (!spec) continue;
      for (const c of containersOf(spec))
        for (const e of (c.env ?? []) as KObj[]) {
          const ref = e.valueFrom?.secretKeyRef;
          if (!ref || !/-redis$/.test(ref.name)) continue;
          assert.ok(
            secrets.get(ref.name)?.has(ref.key),
            `${o.metadata.name}/${c.name} ${e.name} → ${ref.name}/${ref.key}`,
          );
          reads.push(`${o.metadata.name}/${c.name}:${e.name}`);
        }
    }
    const full = harborFullname(release);
    assert.deepStrictEqual(reads.sort(), [
      `${full}-core/core:_REDIS_URL_CORE`,
      `${full}-core/core:_REDIS_URL_REG`,
      `${full}-exporter/exporter:HARBOR_REDIS_URL`,
      `${full}-jobservice/jobservice:JOB_SERVICE_POOL_REDIS_URL`,
      `${full}-jobservice/jobservice:_REDIS_URL_CORE`,
      `${full}-registry/registry:REGISTRY_REDIS_PASSWORD`,
      `${full}-registry/registryctl:REGISTRY_REDIS_PASSWORD`,
    ]);
    console.log(
      `      ${before.length} ConfigMap values held it before, none after; ${reads.length} env vars read it from Secrets`,
    );
  });

  it("with existingSecret and no cluster (a preview): the render comes out byte for byte", () => {
    assert.strictEqual(render(values, true), render(values, false));
  });
});
