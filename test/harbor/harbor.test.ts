import * as assert from "assert";
import {
  GENERATED_SECRETS,
  harborValues,
  resolveHarborArgs,
  TOKEN_CERT_VALIDITY_HOURS,
} from "../../components/harbor";
import { versions } from "../../components/versions";
import { Recorded } from "../harness";
import { CA_PEM, LEAF_CHAIN_PEM, PLAIN_SECRETS, profileArgs } from "./profiles";
import { ALNUM, children, generated, run, secretsOf, T } from "./component-support";

describe("harbor: Harbor component, dev profile", () => {
  let rec: Recorded;
  before(async () => {
    rec = await run("dev");
  });

  it("installs the pinned chart into the created namespace with documented release options", () => {
    const i = rec.inputs(rec.one(T.release, "harbor-release"));
    assert.strictEqual(i.chart, "harbor");
    assert.strictEqual(i.version, versions.harbor.chart);
    assert.strictEqual(i.version, "1.19.1");
    assert.deepStrictEqual(i.repositoryOpts, { repo: "https://helm.goharbor.io" });
    assert.strictEqual(i.name, "harbor");
    assert.strictEqual(i.namespace, "harbor");
    assert.strictEqual(i.createNamespace, false);
    assert.strictEqual(i.timeout, 900);
    assert.strictEqual(i.atomic, false);
    assert.strictEqual(i.cleanupOnFail, true);
    assert.strictEqual(i.maxHistory, 10);
  });

  it("release values are harborValues() of the args, with the generated internal DB password as a secret", () => {
    const rel = rec.one(T.release);
    const i = rec.inputs(rel);
    const dbPassword = generated(rec, "harbor-database-password", 32);
    // The pods' secret checksums (HMACs under the generated checksum key; see test/providers/mutable).
    const podChecksums = Object.fromEntries(
      ["core", "jobservice", "registry", "trivy", "exporter"].map((p) => [
        p,
        i.values[p].podAnnotations["registry-platform/secrets-checksum"] as string,
      ]),
    );
    for (const c of Object.values(podChecksums)) assert.match(c, /^[0-9a-f]{64}$/);
    const expected = harborValues(resolveHarborArgs("harbor", profileArgs("dev")), {
      internalDatabasePassword: dbPassword,
      podChecksums,
    });
    assert.deepStrictEqual(i.values, JSON.parse(JSON.stringify(expected)));
    assert.deepStrictEqual(rec.secrets(rel), ["values.database.internal.password"]);
  });

  it("depends on the namespace and on every Secret its values reference", () => {
    const rel = rec.one(T.release);
    for (const r of [rec.one(T.namespace), ...rec.byType(T.secret)])
      assert.ok(rel.dependencies.includes(r.urn), `release does not depend on ${r.name}`);
  });

  it("creates exactly the Secrets the values reference, each with the keys the chart reads, all secret", () => {
    const s = secretsOf(rec);
    const keys = Object.fromEntries([...s].map(([n, x]) => [n, [x.type, ...Object.keys(x.data).sort()]]));
    assert.deepStrictEqual(keys, {
      "harbor-admin-password": ["Opaque", "HARBOR_ADMIN_PASSWORD"],
      "harbor-secret-key": ["Opaque", "secretKey"],
      "harbor-core-keys": ["Opaque", "CSRF_KEY", "secret"],
      "harbor-token-service": ["kubernetes.io/tls", "tls.crt", "tls.key"],
      "harbor-jobservice-keys": ["Opaque", "JOBSERVICE_SECRET"],
      "harbor-registry-keys": ["Opaque", "REGISTRY_HTTP_SECRET"],
      "harbor-registry-credentials": ["Opaque", "REGISTRY_HTPASSWD", "REGISTRY_PASSWD"],
      "harbor-s3-credentials": ["Opaque", "REGISTRY_STORAGE_S3_ACCESSKEY", "REGISTRY_STORAGE_S3_SECRETKEY"],
      "harbor-ca-bundle": ["Opaque", "ca.crt"],
      "harbor-tls": ["kubernetes.io/tls", "tls.crt", "tls.key"],
    });
    for (const [n, x] of s) {
      assert.deepStrictEqual(x.secrets, ["stringData"], `${n} data is not secret`);
      assert.strictEqual(
        rec.inputs(rec.byType(T.secret).find((r) => rec.inputs(r).metadata.name === n)!).metadata.namespace,
        "harbor",
      );
    }
  });

  it("every generated value is the result of a @pulumi/random or @pulumi/tls resource (kept in state)", () => {
    const s = secretsOf(rec);
    const adminAlphabet = ALNUM + GENERATED_SECRETS.adminPassword.overrideSpecial;
    assert.strictEqual(
      s.get("harbor-admin-password")!.data.HARBOR_ADMIN_PASSWORD,
      generated(rec, "harbor-admin-password", 32, adminAlphabet),
    );
    assert.strictEqual(s.get("harbor-secret-key")!.data.secretKey, generated(rec, "harbor-secret-key", 16));
    assert.strictEqual(s.get("harbor-core-keys")!.data.secret, generated(rec, "harbor-core-secret", 16));
    assert.strictEqual(s.get("harbor-core-keys")!.data.CSRF_KEY, generated(rec, "harbor-xsrf-key", 32));
    assert.strictEqual(
      s.get("harbor-jobservice-keys")!.data.JOBSERVICE_SECRET,
      generated(rec, "harbor-jobservice-secret", 16),
    );
    assert.strictEqual(
      s.get("harbor-registry-keys")!.data.REGISTRY_HTTP_SECRET,
      generated(rec, "harbor-registry-secret", 16),
    );
    const creds = s.get("harbor-registry-credentials")!.data;
    assert.strictEqual(creds.REGISTRY_PASSWD, generated(rec, "harbor-registry-password", 32));
    // htpasswd line from the same RandomPassword's bcryptHash output.
    assert.match(creds.REGISTRY_HTPASSWD, /^harbor_registry_user:\$2a\$10\$[A-Za-z0-9./]{53}$/);
    const token = s.get("harbor-token-service")!.data;
    assert.strictEqual(token["tls.key"], rec.state(rec.one(T.key, "harbor-token-key")).privateKeyPem);
    // PKCS#1: Harbor v2.15.1's core refused a PKCS#8 key ("unable to get PrivateKey from PEM type: PRIVATE KEY").
    assert.match(token["tls.key"], /^-----BEGIN RSA PRIVATE KEY-----\n/);
    assert.strictEqual(token["tls.crt"], rec.state(rec.one(T.selfSigned, "harbor-token-cert")).certPem);
  });

  it("passes given secrets through unchanged", () => {
    const s = secretsOf(rec);
    assert.deepStrictEqual(s.get("harbor-s3-credentials")!.data, {
      REGISTRY_STORAGE_S3_ACCESSKEY: PLAIN_SECRETS.accessKeyId,
      REGISTRY_STORAGE_S3_SECRETKEY: PLAIN_SECRETS.secretAccessKey,
    });
    assert.deepStrictEqual(s.get("harbor-tls")!.data, {
      "tls.crt": LEAF_CHAIN_PEM,
      "tls.key": PLAIN_SECRETS.keyPem,
    });
    assert.deepStrictEqual(s.get("harbor-ca-bundle")!.data, { "ca.crt": CA_PEM });
  });

  it("RandomPasswords: lengths and alphabets the chart and Harbor require", () => {
    const got = Object.fromEntries(
      rec.byType(T.password).map((r) => {
        const i = rec.inputs(r);
        return [r.name, [i.length, i.special]];
      }),
    );
    assert.deepStrictEqual(got, {
      "harbor-admin-password": [32, true],
      "harbor-secret-key": [16, false],
      "harbor-core-secret": [16, false],
      "harbor-xsrf-key": [32, false],
      "harbor-jobservice-secret": [16, false],
      "harbor-registry-secret": [16, false],
      "harbor-registry-password": [32, false],
      "harbor-database-password": [32, false],
      "harbor-checksum-key": [32, false],
    });
    const admin = rec.inputs(rec.one(T.password, "harbor-admin-password"));
    assert.strictEqual(admin.overrideSpecial, "-_.!%+=");
    assert.deepStrictEqual([admin.minUpper, admin.minLower, admin.minNumeric], [1, 1, 1]);
  });

  it("token signing key is RSA 4096 with a long-lived self-signed certificate", () => {
    assert.deepStrictEqual(rec.inputs(rec.one(T.key, "harbor-token-key")), {
      algorithm: "RSA",
      rsaBits: 4096,
    });
    const cert = rec.one(T.selfSigned, "harbor-token-cert");
    const i = rec.inputs(cert);
    assert.strictEqual(i.validityPeriodHours, TOKEN_CERT_VALIDITY_HOURS);
    assert.strictEqual(i.validityPeriodHours, 87600);
    assert.deepStrictEqual(i.subject, { commonName: "harbor-token-ca" });
    assert.strictEqual(i.isCaCertificate, true);
    assert.deepStrictEqual(rec.secrets(cert), ["privateKeyPem"]);
    assert.strictEqual(rec.byType(T.signed).length, 0, "no internal TLS certificates in dev");
  });

  it("namespace carries Pod Security labels (enforce restricted)", () => {
    const i = rec.inputs(rec.one(T.namespace));
    assert.deepStrictEqual(i.metadata, {
      name: "harbor",
      labels: {
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": "latest",
        "app.kubernetes.io/part-of": "registry-platform",
      },
    });
    assert.strictEqual(rec.byType(T.netpol).length, 0);
  });

  it("dev protects nothing: not the namespace, not the generated values", () => {
    assert.deepStrictEqual(
      rec.all.filter((r) => r.protect || r.retainOnDelete).map((r) => r.name),
      [],
    );
  });

  it("every child is parented to the component; Kubernetes children use the given provider", () => {
    const c = rec.one(T.component);
    const kids = children(rec);
    assert.strictEqual(kids.length, 23);
    for (const r of kids) {
      assert.strictEqual(rec.parentOf(r)?.urn, c.urn, `${r.name} parent`);
      if (r.type.startsWith("kubernetes:"))
        assert.strictEqual(rec.providerOf(r)?.name, "p", `${r.name} provider`);
      // random/tls use their packages' default providers, never the Kubernetes one.
      else assert.strictEqual(rec.providerOf(r), undefined, `${r.name} provider`);
    }
  });

  it("outputs: url, host, admin credentials (password secret), core service, namespace, release name", () => {
    const o = rec.outputs;
    assert.strictEqual(o.url, "https://registry.dev.example.internal");
    assert.strictEqual(o.host, "registry.dev.example.internal");
    assert.strictEqual(o.adminUsername, "admin");
    assert.strictEqual(o.adminPassword, generated(rec, "harbor-admin-password", 32, ALNUM + "-_.!%+="));
    assert.strictEqual(o.coreServiceName, "harbor-core");
    assert.strictEqual(o.namespace, "harbor");
    assert.strictEqual(o.releaseName, "harbor");
    assert.deepStrictEqual(rec.outputSecrets(), ["adminPassword"]);
  });

  it("the chart's default password appears nowhere", () => {
    for (const r of rec.all) assert.ok(!JSON.stringify(rec.inputs(r)).includes("Harbor12345"), r.name);
    assert.ok(!JSON.stringify(rec.outputs).includes("Harbor12345"));
  });
});
