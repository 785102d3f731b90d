import * as assert from "assert";
import * as k8sProvider from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import {
  CertManagerCertificate,
  CertManagerCertificateArgs,
  certManagerCertificateProblems,
  certManagerCertificateSpec,
  TlsSecrets,
} from "../../components/tls";
import { runComponent } from "../harness";

const base: CertManagerCertificateArgs = {
  namespace: "harbor",
  secretName: "harbor-tls",
  dnsNames: ["registry.example.com", "registry.example.org"],
  issuer: { name: "letsencrypt", kind: "ClusterIssuer" },
};

describe("tls: cert-manager Certificate", () => {
  it("spec: ECDSA P-384 by default, 90 days renewed 30 days ahead, server usages, issuerRef with group", () => {
    assert.deepStrictEqual(certManagerCertificateSpec(base), {
      secretName: "harbor-tls",
      commonName: "registry.example.com",
      dnsNames: ["registry.example.com", "registry.example.org"],
      duration: "2160h",
      renewBefore: "720h",
      privateKey: { algorithm: "ECDSA", size: 384, rotationPolicy: "Always" },
      usages: ["digital signature", "server auth"],
      issuerRef: { name: "letsencrypt", kind: "ClusterIssuer", group: "cert-manager.io" },
    });
  });

  it("spec: RSA 4096 adds key encipherment; custom durations and issuer group; long names skip the CN", () => {
    const long = `${"a".repeat(60)}.example.com`;
    const spec = certManagerCertificateSpec({
      ...base,
      dnsNames: [long],
      keyAlgorithm: "RSA",
      durationHours: 8760,
      renewBeforeHours: 1440,
      issuer: { name: "corp-ca", kind: "Issuer", group: "awspca.cert-manager.io" },
    });
    assert.strictEqual(spec.commonName, undefined);
    assert.deepStrictEqual(spec.privateKey, { algorithm: "RSA", size: 4096, rotationPolicy: "Always" });
    assert.deepStrictEqual(spec.usages, ["digital signature", "key encipherment", "server auth"]);
    assert.strictEqual(spec.duration, "8760h");
    assert.strictEqual(spec.renewBefore, "1440h");
    assert.deepStrictEqual(spec.issuerRef, {
      name: "corp-ca",
      kind: "Issuer",
      group: "awspca.cert-manager.io",
    });
  });

  it("problems: names, empty SANs, renewal not shorter than the duration", () => {
    assert.deepStrictEqual(certManagerCertificateProblems(base), []);
    assert.deepStrictEqual(certManagerCertificateProblems({ ...base, dnsNames: ["*.example.com"] }), []);
    assert.deepStrictEqual(
      certManagerCertificateProblems({
        ...base,
        secretName: "Harbor_TLS",
        dnsNames: [],
        durationHours: 24,
        renewBeforeHours: 24,
      }),
      [
        'secretName: found "Harbor_TLS"; allowed: a Kubernetes object name',
        "dnsNames: found none; allowed: at least one DNS name",
        "renewBeforeHours: found 24; allowed: a whole number >= 1 and < durationHours (24)",
      ],
    );
  });

  it("registers a cert-manager.io/v1 Certificate in the namespace, through the given provider", async () => {
    const rec = await runComponent(() => {
      const p = new k8sProvider.Provider("p", {});
      const c = new CertManagerCertificate("harbor-cert", base, { providers: { kubernetes: p } });
      return { secretName: c.secretName };
    });
    const cr = rec.one("kubernetes:cert-manager.io/v1:Certificate", "harbor-cert-certificate");
    const i = rec.inputs(cr);
    assert.strictEqual(i.apiVersion, "cert-manager.io/v1");
    assert.strictEqual(i.kind, "Certificate");
    assert.strictEqual(i.metadata.name, "harbor-tls");
    assert.strictEqual(i.metadata.namespace, "harbor");
    assert.deepStrictEqual(i.spec, certManagerCertificateSpec(base));
    assert.strictEqual(rec.providerOf(cr)?.name, "p");
    assert.strictEqual(rec.parentOf(cr)?.type, "registry-platform:tls:CertManagerCertificate");
    assert.strictEqual(rec.outputs.secretName, "harbor-tls");
  });

  it("refuses invalid args at construction", async () => {
    await assert.rejects(
      runComponent(() => {
        new CertManagerCertificate("c", { ...base, dnsNames: ["Not A Name"] });
      }),
      /CertManagerCertificate c: invalid arguments:\n {2}dnsNames\[0\]: found "Not A Name"/,
    );
  });
});

describe("tls: TlsSecrets (R2.3)", () => {
  it("kubernetes.io/tls secret with chain, key and CA; CA bundle secret with ca.crt; both secret in state", async () => {
    const rec = await runComponent(() => {
      const p = new k8sProvider.Provider("p", {});
      const s = new TlsSecrets(
        "harbor",
        {
          namespace: "harbor",
          serverCertChainPem: "CHAIN",
          serverKeyPem: pulumi.secret("KEY"),
          caBundlePem: "CA",
        },
        { providers: { kubernetes: p } },
      );
      return { tls: s.tlsSecretName, ca: s.caSecretName };
    });
    const tlsSecret = rec.one("kubernetes:core/v1:Secret", "harbor-tls");
    const t = rec.inputs(tlsSecret);
    assert.strictEqual(t.type, "kubernetes.io/tls");
    assert.strictEqual(t.metadata.name, "registry-tls");
    assert.strictEqual(t.metadata.namespace, "harbor");
    assert.deepStrictEqual(t.stringData, { "tls.crt": "CHAIN", "tls.key": "KEY", "ca.crt": "CA" });
    assert.deepStrictEqual(rec.secrets(tlsSecret), ["stringData"]);
    const caSecret = rec.one("kubernetes:core/v1:Secret", "harbor-ca");
    assert.strictEqual(rec.inputs(caSecret).type, "Opaque");
    assert.strictEqual(rec.inputs(caSecret).metadata.name, "registry-ca-bundle");
    assert.deepStrictEqual(rec.inputs(caSecret).stringData, { "ca.crt": "CA" });
    assert.deepStrictEqual(rec.secrets(caSecret), ["stringData"]);
    assert.strictEqual(rec.providerOf(tlsSecret)?.name, "p");
    assert.deepStrictEqual(rec.outputs, { tls: "registry-tls", ca: "registry-ca-bundle" });
  });
});
