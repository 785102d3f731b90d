/** The Harbor component in the prod, onprem and edge profiles, and its fault paths. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as k8sProvider from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import {
  Harbor,
  HarborArgsError,
  harborNetworkPolicies,
  INTERNAL_CERT_EARLY_RENEWAL_HOURS,
  INTERNAL_CERT_VALIDITY_HOURS,
  resolveHarborArgs,
} from "../../components/harbor";
import { helmPostRendererPath } from "../../components/harbor/postrender-path";
import { Recorded, runComponent } from "../harness";
import { CA_PEM, PLAIN_SECRETS, profileArgs, secretInputs } from "./profiles";
import { children, run, secretsOf, T, warningsOf } from "./component-support";

describe("harbor: Harbor component, prod profile", () => {
  let rec: Recorded;
  before(async () => {
    rec = await run("prod");
  });

  it("external database password in its own secret; no internal DB password generated", () => {
    const s = secretsOf(rec);
    assert.deepStrictEqual(s.get("harbor-database-password"), {
      type: "Opaque",
      data: { password: PLAIN_SECRETS.databasePassword },
      secrets: ["stringData"],
    });
    assert.strictEqual(rec.byType(T.password).filter((r) => r.name === "harbor-database-password").length, 0);
    const rel = rec.one(T.release);
    assert.deepStrictEqual(rec.secrets(rel), [], "no secret inline in prod values");
    const v = rec.inputs(rel).values;
    assert.strictEqual(v.database.external.existingSecret, "harbor-database-password");
    assert.strictEqual(v.core.replicas, 2);
    assert.strictEqual(v.persistence.imageChartStorage.s3.keyid, profileArgs("prod").storage.kmsKeyId);
  });

  it("the values Harbor's retained data was written with are protected, like the namespace (e2e: refused destroy)", () => {
    // External database here: no generated database password; the admin password and secretKey are generated.
    assert.deepStrictEqual(
      rec
        .byType(T.password)
        .filter((r) => r.protect)
        .map((r) => r.name)
        .sort(),
      ["harbor-admin-password", "harbor-secret-key"],
    );
    assert.strictEqual(rec.one(T.namespace).protect, true);
  });

  it("NetworkPolicies are created in the namespace exactly as harborNetworkPolicies() says", () => {
    const expected = harborNetworkPolicies(resolveHarborArgs("harbor", profileArgs("prod")));
    const got = rec.byType(T.netpol).map((r) => {
      const i = rec.inputs(r);
      return { resource: r.name, name: i.metadata.name, namespace: i.metadata.namespace, spec: i.spec };
    });
    assert.deepStrictEqual(
      got,
      expected.map((p) => ({
        resource: `harbor-netpol-${p.name.slice("harbor-".length)}`,
        name: p.name,
        namespace: "harbor",
        spec: p.spec,
      })),
    );
    const rel = rec.one(T.release);
    for (const r of rec.byType(T.netpol)) assert.ok(rel.dependencies.includes(r.urn));
    for (const r of rec.byType(T.netpol)) assert.strictEqual(rec.providerOf(r)?.name, "p");
  });
});

describe("harbor: Harbor component, onprem profile", () => {
  let rec: Recorded;
  before(async () => {
    rec = await run("onprem");
  });

  it("mounts the S3 endpoint's CA and proxies blobs; Trivy offline from the mirror", () => {
    assert.deepStrictEqual(secretsOf(rec).get("harbor-storage-ca-bundle")?.data, { "ca.crt": CA_PEM });
    const v = rec.inputs(rec.one(T.release)).values;
    assert.strictEqual(v.persistence.imageChartStorage.caBundleSecretName, "harbor-storage-ca-bundle");
    assert.strictEqual(
      v.persistence.imageChartStorage.s3.regionendpoint,
      "https://minio.dc1.corp.internal:9000",
    );
    assert.strictEqual(v.persistence.imageChartStorage.disableredirect, true);
    assert.strictEqual(v.trivy.offlineScan, true);
    assert.deepStrictEqual(v.trivy.dbRepository, ["registry.dc1.corp.internal/mirror/aquasec/trivy-db"]);
    assert.strictEqual(rec.byType(T.netpol).length, 3);
  });
});

describe("harbor: Harbor component, edge profile (internal TLS, LoadBalancer, given admin password)", () => {
  let rec: Recorded;
  let warnings: string[];
  before(async () => {
    ({ rec, warnings } = await warningsOf(() => run("edge")));
  });

  it("external Redis with a password: the release runs the package's post-renderer, and nothing warns", () => {
    const rel = rec.inputs(rec.one(T.release));
    // Relative to the working directory (the repository root under npm test): the same on every checkout.
    assert.strictEqual(rel.postrender, "./bin/registry-platform-helm-postrender");
    assert.strictEqual(rel.postrender, helmPostRendererPath());
    assert.ok(fs.statSync(path.resolve(rel.postrender)).mode & 0o111, "the post-renderer is executable");
    assert.strictEqual(rel.values.redis.external.existingSecret, "edge-harbor-redis-password");
    assert.deepStrictEqual(
      warnings.filter((w) => w.includes("Redis")),
      [],
    );
  });

  it("internal TLS: one CA and a certificate per enabled component, in kubernetes.io/tls secrets with ca.crt", () => {
    const ca = rec.inputs(rec.one(T.selfSigned, "harbor-internal-ca"));
    assert.strictEqual(ca.isCaCertificate, true);
    assert.deepStrictEqual(ca.subject, { commonName: "edge-harbor-internal-ca" });
    assert.deepStrictEqual(
      rec.byType(T.signed).map((r) => r.name),
      ["core", "jobservice", "registry", "portal"].map((c) => `harbor-${c}-internal-cert`),
    );
    for (const r of rec.byType(T.signed)) {
      const i = rec.inputs(r);
      assert.strictEqual(i.validityPeriodHours, INTERNAL_CERT_VALIDITY_HOURS);
      assert.strictEqual(i.earlyRenewalHours, INTERNAL_CERT_EARLY_RENEWAL_HOURS);
      assert.deepStrictEqual(i.allowedUses, [
        "digital_signature",
        "key_encipherment",
        "server_auth",
        "client_auth",
      ]);
    }
    const core = rec.inputs(rec.one(T.csr, "harbor-core-internal-csr"));
    assert.deepStrictEqual(core.subject, { commonName: "edge-harbor-core" });
    assert.deepStrictEqual(core.dnsNames, [
      "edge-harbor-core",
      "edge-harbor-core.registry",
      "edge-harbor-core.registry.svc",
      "edge-harbor-core.registry.svc.cluster.local",
      "localhost",
    ]);
    assert.deepStrictEqual(core.ipAddresses, ["127.0.0.1"]);
    const s = secretsOf(rec);
    for (const c of ["core", "jobservice", "registry", "portal"]) {
      const x = s.get(`edge-harbor-${c}-internal-tls`)!;
      assert.strictEqual(x.type, "kubernetes.io/tls");
      assert.deepStrictEqual(Object.keys(x.data).sort(), ["ca.crt", "tls.crt", "tls.key"]);
      assert.strictEqual(x.data["ca.crt"], rec.state(rec.one(T.selfSigned, "harbor-internal-ca")).certPem);
      assert.deepStrictEqual(x.secrets, ["stringData"]);
    }
    assert.ok(!s.has("edge-harbor-trivy-internal-tls"));
  });

  it("uses the given admin password (no RandomPassword) and the existing TLS secret (none created)", () => {
    assert.strictEqual(rec.byType(T.password).filter((r) => r.name === "harbor-admin-password").length, 0);
    const s = secretsOf(rec);
    assert.strictEqual(
      s.get("edge-harbor-admin-password")!.data.HARBOR_ADMIN_PASSWORD,
      PLAIN_SECRETS.adminPassword,
    );
    assert.ok(!s.has("edge-harbor-tls"));
    assert.deepStrictEqual(s.get("edge-harbor-redis-password")!.data, {
      REDIS_PASSWORD: PLAIN_SECRETS.redisPassword,
    });
    const o = rec.outputs;
    assert.strictEqual(o.adminPassword, PLAIN_SECRETS.adminPassword);
    assert.deepStrictEqual(rec.outputSecrets(), ["adminPassword"]);
    assert.strictEqual(o.coreServiceName, "edge-harbor-core");
    assert.strictEqual(o.namespace, "registry");
    assert.strictEqual(rec.inputs(rec.one(T.release)).values.expose.type, "loadBalancer");
  });
});

describe("harbor: Harbor component, fault paths", () => {
  it("preview registers the same resources without failing; internal Redis: no post-renderer", async () => {
    const { rec, warnings } = await warningsOf(() => run("dev", true));
    assert.deepStrictEqual(warnings, []);
    assert.strictEqual(rec.inputs(rec.one(T.release)).postrender, undefined);
    assert.strictEqual(children(rec).length, 23);
    assert.strictEqual(rec.outputs.host, "registry.dev.example.internal");
  });

  it("bad arguments fail the run with every problem listed (secret Outputs are not inspected)", async () => {
    await assert.rejects(
      async () => {
        await runComponent(() => {
          const kubernetes = new k8sProvider.Provider("p", {});
          new Harbor(
            "bad",
            {
              ...profileArgs("dev", secretInputs()),
              production: true,
              replicas: 1,
              adminPassword: pulumi.secret("x"),
              storage: { ...profileArgs("dev").storage, endpoint: "minio:9000" },
            },
            { providers: { kubernetes } },
          );
        });
      },
      (e: unknown) =>
        e instanceof HarborArgsError &&
        e.problems.length === 2 &&
        /^replicas: .*at least 2/.test(e.problems[0]) &&
        /^storage.endpoint: /.test(e.problems[1]),
    );
  });
});
