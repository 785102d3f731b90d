/**
 * Platform e2e, the stack with an external Redis password (EXTERNAL_REDIS): the Harbor release ran the package's
 * post-renderer on the real engine. Helm `lookup` put the password into the chart's Redis URLs at install; on the
 * live API server no ConfigMap holds it, the Secrets beside them do, and the containers read it from there.
 */
import * as assert from "assert";
import { KObj } from "../support/cluster";
import { EXTERNAL_REDIS, StackContext } from "./context";

/** Registers the checks when the deploy group gave `ctx.stack` an external Redis password. */
export function redisChecks(ctx: StackContext): void {
  const { plan, report, need } = ctx;
  const I = () => ctx.infra.get();

  it("external Redis: the Harbor release's post-renderer is the package's, by the path relative to the project", async function () {
    need("up");
    if (ctx.redisPassword === undefined) this.skip();
    const d = JSON.parse(await ctx.stateAfterUp()) as {
      deployment: { resources: { type: string; urn: string; inputs?: Record<string, unknown> }[] };
    };
    const harbor = d.deployment.resources.filter(
      (r) => r.type === "kubernetes:helm.sh/v3:Release" && /-harbor-release$/.test(r.urn),
    );
    assert.strictEqual(harbor.length, 1, "one Harbor release");
    // The scratch project stands for a checkout run compiled from a subdirectory (init({ checkout: true })): the
    // path relative to the program's directory, which the Kubernetes provider resolved from its own for the next
    // check to pass.
    assert.strictEqual(harbor[0].inputs?.postrender, "../bin/registry-platform-helm-postrender");
    report.note(`postrender ${String(harbor[0].inputs?.postrender)}`);
  });

  it("external Redis: no ConfigMap holds its password; the post-renderer's Secrets do, and Harbor's containers read them", async function () {
    need("up");
    const pw = ctx.redisPassword;
    if (pw === undefined) this.skip();
    const ns = plan.harborNamespace;
    const encoded = encodeURIComponent(pw).replace(/%20/g, "+");
    assert.notStrictEqual(encoded, pw, "the run's password has characters the chart URL-encodes");
    const cms = await I().kube.list(`/api/v1/namespaces/${ns}/configmaps`);
    const holding = cms.flatMap((cm) =>
      Object.entries((cm.data ?? {}) as Record<string, string>)
        .filter(([, v]) => v.includes(pw) || v.includes(encoded))
        .map(([k]) => `${cm.metadata.name as string} ${k}`),
    );
    assert.deepStrictEqual(holding, [], "ConfigMap keys that hold the Redis password");

    const deployments = await I().kube.list(`/apis/apps/v1/namespaces/${ns}/deployments`);
    const core = deployments.find((d) => /-core$/.test(d.metadata.name as string));
    assert.ok(core, `no Harbor core Deployment in ${ns}`);
    const full = (core.metadata.name as string).replace(/-core$/, "");
    const secret = async (name: string) => {
      const s = await I().kube.secret(ns, name);
      assert.ok(s, `no Secret ${name} in ${ns}`);
      return s;
    };
    const coreUrls = await secret(`${full}-core-redis`);
    assert.deepStrictEqual(Object.keys(coreUrls).sort(), ["_REDIS_URL_CORE", "_REDIS_URL_REG"]);
    for (const v of Object.values(coreUrls))
      assert.ok(v.startsWith(`redis://:${encoded}@${EXTERNAL_REDIS.addr}/`), "a core URL with the password");
    assert.strictEqual(
      (await secret(`${full}-jobservice-redis`)).JOB_SERVICE_POOL_REDIS_URL,
      `redis://:${encoded}@${EXTERNAL_REDIS.addr}/1`,
    );
    assert.deepStrictEqual(await secret(`${full}-registry-redis`), { REGISTRY_REDIS_PASSWORD: pw });
    assert.ok((await secret(`${full}-exporter-env-redis`)).HARBOR_REDIS_URL?.includes(encoded));

    /** `name` → secret name/key of each env var a Deployment's container reads from a Secret. */
    const envOf = (deployment: string, container: string) => {
      const d = deployments.find((x) => x.metadata.name === deployment);
      assert.ok(d, `no Deployment ${deployment}`);
      const c = (d.spec.template.spec.containers as KObj[]).find((x) => x.name === container);
      assert.ok(c, `no container ${container} in ${deployment}`);
      return Object.fromEntries(
        ((c.env ?? []) as KObj[])
          .filter((e) => e.valueFrom?.secretKeyRef)
          .map((e) => [e.name, `${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`]),
      );
    };
    const expect: [string, string, Record<string, string>][] = [
      [
        "core",
        "core",
        { _REDIS_URL_CORE: "core-redis/_REDIS_URL_CORE", _REDIS_URL_REG: "core-redis/_REDIS_URL_REG" },
      ],
      [
        "jobservice",
        "jobservice",
        { JOB_SERVICE_POOL_REDIS_URL: "jobservice-redis/JOB_SERVICE_POOL_REDIS_URL" },
      ],
      ["registry", "registry", { REGISTRY_REDIS_PASSWORD: "registry-redis/REGISTRY_REDIS_PASSWORD" }],
      ["registry", "registryctl", { REGISTRY_REDIS_PASSWORD: "registry-redis/REGISTRY_REDIS_PASSWORD" }],
      ["exporter", "exporter", { HARBOR_REDIS_URL: "exporter-env-redis/HARBOR_REDIS_URL" }],
    ];
    for (const [d, c, env] of expect) {
      const got = envOf(`${full}-${d}`, c);
      for (const [k, v] of Object.entries(env)) assert.strictEqual(got[k], `${full}-${v}`, `${d}/${c} ${k}`);
    }
    report.note(
      `${cms.length} ConfigMaps without the password; 4 Secrets ${full}-{core,jobservice,registry,exporter-env}-redis; ` +
        `${expect.length} containers read it from them`,
    );
  });
}
