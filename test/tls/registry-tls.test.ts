import * as assert from "assert";
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { pemBundle, RegistryTls, RegistryTlsArgs, registryTlsSource } from "../../components/tls";
import { fakePem } from "../../tools/synth/mocks";
import { Recorded, runComponent } from "../harness";
import { chain } from "./openssl";
import { scratchDir } from "../harness/scratch";

const T = {
  key: "tls:index/privateKey:PrivateKey",
  selfSigned: "tls:index/selfSignedCert:SelfSignedCert",
  csr: "tls:index/certRequest:CertRequest",
  signed: "tls:index/locallySignedCert:LocallySignedCert",
  component: "registry-platform:tls:RegistryTls",
};

/** The PEMs the mock engine answered for a resource of the run (its recorded outputs). */
const certOf = (rec: Recorded, type: string, name: string) =>
  rec.state(rec.one(type, name)).certPem as string;
const keyOf = (rec: Recorded, name: string) => rec.state(rec.one(T.key, name)).privateKeyPem as string;

async function run(args: RegistryTlsArgs, opts?: pulumi.ComponentResourceOptions): Promise<Recorded> {
  return runComponent(() => {
    const t = new RegistryTls("reg", args, opts);
    const out: Record<string, unknown> = {
      caBundlePem: t.caBundlePem,
      rootCertPem: t.rootCertPem,
      intermediateCertPem: t.intermediateCertPem,
      serverCertChainPem: t.serverCertChainPem,
      serverKeyPem: t.serverKeyPem,
      serverCertNotAfter: t.serverCertNotAfter,
    };
    return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
  });
}

const names = (rec: Recorded, type: string) =>
  rec
    .byType(type)
    .map((r) => r.name)
    .sort();

describe("tls: RegistryTls self-signed-ca", () => {
  let rec: Recorded;
  before(async () => {
    rec = await run({
      host: "registry.example.com",
      extraSans: ["registry.example.org"],
      organization: "Example Corp",
      source: { mode: "self-signed-ca" },
    });
  });

  it("creates root, intermediate and server keys (ECDSA P-384) under the component", () => {
    assert.deepStrictEqual(names(rec, T.key), ["reg-intermediate-key", "reg-root-key", "reg-server-key"]);
    const comp = rec.one(T.component, "reg");
    for (const k of rec.byType(T.key)) {
      assert.deepStrictEqual(rec.inputs(k), { algorithm: "ECDSA", ecdsaCurve: "P384" });
      assert.strictEqual(rec.parentOf(k)?.urn, comp.urn);
      assert.strictEqual(k.protect, false);
    }
  });

  it("root: self-signed with the root key, CA flags, path length 1, 10 years", () => {
    const root = rec.one(T.selfSigned, "reg-root-cert");
    assert.deepStrictEqual(rec.inputs(root), {
      subject: { commonName: "Example Corp Root CA", organization: "Example Corp" },
      isCaCertificate: true,
      maxPathLength: 1,
      allowedUses: ["cert_signing", "crl_signing"],
      validityPeriodHours: 87_600,
      earlyRenewalHours: 0,
      setSubjectKeyId: true,
      setAuthorityKeyId: true,
      privateKeyPem: keyOf(rec, "reg-root-key"),
    });
    assert.deepStrictEqual(rec.secrets(root), ["privateKeyPem"]);
  });

  it("intermediate: CSR with its own key, signed by the root key and certificate, path length 0, 5 years", () => {
    const csr = rec.one(T.csr, "reg-intermediate-csr");
    assert.deepStrictEqual(rec.inputs(csr), {
      subject: { commonName: "Example Corp Registry Intermediate CA", organization: "Example Corp" },
      privateKeyPem: keyOf(rec, "reg-intermediate-key"),
    });
    assert.deepStrictEqual(rec.secrets(csr), ["privateKeyPem"]);
    const cert = rec.one(T.signed, "reg-intermediate-cert");
    const i = rec.inputs(cert);
    assert.strictEqual(i.caCertPem, certOf(rec, T.selfSigned, "reg-root-cert"));
    assert.strictEqual(i.caPrivateKeyPem, keyOf(rec, "reg-root-key"));
    assert.strictEqual(i.certRequestPem, rec.state(csr).certRequestPem);
    assert.strictEqual(i.isCaCertificate, true);
    assert.strictEqual(i.maxPathLength, 0);
    assert.deepStrictEqual(i.allowedUses, ["cert_signing", "crl_signing"]);
    assert.strictEqual(i.validityPeriodHours, 5 * 365 * 24);
    assert.strictEqual(i.earlyRenewalHours, 365 * 24);
    assert.deepStrictEqual(rec.secrets(cert), ["caPrivateKeyPem"]);
  });

  it("server: SANs host + extras, server_auth + digital_signature, 365 days, early renewal 30 days", () => {
    assert.deepStrictEqual(rec.inputs(rec.one(T.csr, "reg-server-csr")).dnsNames, [
      "registry.example.com",
      "registry.example.org",
    ]);
    const i = rec.inputs(rec.one(T.signed, "reg-server-cert"));
    assert.strictEqual(i.caCertPem, certOf(rec, T.signed, "reg-intermediate-cert"));
    assert.strictEqual(i.caPrivateKeyPem, keyOf(rec, "reg-intermediate-key"));
    assert.strictEqual(i.isCaCertificate, false);
    assert.deepStrictEqual(i.allowedUses, ["digital_signature", "server_auth"]);
    assert.strictEqual(i.validityPeriodHours, 8_760);
    assert.strictEqual(i.earlyRenewalHours, 720);
  });

  it("outputs: bundle = root + intermediate, chain = leaf + intermediate, key secret, expiry", () => {
    const o = rec.outputs;
    assert.strictEqual(
      o.caBundlePem,
      certOf(rec, T.selfSigned, "reg-root-cert") + certOf(rec, T.signed, "reg-intermediate-cert"),
    );
    assert.strictEqual(o.rootCertPem, certOf(rec, T.selfSigned, "reg-root-cert"));
    assert.strictEqual(o.intermediateCertPem, certOf(rec, T.signed, "reg-intermediate-cert"));
    assert.strictEqual(
      o.serverCertChainPem,
      certOf(rec, T.signed, "reg-server-cert") + certOf(rec, T.signed, "reg-intermediate-cert"),
    );
    assert.strictEqual(o.serverKeyPem, keyOf(rec, "reg-server-key"));
    // mock validity starts 2026-01-01; 365 days later
    assert.strictEqual(o.serverCertNotAfter, "2027-01-01T00:00:00Z");
    assert.deepStrictEqual(rec.outputSecrets(), ["serverKeyPem"]);
  });
});

describe("tls: RegistryTls options", () => {
  it("RSA: RSA 4096 keys and key_encipherment on the server certificate only", async () => {
    const rec = await run({
      host: "registry.example.com",
      keyAlgorithm: "RSA",
      source: { mode: "self-signed-ca" },
    });
    for (const k of rec.byType(T.key))
      assert.deepStrictEqual(rec.inputs(k), { algorithm: "RSA", rsaBits: 4096 });
    assert.deepStrictEqual(rec.inputs(rec.one(T.signed, "reg-server-cert")).allowedUses, [
      "digital_signature",
      "key_encipherment",
      "server_auth",
    ]);
    assert.deepStrictEqual(rec.inputs(rec.one(T.signed, "reg-intermediate-cert")).allowedUses, [
      "cert_signing",
      "crl_signing",
    ]);
    assert.deepStrictEqual(rec.inputs(rec.one(T.selfSigned)).allowedUses, ["cert_signing", "crl_signing"]);
    assert.strictEqual(rec.outputs.serverKeyPem, keyOf(rec, "reg-server-key"));
    assert.match(rec.outputs.serverKeyPem, /^-----BEGIN RSA PRIVATE KEY-----\n/);
  });

  it("protectCa protects the root key, root certificate and intermediate key, nothing that must renew", async () => {
    const rec = await run({
      host: "registry.example.com",
      protectCa: true,
      source: { mode: "self-signed-ca" },
    });
    const protectedNames = rec.all
      .filter((r) => r.protect)
      .map((r) => r.name)
      .sort();
    assert.deepStrictEqual(protectedNames, ["reg-intermediate-key", "reg-root-cert", "reg-root-key"]);
  });

  it("rejects invalid arguments at construction, listing every problem", async () => {
    await assert.rejects(
      run({
        host: "registry.example.com",
        serverValidityDays: 400,
        earlyRenewalDays: 0,
        extraSans: ["UPPER.example.com"],
        source: { mode: "self-signed-ca" },
      }),
      (e: Error) => {
        assert.match(e.message, /RegistryTls reg: invalid arguments/);
        assert.match(e.message, /serverValidityDays: found 400; allowed: a whole number 1-397/);
        assert.match(e.message, /extraSans\[0\]: found "UPPER.example.com"/);
        return true;
      },
    );
  });
});

describe("tls: RegistryTls with brought certificates (real chain from openssl)", () => {
  let dir: string;
  let c: ReturnType<typeof chain>;
  before(() => {
    dir = scratchDir("tls-byo");
    c = chain(dir, ["registry.example.com", "registry.example.org"]);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("byo-intermediate: only the server key is generated; the given intermediate key signs; no root key", async () => {
    const rec = await run({
      host: "registry.example.com",
      source: {
        mode: "byo-intermediate",
        rootCertPem: c.root.certPem,
        intermediateCertPem: c.intermediate.certPem,
        intermediateKeyPem: pulumi.secret(c.intermediate.keyPem),
      },
    });
    assert.deepStrictEqual(names(rec, T.key), ["reg-server-key"]);
    assert.deepStrictEqual(rec.byType(T.selfSigned), []);
    assert.deepStrictEqual(names(rec, T.signed), ["reg-server-cert"]);
    const cert = rec.one(T.signed, "reg-server-cert");
    assert.strictEqual(rec.inputs(cert).caPrivateKeyPem, c.intermediate.keyPem);
    assert.strictEqual(rec.inputs(cert).caCertPem, c.intermediate.certPem);
    assert.deepStrictEqual(rec.secrets(cert), ["caPrivateKeyPem"]);
    const o = rec.outputs;
    assert.strictEqual(o.caBundlePem, c.root.certPem + c.intermediate.certPem);
    assert.strictEqual(o.rootCertPem, c.root.certPem);
    assert.strictEqual(
      o.serverCertChainPem,
      certOf(rec, T.signed, "reg-server-cert") + c.intermediate.certPem,
    );
    assert.deepStrictEqual(rec.outputSecrets(), ["serverKeyPem"]);
  });

  it("byo-intermediate: the intermediate key is kept secret even when passed as plain text", async () => {
    const rec = await run({
      host: "registry.example.com",
      source: {
        mode: "byo-intermediate",
        rootCertPem: c.root.certPem,
        intermediateCertPem: c.intermediate.certPem,
        intermediateKeyPem: c.intermediate.keyPem,
      },
    });
    assert.deepStrictEqual(rec.secrets(rec.one(T.signed, "reg-server-cert")), ["caPrivateKeyPem"]);
  });

  it("byo-intermediate: an intermediate not issued by the root stops the deployment", async () => {
    await assert.rejects(
      run({
        host: "registry.example.com",
        source: {
          mode: "byo-intermediate",
          rootCertPem: c.intermediate.certPem,
          intermediateCertPem: c.leaf.certPem,
          intermediateKeyPem: pulumi.secret("not used"),
        },
      }),
      /intermediateCertPem: .* is not a CA certificate/,
    );
  });

  it("byo-certificate: nothing generated; chain, key (secret), bundle and expiry come from the inputs", async () => {
    const rec = await run({
      host: "registry.example.com",
      extraSans: ["registry.example.org"],
      source: {
        mode: "byo-certificate",
        rootCertPem: c.root.certPem,
        serverCertPem: c.leaf.certPem + c.intermediate.certPem,
        serverKeyPem: c.leaf.keyPem,
      },
    });
    assert.deepStrictEqual(
      rec.all.map((r) => r.type),
      [T.component],
    );
    const o = rec.outputs;
    assert.strictEqual(o.serverCertChainPem, c.leaf.certPem + c.intermediate.certPem);
    assert.strictEqual(o.serverKeyPem, c.leaf.keyPem);
    assert.strictEqual(o.caBundlePem, c.root.certPem + c.intermediate.certPem);
    assert.strictEqual(o.intermediateCertPem, undefined);
    assert.match(o.serverCertNotAfter, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepStrictEqual(rec.outputSecrets(), ["serverKeyPem"]);
  });

  it("byo-certificate: a certificate that does not cover an extra SAN stops the deployment", async () => {
    await assert.rejects(
      run({
        host: "registry.example.com",
        extraSans: ["registry.example.net"],
        source: {
          mode: "byo-certificate",
          rootCertPem: c.root.certPem,
          serverCertPem: c.leaf.certPem + c.intermediate.certPem,
          serverKeyPem: pulumi.secret(c.leaf.keyPem),
        },
      }),
      /serverCertPem: the server certificate is not valid for registry.example.net/,
    );
  });
});

describe("tls: registryTlsSource maps the stack's TLS settings", () => {
  const key = pulumi.secret("k");
  it("per mode", () => {
    assert.deepStrictEqual(registryTlsSource({ mode: "self-signed-ca" }, {}), { mode: "self-signed-ca" });
    assert.strictEqual(registryTlsSource({ mode: "cert-manager" }, {}), undefined);
    const byo = registryTlsSource(
      { mode: "byo-intermediate", rootCertPem: "R", intermediateCertPem: "I" },
      { tlsIntermediateKeyPem: key },
    );
    assert.deepStrictEqual(byo, {
      mode: "byo-intermediate",
      rootCertPem: "R",
      intermediateCertPem: "I",
      intermediateKeyPem: key,
    });
    const cert = registryTlsSource(
      { mode: "byo-certificate", rootCertPem: "R", serverCertPem: "S" },
      { tlsServerKeyPem: key },
    );
    assert.deepStrictEqual(cert, {
      mode: "byo-certificate",
      rootCertPem: "R",
      serverCertPem: "S",
      serverKeyPem: key,
    });
  });
  it("names what is missing", () => {
    assert.throws(
      () => registryTlsSource({ mode: "byo-intermediate", rootCertPem: "R", intermediateCertPem: "I" }, {}),
      { message: "tls.mode byo-intermediate needs the secret tlsIntermediateKeyPem" },
    );
    assert.throws(
      () => registryTlsSource({ mode: "byo-certificate", serverCertPem: "S" }, { tlsServerKeyPem: key }),
      {
        message: "tls.mode byo-certificate needs tls.rootCertPem",
      },
    );
  });
  it("pemBundle of a mock PEM is the PEM itself (outputs above compare exact strings)", () => {
    assert.strictEqual(pemBundle(fakePem("CERTIFICATE", "x", 640)), fakePem("CERTIFICATE", "x", 640));
  });
});
