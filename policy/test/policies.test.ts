import * as assert from "assert";
import {
  allowedRegistries,
  helmValuesImages,
  insecureSettings,
  noInsecureTls,
  noLatestImages,
  s3BucketProtection,
  stackOfUrn,
} from "../policies";
import { ADMISSION_CASES, COMPLIANT_IMAGE, TABLE_ALLOWED_ENTRIES } from "../../test/policy/admission-table";
import { Res, runResourcePolicy, runStackPolicy, stackResources } from "./helpers";

/** Workload kinds and their Kubernetes type tokens and pod-spec builders. */
const KINDS: { kind: string; type: string; wrap: (podSpec: object) => object }[] = [
  { kind: "Pod", type: "kubernetes:core/v1:Pod", wrap: (s) => ({ spec: s }) },
  ...["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"].map((k) => ({
    kind: k,
    type: `kubernetes:apps/v1:${k}`,
    wrap: (s: object) => ({ spec: { template: { spec: s } } }),
  })),
  { kind: "Job", type: "kubernetes:batch/v1:Job", wrap: (s) => ({ spec: { template: { spec: s } } }) },
  {
    kind: "ReplicationController",
    type: "kubernetes:core/v1:ReplicationController",
    wrap: (s) => ({ spec: { template: { spec: s } } }),
  },
  {
    kind: "CronJob",
    type: "kubernetes:batch/v1:CronJob",
    wrap: (s) => ({ spec: { schedule: "0 * * * *", jobTemplate: { spec: { template: { spec: s } } } } }),
  },
];
const LISTS = ["containers", "initContainers", "ephemeralContainers"] as const;

function workload(k: (typeof KINDS)[number], list: (typeof LISTS)[number], image: string): Res {
  const spec: Record<string, unknown> = { containers: [{ name: "main", image: COMPLIANT_IMAGE }] };
  if (list === "containers") spec.containers = [{ name: "main", image }];
  else spec[list] = [{ name: "x", image }];
  return { type: k.type, name: `w-${k.kind.toLowerCase()}`, props: k.wrap(spec) as Record<string, unknown> };
}

const REG_CONFIG = { allowedRegistries: TABLE_ALLOWED_ENTRIES };

describe("pack: no-latest-images and allowed-registries over the admission table, every kind and container list", () => {
  for (const k of KINDS)
    for (const list of LISTS)
      it(`${k.kind} ${list}`, async () => {
        for (const c of ADMISSION_CASES) {
          const r = workload(k, list, c.image);
          const latest = await runResourcePolicy(noLatestImages, r);
          assert.strictEqual(latest.length === 0, c.allow.references, `${c.id}: ${latest.join("; ")}`);
          if (!c.allow.references) assert.match(latest[0], new RegExp(`${list}\\[0\\]\\.image: `));
          const reg = await runResourcePolicy(allowedRegistries, r, REG_CONFIG);
          assert.strictEqual(reg.length === 0, c.allow.registries, `${c.id}: ${reg.join("; ")}`);
        }
      });

  it("ignores resources without pod specs and the Patch variants are checked like the kinds", async () => {
    assert.deepStrictEqual(
      await runResourcePolicy(noLatestImages, {
        type: "kubernetes:core/v1:ConfigMap",
        name: "c",
        props: { data: { image: "nginx" } },
      }),
      [],
    );
    const patch = await runResourcePolicy(noLatestImages, {
      type: "kubernetes:apps/v1:DeploymentPatch",
      name: "p",
      props: { spec: { template: { spec: { containers: [{ name: "a", image: "nginx:latest" }] } } } },
    });
    assert.strictEqual(patch.length, 1);
  });
});

describe("pack: Helm values", () => {
  it("finds image strings and {registry, repository, tag, digest} objects; a tag-less object is only judged by registry", () => {
    assert.deepStrictEqual(
      helmValuesImages({
        image: "ghcr.io/acme/a:1.0.0",
        sub: { image: { registry: "docker.io", repository: "velero/velero", tag: "v1.18.1" } },
        list: [{ image: { repository: "goharbor/harbor-core" } }],
        other: { repository: "not-an-image" },
      }),
      [
        { where: "values.image", image: "ghcr.io/acme/a:1.0.0" },
        { where: "values.sub.image", image: "docker.io/velero/velero:v1.18.1" },
        { where: "values.list[0].image", image: "goharbor/harbor-core", partial: true },
      ],
    );
  });

  it("reads {registry, image, tag, digest} objects (ingress-nginx's form) as one reference, not a bare name", async () => {
    const digest = `sha256:${"a".repeat(64)}`;
    const values = {
      controller: {
        image: { registry: "registry.k8s.io", image: "ingress-nginx/controller", tag: "v1.11.2", digest },
      },
      webhook: { image: { registry: "registry.k8s.io", image: "ingress-nginx/kube-webhook-certgen" } },
    };
    assert.deepStrictEqual(helmValuesImages(values), [
      {
        where: "values.controller.image",
        image: `registry.k8s.io/ingress-nginx/controller:v1.11.2@${digest}`,
      },
      {
        where: "values.webhook.image",
        image: "registry.k8s.io/ingress-nginx/kube-webhook-certgen",
        partial: true,
      },
    ]);
    const release: Res = { type: "kubernetes:helm.sh/v3:Release", name: "ingress", props: { values } };
    assert.deepStrictEqual(await runResourcePolicy(noLatestImages, release), []);
    assert.deepStrictEqual(await runResourcePolicy(allowedRegistries, release, REG_CONFIG), []);
  });

  it("global.imageRegistry (Bitnami, kube-prometheus-stack) replaces the registry of every image object", async () => {
    const values = {
      global: { imageRegistry: "registry.example.internal" },
      image: { registry: "docker.io", repository: "bitnami/redis", tag: "7.4.1" },
      metrics: { image: { repository: "bitnami/redis-exporter", tag: "1.62.0" } },
      sidecar: { image: "docker.io/library/busybox:1.37.0" },
    };
    assert.deepStrictEqual(helmValuesImages(values), [
      { where: "values.image", image: "registry.example.internal/bitnami/redis:7.4.1" },
      { where: "values.metrics.image", image: "registry.example.internal/bitnami/redis-exporter:1.62.0" },
      { where: "values.sidecar.image", image: "docker.io/library/busybox:1.37.0" },
    ]);
    const release: Res = { type: "kubernetes:helm.sh/v3:Release", name: "redis", props: { values } };
    const found = await runResourcePolicy(allowedRegistries, release, REG_CONFIG);
    assert.deepStrictEqual(found, [
      'values.sidecar.image: "docker.io/library/busybox:1.37.0" is not from an allowed registry (registry.example.internal, ghcr.io/acme, registry.k8s.io, mirror.example.internal:5000)',
    ]);
  });

  for (const type of ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"])
    it(`${type}: passes compliant values, reports latest and foreign registries`, async () => {
      const ok: Res = {
        type,
        name: "r",
        props: { values: { image: { repository: "registry.example.internal/apps/x", tag: "v1.0.0" } } },
      };
      assert.deepStrictEqual(await runResourcePolicy(noLatestImages, ok), []);
      assert.deepStrictEqual(await runResourcePolicy(allowedRegistries, ok, REG_CONFIG), []);
      const bad: Res = {
        type,
        name: "r",
        props: { values: { a: { image: "nginx:latest" }, b: { image: { repository: "quay.io/x/y" } } } },
      };
      assert.deepStrictEqual(await runResourcePolicy(noLatestImages, bad), [
        'values.a.image: "nginx:latest" uses the mutable tag "latest"; use a release tag or a digest',
      ]);
      assert.strictEqual((await runResourcePolicy(allowedRegistries, bad, REG_CONFIG)).length, 2);
    });
});

describe("pack: allowed-registries config", () => {
  const pod = workload(KINDS[0], "containers", "ghcr.io/acme/x:1.0.0");
  it("an empty allow-list while the policy is enforced fails, naming the key", async () => {
    await assert.rejects(
      runResourcePolicy(allowedRegistries, pod, {}),
      /allowed-registries\.allowedRegistries: found \[\]; allowed: at least one registry/,
    );
    await assert.rejects(
      runResourcePolicy(allowedRegistries, pod, { allowedRegistries: [] }),
      /allowedRegistries: found \[\]/,
    );
  });
  it("a malformed entry fails, naming the key and the value", async () => {
    await assert.rejects(
      runResourcePolicy(allowedRegistries, pod, { allowedRegistries: ["https://ghcr.io"] }),
      /allowed-registries\.allowedRegistries: found \["https:\/\/ghcr.io"\]/,
    );
  });
});

function bucketStack(opts: {
  versioning?: string;
  lock?: boolean;
  sse?: boolean;
  pab?: Partial<Record<string, boolean>> | null;
}): Res[] {
  const rs: (Res & { bucketOf?: string })[] = [
    {
      type: "aws:s3/bucket:Bucket",
      name: "data-bucket",
      props: { bucket: "data", objectLockEnabled: opts.lock ?? true },
    },
  ];
  if (opts.versioning !== "none")
    rs.push({
      type: "aws:s3/bucketVersioning:BucketVersioning",
      name: "v",
      props: { bucket: "data", versioningConfiguration: { status: opts.versioning ?? "Enabled" } },
      bucketOf: "data-bucket",
    });
  if (opts.sse ?? true)
    rs.push({
      type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      name: "e",
      props: { bucket: "data", rules: [] },
      bucketOf: "data-bucket",
    });
  if (opts.pab !== null)
    rs.push({
      type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      name: "p",
      props: {
        bucket: "data",
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
        ...opts.pab,
      },
      bucketOf: "data-bucket",
    });
  return rs;
}

describe("pack: s3-bucket-protection", () => {
  const run = (rs: Res[], cfg = {}) => runStackPolicy(s3BucketProtection, stackResources(rs), cfg);
  it("passes a versioned, locked, encrypted, public-access-blocked bucket", async () => {
    assert.deepStrictEqual(await run(bucketStack({})), []);
  });
  it("links settings by bucket name when the dependency is not recorded", async () => {
    const rs = bucketStack({}).map((r) => ({ ...r, bucketOf: undefined }));
    assert.deepStrictEqual(await run(rs), []);
  });
  for (const [name, opts, why] of [
    ["suspended versioning", { versioning: "Suspended" }, /versioning is not enabled/],
    ["no versioning", { versioning: "none" }, /versioning is not enabled/],
    ["no object lock", { lock: false }, /Object Lock is not enabled/],
    ["no encryption", { sse: false }, /no default encryption/],
    ["no public access block", { pab: null }, /no public access block/],
    [
      "a public access block with a flag off",
      { pab: { restrictPublicBuckets: false } },
      /leaves restrictPublicBuckets off/,
    ],
  ] as [string, Parameters<typeof bucketStack>[0], RegExp][])
    it(`reports ${name} on the bucket`, async () => {
      const v = await run(bucketStack(opts));
      assert.strictEqual(v.length, 1, JSON.stringify(v));
      assert.match(v[0].message, why);
      assert.match(v[0].urn!, /data-bucket$/);
    });
  it("skips exempt buckets by resource-name pattern", async () => {
    assert.deepStrictEqual(
      await run(bucketStack({ lock: false }), { exemptBuckets: [{ name: "^data-", reason: "log target" }] }),
      [],
    );
  });
});

describe("pack: s3-bucket-protection exemptions", () => {
  const run = (rs: Res[], cfg = {}) => runStackPolicy(s3BucketProtection, stackResources(rs), cfg);
  it("waives only the listed checks", async () => {
    const v = await run(bucketStack({ lock: false, sse: false }), {
      exemptBuckets: [{ name: "^data-", reason: "r", checks: ["objectLock"] }],
    });
    assert.deepStrictEqual(
      v.map((x) => x.message),
      ["bucket data-bucket: no default encryption (add a BucketServerSideEncryptionConfiguration)"],
    );
  });
  it("applies a stack-scoped exemption only in matching stacks", async () => {
    const cfg = {
      exemptBuckets: [{ name: "^data-", reason: "r", checks: ["publicAccessBlock"], stacks: "^onprem$" }],
    };
    assert.strictEqual((await run(bucketStack({ pab: null }), cfg)).length, 1);
    const onprem = bucketStack({ pab: null }).map((r) => ({ ...r, stack: "onprem" }));
    assert.deepStrictEqual(await run(onprem, cfg), []);
  });
});

describe("pack: no-insecure-tls-in-production", () => {
  const res = (
    props: Record<string, unknown>,
    stack = "prod-apne2",
    type = "kubernetes:helm.sh/v3:Release",
  ): Res => ({ type, name: "r", props, stack });
  it("reports insecure settings anywhere in a production stack's resource or provider", async () => {
    for (const props of [
      {
        values: { configuration: { backupStorageLocation: [{ config: { insecureSkipTLSVerify: "true" } }] } },
      },
      { values: { registry: { insecure: true } } },
      { kubeconfig: "apiVersion: v1\nclusters:\n- cluster:\n    insecure-skip-tls-verify: true\n" },
      { endpoint: { skipTLSVerify: true } },
      { verifyTls: false },
      { args: ["--insecure"] },
    ]) {
      const v = await runResourcePolicy(noInsecureTls, res(props));
      assert.strictEqual(v.length, 1, JSON.stringify(props));
      assert.match(v[0], /TLS verification must stay on in production/);
    }
    const provider = await runResourcePolicy(
      noInsecureTls,
      res({ kubeconfig: "insecure-skip-tls-verify: true" }, "prod-apne1", "pulumi:providers:kubernetes"),
    );
    assert.strictEqual(provider.length, 1);
  });
  it("passes secure settings, and anything outside production stacks", async () => {
    assert.deepStrictEqual(
      await runResourcePolicy(noInsecureTls, res({ values: { insecure: false, tls: { verify: true } } })),
      [],
    );
    assert.deepStrictEqual(
      await runResourcePolicy(noInsecureTls, res({ values: { insecure: true } }, "dev")),
      [],
    );
    assert.strictEqual(
      (
        await runResourcePolicy(noInsecureTls, res({ values: { insecure: true } }, "onprem"), {
          productionStacks: "^(prod|onprem$)",
        })
      ).length,
      1,
    );
  });
  it("reads the stack from the URN and walks nested values", () => {
    assert.strictEqual(
      stackOfUrn("urn:pulumi:prod-apne2::registry-platform::aws:s3/bucket:Bucket::b"),
      "prod-apne2",
    );
    assert.deepStrictEqual(insecureSettings({ a: [{ b: { "insecure-skip-tls-verify": "true" } }] }), [
      "a[0].b.insecure-skip-tls-verify",
    ]);
  });
});
