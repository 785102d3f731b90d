/**
 * The program's Harbor wiring per stack: storage outputs, TLS, database and Trivy settings reach the release.
 */
import * as assert from "assert";
import { Recorded, stackRun, stackWith, runProgram } from "../harness";
import { KNOWN, keyPaths } from "./values-support";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const SECRET = "kubernetes:core/v1:Secret";

function values(rec: Recorded): Record<string, any> {
  return rec.inputs(rec.one(RELEASE, "registry-harbor-release")).values as Record<string, any>;
}

describe("harbor wiring: every stack's release values are keys of the pinned chart", function () {
  this.timeout(60000);
  // Helm ignores an unknown values key without a word: a misspelt or misplaced key from the config wiring
  // would silently leave the chart's default (the profiles in values.test.ts cover the component alone).
  for (const stack of ["dev", "prod-apne1", "prod-apne2", "onprem"]) {
    it(`${stack}: every key path of the Harbor release's values exists in the chart's values.yaml`, async () => {
      const paths = keyPaths(values(await stackRun(stack)));
      assert.ok(paths.length > 60, `only ${paths.length} paths`);
      assert.deepStrictEqual(
        paths.filter((k) => !KNOWN.has(k)),
        [],
      );
    });
  }
});

describe("harbor wiring: prod-apne2 (AWS, external PostgreSQL, KMS)", function () {
  this.timeout(60000);
  let rec: Recorded;
  before(async () => {
    rec = await stackRun("prod-apne2");
  });

  it("stores blobs in the storage component's registry bucket with KMS and direct S3 redirects", () => {
    const s = values(rec).persistence.imageChartStorage;
    assert.deepStrictEqual(s, {
      type: "s3",
      disableredirect: false,
      s3: {
        bucket: "registry-platform-prod-apne2-registry",
        region: "ap-northeast-2",
        existingSecret: "harbor-s3-credentials",
        encrypt: true,
        keyid: "arn:aws:kms:ap-northeast-2:123456789012:alias/registry-platform",
      },
    });
  });

  it("the S3 credentials secret holds the storage component's IAM access key, as secrets", () => {
    const secret = rec.one(SECRET, "registry-harbor-s3-credentials-secret");
    const key = rec.one("aws:iam/accessKey:AccessKey", "registry-storage-registry-access-key");
    assert.deepStrictEqual(rec.secrets(secret), ["stringData"]);
    assert.match(rec.inputs(secret).stringData.REGISTRY_STORAGE_S3_ACCESSKEY, /^AKIA[0-9A-F]{16}$/);
    assert.ok(secret.dependencies.includes(key.urn), "secret depends on the access key");
  });

  it("uses the external database from config with the password from the secret config key", () => {
    assert.deepStrictEqual(values(rec).database, {
      type: "external",
      external: {
        host: "harbor-db.cluster-example.ap-northeast-2.rds.amazonaws.com",
        port: "5432",
        sslmode: "verify-full",
        username: "harbor",
        coreDatabase: "registry",
        existingSecret: "harbor-database-password",
      },
    });
    const db = rec.all.find((r) => r.type === SECRET && /database/.test(r.name))!;
    assert.ok(rec.secrets(db).length > 0, "database password secret is secret");
  });

  it("serves the platform CA chain on the ingress with production replicas, metrics and NetworkPolicies", () => {
    const v = values(rec);
    assert.strictEqual(v.externalURL, "https://registry.apne2.example.com");
    assert.strictEqual(v.expose.tls.certSource, "secret");
    assert.strictEqual(v.expose.ingress.className, "nginx");
    for (const c of ["core", "portal", "registry", "jobservice"]) assert.strictEqual(v[c].replicas, 2, c);
    assert.deepStrictEqual(v.metrics.serviceMonitor, { enabled: true });
    const tlsSecret = rec.one(SECRET, "registry-harbor-tls-secret");
    const leaf = rec.one("tls:index/locallySignedCert:LocallySignedCert", "registry-tls-server-cert");
    assert.ok(
      tlsSecret.dependencies.includes(leaf.urn),
      "TLS secret is built from the platform leaf certificate",
    );
    assert.deepStrictEqual(rec.secrets(tlsSecret), ["stringData"], "tls.crt/tls.key are secret");
    assert.deepStrictEqual(Object.keys(rec.inputs(tlsSecret).stringData).sort(), ["tls.crt", "tls.key"]);
    const policies = rec
      .byType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
      .map((p) => p.name)
      .sort();
    assert.deepStrictEqual(policies, [
      "registry-harbor-netpol-ingress-controller",
      "registry-harbor-netpol-metrics",
      "registry-harbor-netpol-same-namespace",
    ]);
    const metrics = rec.inputs(
      rec.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "registry-harbor-netpol-metrics"),
    );
    assert.match(JSON.stringify(metrics.spec.ingress), /"kubernetes.io\/metadata.name":"monitoring"/);
  });

  it("exports the admin password only as a secret", () => {
    assert.ok(rec.outputSecrets().includes("harborAdminPassword"));
    assert.strictEqual(typeof rec.outputs.harborAdminPassword, "string");
    assert.ok(rec.outputs.harborAdminPassword.length >= 32);
  });
});

describe("harbor wiring: onprem (MinIO behind the platform CA, air-gapped Trivy)", function () {
  this.timeout(60000);
  let rec: Recorded;
  before(async () => {
    rec = await stackRun("onprem");
  });

  it("points the registry at the endpoint with its scheme, proxies blobs and trusts the platform CA", () => {
    const s = values(rec).persistence.imageChartStorage;
    assert.strictEqual(s.s3.regionendpoint, "https://minio.dc1.corp.internal:9000");
    assert.strictEqual(s.s3.region, "us-east-1");
    assert.strictEqual(s.disableredirect, true);
    assert.strictEqual(s.caBundleSecretName, "harbor-storage-ca-bundle");
    const ca = rec.inputs(rec.one(SECRET, "registry-harbor-storage-ca-bundle-secret"));
    assert.match(JSON.stringify(ca), /BEGIN CERTIFICATE/);
  });

  it("uses the S3-compatible credentials from secret config", () => {
    const secret = rec.one(SECRET, "registry-harbor-s3-credentials-secret");
    assert.deepStrictEqual(rec.secrets(secret), ["stringData"]);
    assert.strictEqual(
      rec.inputs(secret).stringData.REGISTRY_STORAGE_S3_ACCESSKEY,
      "offline-synth-stand-in-for-registry-platform:s3AccessKey",
    );
  });

  it("scans offline from the mirrored vulnerability DB with an internal database", () => {
    const v = values(rec);
    assert.strictEqual(v.trivy.offlineScan, true);
    assert.deepStrictEqual(v.trivy.dbRepository, ["registry.dc1.corp.internal/mirror/aquasec/trivy-db"]);
    assert.strictEqual(v.database.type, "internal");
  });
});

describe("harbor wiring: cert-manager mode", function () {
  this.timeout(60000);
  it("requests a Certificate in Harbor's namespace into the secret the ingress names", async () => {
    const rec = await runProgram(
      "dev",
      stackWith("dev", {
        tls: {
          mode: "cert-manager",
          certManager: { issuerName: "letsencrypt", issuerKind: "ClusterIssuer" },
        },
      }),
    );
    const cert = rec.inputs(rec.one("kubernetes:cert-manager.io/v1:Certificate"));
    assert.strictEqual(cert.metadata.namespace, "harbor");
    assert.strictEqual(cert.spec.secretName, "registry-tls");
    assert.deepStrictEqual(cert.spec.dnsNames, ["registry.dev.example.internal"]);
    assert.deepStrictEqual(cert.spec.issuerRef, {
      name: "letsencrypt",
      kind: "ClusterIssuer",
      group: "cert-manager.io",
    });
    assert.strictEqual(values(rec).expose.tls.secret.secretName, "registry-tls");
    assert.deepStrictEqual(rec.byType("tls:index/locallySignedCert:LocallySignedCert"), []);
  });
});
