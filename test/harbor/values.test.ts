import * as assert from "assert";
import {
  CHART_DEFAULT_ADMIN_PASSWORD,
  harborNetworkPolicies,
  harborPodSecrets,
  HARBOR_SECRETS_CHECKSUM_ANNOTATION,
  harborSecretNames,
  harborValues,
  HarborArgsError,
  RESOURCE_PROFILES,
  resolveHarborArgs,
} from "../../components/harbor";
import { PROD_KMS, profileArgs } from "./profiles";
import { chartKeys, DB_PASSWORD, DEPLOYMENTS, keyPaths, KNOWN, valuesOf } from "./values-support";

describe("harbor: values-keys fixture", () => {
  it("names its source and the pinned chart version", () => {
    assert.match(chartKeys.source, /harbor-helm chart 1\.19\.1 values\.yaml/);
    assert.strictEqual(chartKeys.version, "1.19.1");
    assert.ok(chartKeys.keys.includes("persistence.imageChartStorage.s3.bucket"));
    assert.ok(chartKeys.commentedKeys.includes("persistence.imageChartStorage.s3.existingSecret"));
  });

  for (const p of ["dev", "prod", "onprem", "edge"] as const) {
    it(`every key path set for the ${p} profile exists in the chart's values.yaml`, () => {
      const paths = keyPaths(valuesOf(p));
      assert.ok(paths.length > 60, `only ${paths.length} paths`);
      const unknown = paths.filter((k) => !KNOWN.has(k));
      assert.deepStrictEqual(unknown, []);
    });
  }

  it("the check catches a misspelt key", () => {
    const v = valuesOf("dev") as any;
    v.core.existingSecretName = "x";
    v.persistence.imageChartStorage.s3.regionEndpoint = "https://x";
    assert.deepStrictEqual(
      keyPaths(v).filter((k) => !KNOWN.has(k)),
      ["persistence.imageChartStorage.s3.regionEndpoint", "core.existingSecretName"],
    );
  });
});

describe("harbor: values for the dev profile", () => {
  const v = valuesOf("dev");
  const n = harborSecretNames("harbor");

  it("exposes through the ingress class with TLS from our secret and no body size limit", () => {
    assert.deepStrictEqual(v.expose, {
      type: "ingress",
      tls: { enabled: true, certSource: "secret", secret: { secretName: "harbor-tls" } },
      ingress: {
        hosts: { core: "registry.dev.example.internal" },
        className: "nginx",
        controller: "default",
        annotations: { "nginx.ingress.kubernetes.io/proxy-body-size": "0" },
      },
    });
    assert.strictEqual(v.externalURL, "https://registry.dev.example.internal");
  });

  it("stores blobs in the AWS bucket with redirects, credentials from an existing secret, no SSE override", () => {
    assert.deepStrictEqual(v.persistence.imageChartStorage, {
      type: "s3",
      disableredirect: false,
      s3: {
        existingSecret: "harbor-s3-credentials",
        region: "ap-northeast-2",
        bucket: "registry-platform-dev-registry",
      },
    });
    assert.strictEqual(v.persistence.resourcePolicy, "keep");
  });

  it("references every pinned secret by name instead of letting the chart generate it", () => {
    assert.strictEqual(v.existingSecretAdminPassword, n.adminPassword);
    assert.strictEqual(v.existingSecretAdminPasswordKey, "HARBOR_ADMIN_PASSWORD");
    assert.strictEqual(v.existingSecretSecretKey, "harbor-secret-key");
    assert.strictEqual(v.core.existingSecret, "harbor-core-keys");
    assert.strictEqual(v.core.existingXsrfSecret, "harbor-core-keys");
    assert.strictEqual(v.core.existingXsrfSecretKey, "CSRF_KEY");
    assert.strictEqual(v.core.secretName, "harbor-token-service");
    assert.strictEqual(v.jobservice.existingSecret, "harbor-jobservice-keys");
    assert.strictEqual(v.jobservice.existingSecretKey, "JOBSERVICE_SECRET");
    assert.strictEqual(v.registry.existingSecret, "harbor-registry-keys");
    assert.strictEqual(v.registry.existingSecretKey, "REGISTRY_HTTP_SECRET");
    assert.deepStrictEqual(v.registry.credentials, {
      username: "harbor_registry_user",
      existingSecret: "harbor-registry-credentials",
    });
    assert.strictEqual(v.caBundleSecretName, "harbor-ca-bundle");
    assert.strictEqual(v.caSecretName, "harbor-ca-bundle");
    // No inline secret the chart would otherwise render (or default).
    const a = v as any;
    for (const [k, x] of Object.entries({
      harborAdminPassword: a.harborAdminPassword,
      secretKey: a.secretKey,
      "core.secret": a.core.secret,
      "core.xsrfKey": a.core.xsrfKey,
      "core.tokenKey": a.core.tokenKey,
      "core.tokenCert": a.core.tokenCert,
      "jobservice.secret": a.jobservice.secret,
      "registry.secret": a.registry.secret,
      "registry.credentials.password": a.registry.credentials.password,
      "registry.credentials.htpasswdString": a.registry.credentials.htpasswdString,
    }))
      assert.strictEqual(x, undefined, `${k} must not be set inline`);
    assert.ok(!JSON.stringify(v).includes(CHART_DEFAULT_ADMIN_PASSWORD));
  });

  it("runs one replica of each, file job logs on a PVC with Recreate, standard requests", () => {
    for (const d of DEPLOYMENTS) {
      assert.strictEqual(v[d].replicas, 1, d);
      assert.deepStrictEqual(v[d].podDisruptionBudget, { enabled: false, minAvailable: 1 }, d);
      assert.deepStrictEqual(v[d].topologySpreadConstraints, [], d);
    }
    assert.deepStrictEqual(v.jobservice.jobLoggers, ["file"]);
    assert.deepStrictEqual(v.persistence.persistentVolumeClaim.jobservice, { jobLog: { size: "1Gi" } });
    assert.deepStrictEqual(v.updateStrategy, { type: "Recreate" });
    assert.deepStrictEqual(v.core.resources, { requests: { cpu: "100m", memory: "256Mi" } });
    assert.deepStrictEqual(v.registry.registry.resources, RESOURCE_PROFILES.standard.registry);
    assert.strictEqual(v.nginx, undefined);
  });

  it("internal PostgreSQL and Redis on PVCs of the default StorageClass; the DB password is the generated one", () => {
    assert.deepStrictEqual(v.database, {
      type: "internal",
      internal: {
        image: { repository: "docker.io/goharbor/harbor-db", tag: "v2.15.1" },
        password: DB_PASSWORD,
        resources: RESOURCE_PROFILES.standard.database,
        initContainer: { permissions: { resources: { requests: { cpu: "10m", memory: "32Mi" } } } },
      },
    });
    assert.deepStrictEqual(v.persistence.persistentVolumeClaim.database, { size: "5Gi" });
    assert.deepStrictEqual(v.redis, {
      type: "internal",
      internal: {
        resources: RESOURCE_PROFILES.standard.redis,
        image: { repository: "docker.io/goharbor/redis-photon", tag: "v2.15.1" },
      },
    });
    assert.deepStrictEqual(v.persistence.persistentVolumeClaim.redis, { size: "1Gi" });
  });

  it("Trivy online with the chart's DB repositories, metrics on without ServiceMonitor, no internal TLS", () => {
    assert.deepStrictEqual(v.trivy, {
      enabled: true,
      image: { repository: "docker.io/goharbor/trivy-adapter-photon", tag: "v2.15.1" },
      resources: RESOURCE_PROFILES.standard.trivy,
      skipUpdate: false,
      offlineScan: false,
    });
    assert.deepStrictEqual(v.persistence.persistentVolumeClaim.trivy, { size: "5Gi" });
    assert.deepStrictEqual(v.metrics, { enabled: true, serviceMonitor: { enabled: false } });
    assert.deepStrictEqual(v.internalTLS, { enabled: false });
  });

  it("creates no NetworkPolicy outside production unless asked", () => {
    assert.deepStrictEqual(harborNetworkPolicies(resolveHarborArgs("h", profileArgs("dev"))), []);
  });
});

describe("harbor: values for the prod profile", () => {
  const v = valuesOf("prod");

  it("two replicas of core, portal, registry and jobservice with PDBs and host spread", () => {
    for (const d of DEPLOYMENTS) {
      assert.strictEqual(v[d].replicas, 2, d);
      assert.deepStrictEqual(v[d].podDisruptionBudget, { enabled: true, minAvailable: 1 }, d);
      assert.deepStrictEqual(
        v[d].topologySpreadConstraints,
        [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway" }],
        d,
      );
    }
  });

  it("production resource requests on every component", () => {
    assert.deepStrictEqual(v.core.resources, { requests: { cpu: "250m", memory: "512Mi" } });
    assert.deepStrictEqual(v.portal.resources, { requests: { cpu: "50m", memory: "64Mi" } });
    assert.deepStrictEqual(v.jobservice.resources, { requests: { cpu: "100m", memory: "256Mi" } });
    assert.deepStrictEqual(v.registry.registry.resources, { requests: { cpu: "250m", memory: "512Mi" } });
    assert.deepStrictEqual(v.registry.controller.resources, { requests: { cpu: "50m", memory: "128Mi" } });
    assert.deepStrictEqual(v.trivy.resources, {
      requests: { cpu: "500m", memory: "1Gi" },
      limits: { cpu: "2", memory: "2Gi" },
    });
    assert.deepStrictEqual(v.exporter, {
      image: { repository: "docker.io/goharbor/harbor-exporter", tag: "v2.15.1" },
      resources: { requests: { cpu: "50m", memory: "128Mi" } },
    });
  });

  it("job logs go to the database (no RWO PVC shared by two pods) and updates roll", () => {
    assert.deepStrictEqual(v.jobservice.jobLoggers, ["database"]);
    assert.strictEqual(v.persistence.persistentVolumeClaim.jobservice, undefined);
    assert.deepStrictEqual(v.updateStrategy, { type: "RollingUpdate" });
  });

  it("SSE-KMS with the customer key on AWS, redirects on", () => {
    assert.deepStrictEqual(v.persistence.imageChartStorage, {
      type: "s3",
      disableredirect: false,
      s3: {
        existingSecret: "harbor-s3-credentials",
        region: "ap-northeast-2",
        bucket: "registry-platform-prod-apne2-registry",
        encrypt: true,
        keyid: PROD_KMS,
      },
    });
  });

  it("external PostgreSQL through an existing secret; internal Redis and Trivy on gp3", () => {
    assert.deepStrictEqual(v.database, {
      type: "external",
      external: {
        host: "harbor-db.cluster-example.ap-northeast-2.rds.amazonaws.com",
        port: "5432",
        username: "harbor",
        coreDatabase: "registry",
        existingSecret: "harbor-database-password",
        sslmode: "verify-full",
      },
    });
    assert.deepStrictEqual(v.persistence.persistentVolumeClaim, {
      redis: { storageClass: "gp3", size: "1Gi" },
      trivy: { storageClass: "gp3", size: "5Gi" },
    });
  });

  it("metrics with a ServiceMonitor", () => {
    assert.deepStrictEqual(v.metrics, { enabled: true, serviceMonitor: { enabled: true } });
  });

  it("NetworkPolicies: same namespace, ingress controller to core/portal on 8080, metrics port to Prometheus", () => {
    const r = resolveHarborArgs("h", profileArgs("prod"));
    const release = { release: "harbor", app: "harbor" };
    assert.deepStrictEqual(harborNetworkPolicies(r), [
      {
        name: "harbor-same-namespace",
        spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] },
      },
      {
        name: "harbor-ingress-controller",
        spec: {
          podSelector: {
            matchLabels: release,
            matchExpressions: [{ key: "component", operator: "In", values: ["core", "portal"] }],
          },
          policyTypes: ["Ingress"],
          ingress: [
            {
              from: [
                { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } },
              ],
              ports: [{ protocol: "TCP", port: 8080 }],
            },
          ],
        },
      },
      {
        name: "harbor-metrics",
        spec: {
          podSelector: {
            matchLabels: release,
            matchExpressions: [
              { key: "component", operator: "In", values: ["core", "registry", "jobservice", "exporter"] },
            ],
          },
          policyTypes: ["Ingress"],
          ingress: [
            {
              from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
              ports: [{ protocol: "TCP", port: 8001 }],
            },
          ],
        },
      },
    ]);
  });

  it("without a Prometheus namespace the metrics port (only) is open to every namespace", () => {
    const r = resolveHarborArgs("h", {
      ...profileArgs("prod"),
      metrics: { enabled: true, serviceMonitor: true },
    });
    const m = harborNetworkPolicies(r).find((p) => p.name === "harbor-metrics")!;
    assert.deepStrictEqual(m.spec.ingress, [
      { from: [{ namespaceSelector: {} }], ports: [{ protocol: "TCP", port: 8001 }] },
    ]);
  });
});

describe("harbor: images and pod checksum annotations", () => {
  const MIRROR = "mirror.example.internal/platform";

  it("every rendered component's image is set, under the mirror when one is given (tags kept)", () => {
    const edge = valuesOf("edge", (a) => ({ ...a, imageMirror: MIRROR })) as any;
    const imgs = [
      edge.nginx.image,
      edge.portal.image,
      edge.core.image,
      edge.jobservice.image,
      edge.registry.registry.image,
      edge.registry.controller.image,
      edge.database.internal?.image,
    ].filter((x) => x !== undefined);
    assert.ok(imgs.length >= 6);
    for (const i of imgs) {
      assert.ok(i.repository.startsWith(`${MIRROR}/goharbor/`), i.repository);
      assert.strictEqual(i.tag, "v2.15.1");
    }
    // Components not rendered get no image: ingress needs no nginx, metrics off needs no exporter.
    const dev = valuesOf("dev") as any;
    assert.strictEqual(dev.nginx, undefined);
    assert.strictEqual(edge.exporter, undefined);
    assert.deepStrictEqual(dev.core.image, { repository: "docker.io/goharbor/harbor-core", tag: "v2.15.1" });
  });

  it("the Secrets each pod reads follow the chart's templates", () => {
    const dev = harborPodSecrets(resolveHarborArgs("h", profileArgs("dev")));
    assert.deepStrictEqual(Object.keys(dev).sort(), ["core", "exporter", "jobservice", "registry", "trivy"]);
    assert.ok(dev.registry!.includes("harbor-s3-credentials"));
    assert.ok(!dev.core!.includes("harbor-s3-credentials"));
    assert.ok(
      !Object.values(dev).some((s) => s.includes("harbor-tls")),
      "the ingress certificate rolls no pod",
    );
    const edge = harborPodSecrets(resolveHarborArgs("h", profileArgs("edge")));
    assert.deepStrictEqual(edge.portal, ["edge-harbor-portal-internal-tls"]);
    assert.ok(edge.core!.includes("edge-harbor-redis-password"));
    assert.ok(edge.core!.includes("edge-harbor-core-internal-tls"));
  });

  it("checksums become podAnnotations of the pods they belong to", () => {
    const v = valuesOf("dev", (a) => a) as any;
    assert.strictEqual(v.core.podAnnotations, undefined);
    const w = harborValues(resolveHarborArgs("harbor", profileArgs("dev")), {
      internalDatabasePassword: DB_PASSWORD,
      podChecksums: { core: "c", registry: "r", trivy: "t" },
    }) as any;
    assert.deepStrictEqual(w.core.podAnnotations, { [HARBOR_SECRETS_CHECKSUM_ANNOTATION]: "c" });
    assert.deepStrictEqual(w.registry.podAnnotations, { [HARBOR_SECRETS_CHECKSUM_ANNOTATION]: "r" });
    assert.deepStrictEqual(w.trivy.podAnnotations, { [HARBOR_SECRETS_CHECKSUM_ANNOTATION]: "t" });
    assert.strictEqual(w.jobservice.podAnnotations, undefined);
  });

  it("refuses a mirror that is not host[:port][/path] and a non-boolean wait", () => {
    assert.throws(
      () =>
        resolveHarborArgs("h", {
          ...profileArgs("dev"),
          imageMirror: "https://mirror",
          wait: "yes" as unknown as boolean,
        }),
      (e: unknown) =>
        e instanceof HarborArgsError &&
        e.problems.some((p) => p.startsWith('imageMirror: found "https://mirror"')) &&
        e.problems.some((p) => p.startsWith('wait: found "yes"; allowed: true or false')),
    );
  });
});

describe("harbor: pod Secrets with extra trusted CAs", () => {
  it("core reads the platform CA (download) and the trusted bundle; the others the trusted bundle", () => {
    const r = resolveHarborArgs("h", { ...profileArgs("dev"), trustedCaBundlePem: "EXTRA" });
    const p = harborPodSecrets(r);
    const n = harborSecretNames(r.releaseName);
    assert.ok(p.core!.includes(n.caBundle) && p.core!.includes(n.trustedCaBundle));
    for (const pod of ["jobservice", "registry", "trivy", "exporter"] as const) {
      assert.ok(p[pod]!.includes(n.trustedCaBundle), pod);
      assert.ok(!p[pod]!.includes(n.caBundle), pod);
    }
  });
});
