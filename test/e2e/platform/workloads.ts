/**
 * Platform e2e, per stack: what the live workloads pull and where Harbor keeps images. Every image a workload
 * runs is one `npm run images` lists for the stack (from the mirror when air-gapped), and Trivy fetches the
 * databases it lists; Harbor core announces the stack's URL; the registry's live configuration stores images in
 * the stack's registry bucket with the credentials and CA the stack made.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { Kube, KObj } from "../support/cluster";
import { failure, run } from "../support/proc";
import { holdsRootCa } from "../support/output";
import { containersOf, podSpecOf, WORKLOAD_KINDS } from "../support/pod-specs";
import { NAMESPACE } from "../support/workspace";
import { StackContext } from "./context";

/** Every container image the workloads of `namespaces` run, with where each runs. */
async function liveImages(kube: Kube, namespaces: string[]): Promise<Map<string, string[]>> {
  const used = new Map<string, string[]>();
  for (const ns of namespaces)
    for (const { kind, list } of WORKLOAD_KINDS)
      for (const w of await kube.list(list(ns)))
        for (const c of containersOf(podSpecOf(kind, w))) {
          const where = `${ns}/${kind}/${w.metadata.name}/${c.name}`;
          used.set(c.image as string, [...(used.get(c.image as string) ?? []), where]);
        }
  return used;
}

interface ImageListing {
  airGapped: boolean;
  mirror?: string;
  images: { component: string; use: string; image: string }[];
  databases: { use: string; source: string; target: string }[];
}

/** Registers the image and registry-storage checks of `ctx.stack`. */
export function workloadChecks(ctx: StackContext): void {
  const { stack, plan, settings, report, need } = ctx;
  const I = () => ctx.infra.get();
  /** The config this run deployed: the workspace's stack file (secrets encrypted in it). */
  const deployedConfig = (key: string): any =>
    (parse(fs.readFileSync(I().ws.stackFile(stack), "utf8")) as { config: Record<string, any> }).config[
      `${NAMESPACE}:${key}`
    ];

  /** What a user copies into the air gap: `npm run images` of the config this run deployed (needs no secret). */
  let listed: Promise<ImageListing> | undefined;
  const imageListing = () =>
    (listed ??= run(process.execPath, [
      path.join(settings.root, "dist", "tools", "images", "cli.js"),
      "--stack",
      stack,
      "--config-file",
      I().ws.stackFile(stack),
      "--json",
    ]).then((r) => {
      assert.strictEqual(r.code, 0, failure(r));
      return JSON.parse(r.stdout) as ImageListing;
    }));

  it("every image the live workloads run is one `npm run images` lists for the stack (air-gapped: from its mirror)", async function () {
    need("up");
    const listing = await imageListing();
    const listed = new Set(listing.images.map((i) => i.image));
    const policy = deployedConfig("policy") ?? {};
    const namespaces = [
      plan.harborNamespace,
      plan.veleroNamespace,
      plan.systemNamespace,
      ...(policy.enabled === false ? [] : [(policy.namespace as string | undefined) ?? "kyverno"]),
    ];
    const used = await liveImages(I().kube, namespaces);
    assert.ok(used.size > 0, `no workload images in ${namespaces.join(", ")}`);
    const unlisted = [...used].filter(([image]) => !listed.has(image));
    assert.deepStrictEqual(
      unlisted.map(([image, where]) => `${image} (${where.join(", ")})`),
      [],
      "images running in the cluster that `npm run images` does not list (a mirror would lack them)",
    );
    if (listing.airGapped) {
      assert.ok(listing.mirror, "an air-gapped listing names its mirror");
      const outside = [...used.keys()].filter((i) => !i.startsWith(`${listing.mirror}/`));
      assert.deepStrictEqual(outside, [], `images not pulled from the mirror ${listing.mirror}`);
    }
    const idle = listing.images.filter((i) => !used.has(i.image)).map((i) => `${i.component} ${i.use}`);
    report.note(
      `${used.size} distinct images in ${[...used.values()].flat().length} containers of ${namespaces.join(", ")}, ` +
        `all listed${listing.airGapped ? ` and under ${listing.mirror}` : ""}; listed, not running here: ` +
        `${idle.join("; ") || "none"}`,
    );
  });

  it("Trivy's live settings fetch its databases from what `npm run images` lists (air-gapped: offline scan)", async function () {
    need("up");
    const listing = await imageListing();
    const sts = (await I().kube.list(`/apis/apps/v1/namespaces/${plan.harborNamespace}/statefulsets`))
      .flatMap((s) => (s.spec.template.spec.containers ?? []) as KObj[])
      .find((c) => ((c.env ?? []) as KObj[]).some((e) => e.name === "SCANNER_TRIVY_OFFLINE_SCAN"));
    if (!sts) {
      assert.deepStrictEqual(listing.databases, [], "no Trivy running, no database listed");
      report.note("Trivy not deployed");
      return;
    }
    const env = Object.fromEntries(((sts.env ?? []) as KObj[]).map((e) => [e.name, e.value as string]));
    // Trivy adds the schema tag (`:2` for the vulnerability DB, `:1` for the Java DB) to an untagged repository.
    const tagged = (repos: string | undefined, tag: string) =>
      (repos ?? "")
        .split(",")
        .filter((r) => r !== "")
        .map((r) => (/:[^/]+$/.test(r) ? r : `${r}:${tag}`));
    const live = [
      ...(env.SCANNER_TRIVY_SKIP_UPDATE === "true" ? [] : tagged(env.SCANNER_TRIVY_DB_REPOSITORY, "2")),
      ...(env.SCANNER_TRIVY_SKIP_JAVA_DB_UPDATE === "true"
        ? []
        : tagged(env.SCANNER_TRIVY_JAVA_DB_REPOSITORY, "1")),
    ];
    // Online, Trivy's own defaults are fine (nothing listed); listed or air-gapped, it fetches what is listed.
    if (listing.databases.length > 0 || listing.airGapped)
      assert.deepStrictEqual(
        live.sort(),
        listing.databases.map((d) => d.target).sort(),
        "the databases Trivy fetches = the listed targets",
      );
    if (listing.airGapped)
      assert.strictEqual(env.SCANNER_TRIVY_OFFLINE_SCAN, "true", "an air-gapped Trivy scans offline");
    report.note(
      `offline scan ${env.SCANNER_TRIVY_OFFLINE_SCAN}; fetches ${live.join(", ") || "nothing (skip update)"}`,
    );
  });

  it("Harbor core announces the URL the stack outputs (EXT_ENDPOINT: docker login's token realm, replication)", async function () {
    need("up");
    const { kube } = I();
    const outs = await I().ws.outputs(stack, false);
    const core = (await kube.list(`/apis/apps/v1/namespaces/${plan.harborNamespace}/deployments`))
      .flatMap((d) => (d.spec.template.spec.containers ?? []) as KObj[])
      .find((c) => c.name === "core");
    assert.ok(core, `no core container in ${plan.harborNamespace}`);
    const endpoints: string[] = [];
    for (const e of (core.envFrom ?? []) as KObj[])
      if (e.configMapRef) {
        const v = (await kube.configMap(plan.harborNamespace, e.configMapRef.name as string))?.EXT_ENDPOINT;
        if (v !== undefined) endpoints.push(v);
      }
    assert.deepStrictEqual(endpoints, [outs.registryUrl], "EXT_ENDPOINT of core's ConfigMap = registryUrl");
    report.note(`EXT_ENDPOINT ${endpoints[0]}`);
  });

  it("Harbor's registry stores images in the stack's registry bucket (live config.yml, S3 credentials, endpoint CA)", async function () {
    need("up");
    const { kube } = I();
    const outs = await I().ws.outputs(stack, true);
    const ns = plan.harborNamespace;
    const deployment = (await kube.list(`/apis/apps/v1/namespaces/${ns}/deployments`)).find((d) =>
      ((d.spec.template.spec.containers ?? []) as KObj[]).some((c) => c.name === "registry"),
    );
    assert.ok(deployment, `no Deployment with a registry container in ${ns}`);
    const pod = deployment.spec.template.spec;
    const container = (pod.containers as KObj[]).find((c) => c.name === "registry");
    const volume = (name: string): KObj => ((pod.volumes ?? []) as KObj[]).find((v) => v.name === name);
    // The configuration the registry reads: the ConfigMap key mounted as /etc/registry/config.yml.
    const configMount = ((container.volumeMounts ?? []) as KObj[]).find(
      (m) => m.mountPath === "/etc/registry/config.yml",
    );
    assert.ok(configMount, "the registry container mounts /etc/registry/config.yml");
    const cmName = volume(configMount.name)?.configMap?.name as string;
    const configYml = (await kube.configMap(ns, cmName))?.["config.yml"];
    assert.ok(configYml, `ConfigMap ${cmName} has config.yml`);
    const storage: KObj = parse(configYml).storage;
    assert.ok(
      storage?.s3,
      `the registry's storage driver is s3 (found: ${Object.keys(storage ?? {}).join(", ")})`,
    );
    const s3 = storage.s3;
    assert.strictEqual(s3.bucket, outs.registryBucket, "storage.s3.bucket = the registryBucket output");
    assert.strictEqual(s3.region, outs.storageRegion, "storage.s3.region = the storageRegion output");
    assert.strictEqual(
      s3.regionendpoint,
      typeof outs.storageEndpoint === "string" ? outs.storageEndpoint.replace(/\/$/, "") : undefined,
      "storage.s3.regionendpoint = the storageEndpoint output (none on AWS)",
    );
    // The keys come from the Secret the stack made, by the names the S3 driver reads from the environment.
    const fromSecrets = ((container.envFrom ?? []) as KObj[]).map((e) => e.secretRef?.name as string);
    const keyed: string[] = [];
    for (const name of fromSecrets) {
      const data = (await kube.secret(ns, name)) ?? {};
      if (data.REGISTRY_STORAGE_S3_ACCESSKEY && data.REGISTRY_STORAGE_S3_SECRETKEY) keyed.push(name);
    }
    assert.strictEqual(
      keyed.length,
      1,
      `one envFrom Secret holds both S3 keys (envFrom: ${fromSecrets.join(", ")})`,
    );
    // An endpoint behind the platform's CA: the registry trusts it through the mounted bundle.
    const caMount = ((container.volumeMounts ?? []) as KObj[]).find((m) => m.name === "storage-service-ca");
    const platformCa = (plan.config[`${NAMESPACE}:storage`] as KObj)?.endpointUsesPlatformCa === true;
    if (platformCa) {
      assert.ok(caMount, "the registry mounts the storage endpoint's CA bundle");
      const secretName = volume("storage-service-ca")?.secret?.secretName as string;
      const bundle = (await kube.secret(ns, secretName))?.["ca.crt"] ?? "";
      assert.ok(
        holdsRootCa(bundle, outs.caBundlePem as string),
        `Secret ${secretName} ca.crt holds the platform's root CA`,
      );
    } else assert.strictEqual(caMount, undefined, "no storage CA bundle for an endpoint with a public CA");
    report.note(
      `${cmName}: s3 bucket ${s3.bucket}, region ${s3.region}` +
        `${s3.regionendpoint ? `, endpoint ${s3.regionendpoint}` : ""}; keys from Secret ${keyed[0]}` +
        `${platformCa ? "; endpoint CA mounted" : ""}`,
    );
  });
}
