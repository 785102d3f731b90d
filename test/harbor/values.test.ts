import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import {
  CHART_DEFAULT_ADMIN_PASSWORD,
  HarborArgs,
  HarborArgsError,
  harborFullname,
  harborNetworkPolicies,
  harborSecretNames,
  harborValues,
  HarborValues,
  podSecurityLabels,
  RESOURCE_PROFILES,
  resolveHarborArgs,
} from "../../components/harbor";
import { PROD_KMS, ProfileName, profileArgs } from "./profiles";

const FIXTURE = path.join(__dirname, "..", "..", "..", "test", "fixtures", "harbor", "values-keys.json");
const chartKeys = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as {
  source: string;
  version: string;
  keys: string[];
  commentedKeys: string[];
  openMaps: string[];
};
const KNOWN = new Set([...chartKeys.keys, ...chartKeys.commentedKeys]);
const OPEN = new Set(chartKeys.openMaps);

/** Every key path we set, stopping at free-form maps and at arrays (whole values). */
function keyPaths(v: unknown, prefix = ""): string[] {
  if (typeof v !== "object" || v === null || Array.isArray(v) || (prefix !== "" && OPEN.has(prefix)))
    return [];
  return Object.entries(v).flatMap(([k, x]) => {
    const p = prefix === "" ? k : `${prefix}.${k}`;
    return [p, ...keyPaths(x, p)];
  });
}

const DB_PASSWORD = "generated-internal-db-password";

function valuesOf(profile: ProfileName, change: (a: HarborArgs) => HarborArgs = (a) => a): HarborValues {
  return harborValues(resolveHarborArgs("harbor", change(profileArgs(profile))), {
    internalDatabasePassword: DB_PASSWORD,
  });
}

const DEPLOYMENTS = ["core", "portal", "jobservice", "registry"] as const;

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

describe("harbor: values for the onprem profile", () => {
  const v = valuesOf("onprem");

  it("S3-compatible endpoint with scheme, blobs proxied, endpoint CA mounted, no SSE settings", () => {
    assert.deepStrictEqual(v.persistence.imageChartStorage, {
      type: "s3",
      disableredirect: true,
      caBundleSecretName: "harbor-storage-ca-bundle",
      s3: {
        existingSecret: "harbor-s3-credentials",
        region: "us-east-1",
        bucket: "registry-platform-onprem-registry",
        regionendpoint: "https://minio.dc1.corp.internal:9000",
      },
    });
  });

  it("Trivy air-gapped: offline scan, DB and Java DB only from the internal mirror", () => {
    assert.deepStrictEqual(v.trivy, {
      enabled: true,
      resources: RESOURCE_PROFILES.production.trivy,
      skipUpdate: false,
      skipJavaDBUpdate: false,
      offlineScan: true,
      dbRepository: ["registry.dc1.corp.internal/mirror/aquasec/trivy-db"],
      javaDBRepository: ["registry.dc1.corp.internal/mirror/aquasec/trivy-java-db"],
    });
  });

  it("Trivy air-gapped without a mirror skips every DB download", () => {
    const t = valuesOf("onprem", (a) => ({ ...a, trivy: { enabled: true, offline: true } })).trivy;
    assert.strictEqual(t.skipUpdate, true);
    assert.strictEqual(t.skipJavaDBUpdate, true);
    assert.strictEqual(t.offlineScan, true);
    assert.strictEqual(t.dbRepository, undefined);
  });

  it("internal PostgreSQL 20Gi, Redis and Trivy on ceph-rbd; two replicas", () => {
    assert.deepStrictEqual(v.persistence.persistentVolumeClaim, {
      database: { storageClass: "ceph-rbd", size: "20Gi" },
      redis: { storageClass: "ceph-rbd", size: "1Gi" },
      trivy: { storageClass: "ceph-rbd", size: "5Gi" },
    });
    for (const d of DEPLOYMENTS) assert.strictEqual(v[d].replicas, 2, d);
  });

  it("networkPolicy follows production when not given", () => {
    const names = harborNetworkPolicies(resolveHarborArgs("h", profileArgs("onprem"))).map((p) => p.name);
    assert.deepStrictEqual(names, ["harbor-same-namespace", "harbor-ingress-controller", "harbor-metrics"]);
  });
});

describe("harbor: values for the edge profile (LoadBalancer, internal TLS, external Redis)", () => {
  const v = valuesOf("edge");

  it("LoadBalancer through the chart's nginx with the existing TLS secret; no ingress keys", () => {
    assert.deepStrictEqual(v.expose, {
      type: "loadBalancer",
      tls: { enabled: true, certSource: "secret", secret: { secretName: "edge-cert-manager-tls" } },
    });
    assert.strictEqual(v.nginx?.replicas, 3);
    assert.deepStrictEqual(v.nginx?.resources, RESOURCE_PROFILES.production.nginx);
  });

  it("internal TLS from pinned secrets named after the release (no Trivy secret when Trivy is off)", () => {
    assert.strictEqual(harborFullname("edge"), "edge-harbor");
    assert.deepStrictEqual(v.internalTLS, {
      enabled: true,
      certSource: "secret",
      strong_ssl_ciphers: true,
      core: { secretName: "edge-harbor-core-internal-tls" },
      jobservice: { secretName: "edge-harbor-jobservice-internal-tls" },
      registry: { secretName: "edge-harbor-registry-internal-tls" },
      portal: { secretName: "edge-harbor-portal-internal-tls" },
    });
    assert.deepStrictEqual(v.trivy, { enabled: false });
    assert.strictEqual(v.persistence.persistentVolumeClaim.trivy, undefined);
  });

  it("external Redis password through an existing secret; DB StorageClass of its own; rootdirectory", () => {
    assert.deepStrictEqual(v.redis, {
      type: "external",
      external: { addr: "redis.cache.internal:6379", existingSecret: "edge-harbor-redis-password" },
    });
    assert.deepStrictEqual(v.persistence.persistentVolumeClaim.database, {
      storageClass: "fast-ssd",
      size: "10Gi",
    });
    assert.strictEqual(v.persistence.imageChartStorage.s3.rootdirectory, "/edge");
    assert.strictEqual(v.persistence.imageChartStorage.s3.encrypt, true);
  });

  it("metrics off: no exporter values and no ServiceMonitor", () => {
    assert.deepStrictEqual(v.metrics, { enabled: false, serviceMonitor: { enabled: false } });
    assert.strictEqual(v.exporter, undefined);
  });

  it("NetworkPolicy admits any source to nginx on 8080/8443 only; HTTPS ports with internal TLS", () => {
    const policies = harborNetworkPolicies(resolveHarborArgs("h", profileArgs("edge")));
    assert.deepStrictEqual(
      policies.map((p) => p.name),
      ["edge-harbor-same-namespace", "edge-harbor-load-balancer"],
    );
    assert.deepStrictEqual(policies[1].spec, {
      podSelector: {
        matchLabels: { release: "edge", app: "harbor" },
        matchExpressions: [{ key: "component", operator: "In", values: ["nginx"] }],
      },
      policyTypes: ["Ingress"],
      ingress: [
        {
          ports: [
            { protocol: "TCP", port: 8080 },
            { protocol: "TCP", port: 8443 },
          ],
        },
      ],
    });
    const ingress = harborNetworkPolicies(
      resolveHarborArgs("h", { ...profileArgs("prod"), internalTLS: true }),
    ).find((p) => p.name === "harbor-ingress-controller")!;
    assert.deepStrictEqual(ingress.spec.ingress[0].ports, [{ protocol: "TCP", port: 8443 }]);
  });
});

describe("harbor: object names", () => {
  it("our Secrets never take the name of an object the chart renders itself", () => {
    // Names the chart 1.19.1 templates give their own Secrets (release "harbor").
    const chartOwned = [
      "core",
      "jobservice",
      "registry",
      "registry-htpasswd",
      "registryctl",
      "database",
      "trivy",
      "exporter",
      "ingress",
      "nginx",
    ].map((s) => `harbor-${s}`);
    const n = harborSecretNames("harbor");
    const ours = [
      ...Object.values(n).filter((x): x is string => typeof x === "string"),
      ...(["core", "jobservice", "registry", "portal", "trivy"] as const).map((c) => n.internalTls(c)),
    ];
    assert.strictEqual(new Set(ours).size, ours.length, "names are distinct");
    assert.deepStrictEqual(
      ours.filter((x) => chartOwned.includes(x)),
      [],
    );
  });

  it("fullname follows the chart: a release containing 'harbor' is used as is", () => {
    assert.strictEqual(harborFullname("harbor"), "harbor");
    assert.strictEqual(harborFullname("my-harbor"), "my-harbor");
    assert.strictEqual(harborFullname("registry"), "registry-harbor");
  });
});

describe("harbor: argument defaults and validation", () => {
  it("defaults: namespace/release harbor, ingress nginx, 1 replica, internal DB 5Gi / Redis 1Gi, Trivy and metrics on", () => {
    const r = resolveHarborArgs("h", profileArgs("dev"));
    assert.strictEqual(r.namespace, "harbor");
    assert.strictEqual(r.releaseName, "harbor");
    assert.strictEqual(r.expose, "ingress");
    assert.strictEqual(r.ingressClass, "nginx");
    assert.strictEqual(r.ingressControllerNamespace, "ingress-nginx");
    assert.strictEqual(r.replicas, 1);
    assert.strictEqual(r.production, false);
    assert.strictEqual(r.networkPolicy, false);
    assert.strictEqual(r.internalTLS, false);
    assert.deepStrictEqual(r.redis, { type: "internal", size: "1Gi" });
    assert.deepStrictEqual(r.trivy, {
      enabled: true,
      offline: false,
      dbRepository: undefined,
      javaDbRepository: undefined,
      size: "5Gi",
    });
    assert.deepStrictEqual(r.metrics, {
      enabled: true,
      serviceMonitor: false,
      prometheusNamespace: undefined,
    });
    assert.strictEqual(r.jobserviceLogSize, "1Gi");
    assert.strictEqual(r.podSecurity, "restricted");
    assert.strictEqual(r.timeoutSeconds, 900);
    const prod = resolveHarborArgs("h", { ...profileArgs("dev"), production: true });
    assert.strictEqual(prod.replicas, 2);
    assert.strictEqual(prod.networkPolicy, true);
  });

  it("Pod Security labels enforce the level and warn/audit restricted", () => {
    assert.deepStrictEqual(podSecurityLabels("baseline"), {
      "pod-security.kubernetes.io/enforce": "baseline",
      "pod-security.kubernetes.io/enforce-version": "latest",
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/warn-version": "latest",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/audit-version": "latest",
    });
  });

  function problems(a: HarborArgs): string[] {
    try {
      resolveHarborArgs("reg", a);
    } catch (e) {
      assert.ok(e instanceof HarborArgsError, String(e));
      assert.match(e.message, /^Harbor "reg": invalid arguments:\n/);
      return e.problems;
    }
    return assert.fail("expected the arguments to be rejected");
  }

  it("lists every problem at once", () => {
    const dev = profileArgs("dev");
    const p = problems({
      ...dev,
      host: "https://Registry.example.com",
      production: true,
      replicas: 1,
      storage: { ...dev.storage, endpoint: "minio.local:9000", rootDirectory: "registry" },
      trivy: { enabled: false, offline: true },
      metrics: { enabled: false, serviceMonitor: true },
    });
    assert.deepStrictEqual(
      p.map((x) => x.split(":")[0]),
      [
        "host",
        "replicas",
        "storage.endpoint",
        "storage.rootDirectory",
        "trivy.offline",
        "metrics.serviceMonitor",
      ],
    );
    assert.match(p[1], /at least 2 when production is true/);
    assert.match(p[2], /with scheme/);
  });

  it("refuses the chart's default admin password and never echoes a given password", () => {
    const p1 = problems({ ...profileArgs("dev"), adminPassword: CHART_DEFAULT_ADMIN_PASSWORD });
    assert.deepStrictEqual(p1, ["adminPassword: the chart's default admin password is not allowed"]);
    const p2 = problems({ ...profileArgs("dev"), adminPassword: "s3cr3t" });
    assert.deepStrictEqual(p2, ["adminPassword: at least 8 characters (Harbor's rule)"]);
  });

  it("external database and Redis need their connection details", () => {
    const p = problems({
      ...profileArgs("dev"),
      database: {
        type: "external",
        host: "",
        port: 70000,
        sslmode: "prefer" as never,
        username: "harbor",
        coreDatabase: "registry",
        password: undefined as never,
      },
      redis: { type: "external", addr: "redis.internal" },
    });
    assert.deepStrictEqual(
      p.map((x) => x.split(":")[0]),
      ["database.host", "database.port", "database.sslmode", "database.password", "redis.addr"],
    );
  });

  it("rejects bad names, sizes, expose, tls kind and KMS without encrypt", () => {
    const dev = profileArgs("dev");
    const p = problems({
      ...dev,
      namespace: "Harbor_NS",
      expose: "nodePort" as never,
      storageClass: "gp3 ",
      storage: { ...dev.storage, kmsKeyId: PROD_KMS, encrypt: false },
      tls: { kind: "acme" } as never,
      database: { type: "internal", size: "5 GB" },
      jobserviceLogSize: "lots",
    });
    assert.deepStrictEqual(
      p.map((x) => x.split(":")[0]),
      [
        "namespace",
        "storageClass",
        "expose",
        "storage.encrypt",
        "tls.kind",
        "database.size",
        "jobserviceLogSize",
      ],
    );
  });
});
