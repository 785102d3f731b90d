/** Harbor values of the onprem and edge profiles, object names, argument defaults and validation. */
import * as assert from "assert";
import {
  CHART_DEFAULT_ADMIN_PASSWORD,
  HarborArgs,
  HarborArgsError,
  harborFullname,
  harborNetworkPolicies,
  harborSecretNames,
  podSecurityLabels,
  RESOURCE_PROFILES,
  resolveHarborArgs,
} from "../../components/harbor";
import { PROD_KMS, profileArgs } from "./profiles";
import { DEPLOYMENTS, valuesOf } from "./values-support";

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
      image: { repository: "docker.io/goharbor/trivy-adapter-photon", tag: "v2.15.1" },
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
