import * as assert from "assert";
import {
  CHART_DEFAULT_ADMIN_PASSWORD,
  harborNetworkPolicies,
  harborSecretNames,
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
        password: DB_PASSWORD,
        resources: RESOURCE_PROFILES.standard.database,
        initContainer: { permissions: { resources: { requests: { cpu: "10m", memory: "32Mi" } } } },
      },
    });
    assert.deepStrictEqual(v.persistence.persistentVolumeClaim.database, { size: "5Gi" });
    assert.deepStrictEqual(v.redis, {
      type: "internal",
      internal: { resources: RESOURCE_PROFILES.standard.redis },
    });
    assert.deepStrictEqual(v.persistence.persistentVolumeClaim.redis, { size: "1Gi" });
  });

  it("Trivy online with the chart's DB repositories, metrics on without ServiceMonitor, no internal TLS", () => {
    assert.deepStrictEqual(v.trivy, {
      enabled: true,
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
    assert.deepStrictEqual(v.exporter, { resources: { requests: { cpu: "50m", memory: "128Mi" } } });
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
