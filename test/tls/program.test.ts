import * as assert from "assert";
import { pemBundle, pemSha256, renderHostsToml } from "../../components/tls";
import { outputsDoc, resourceDocs } from "../../tools/synth/render";
import { SECRET_PLACEHOLDER } from "../../tools/synth/stackfile";
import { Recorded, runProgram, stackFile, stackWith, stackRun } from "../harness";

const T = {
  key: "tls:index/privateKey:PrivateKey",
  selfSigned: "tls:index/selfSignedCert:SelfSignedCert",
  csr: "tls:index/certRequest:CertRequest",
  signed: "tls:index/locallySignedCert:LocallySignedCert",
  tls: "registry-platform:tls:RegistryTls",
  nodeTrust: "registry-platform:tls:NodeTrust",
  ds: "kubernetes:apps/v1:DaemonSet",
  cm: "kubernetes:core/v1:ConfigMap",
};
/** The certificate the mock engine answered for a resource of the run (its recorded outputs). */
const certOf = (rec: Recorded, type: string, name: string) =>
  rec.state(rec.one(type, name)).certPem as string;

/** Nothing the synth writes contains a private key. */
function assertNoKeyInSynth(rec: Recorded): void {
  const text = JSON.stringify(resourceDocs(rec.result)) + JSON.stringify(outputsDoc(rec.result));
  assert.ok(!/PRIVATE KEY/.test(text), "a private key appears in the synth output");
  assert.ok(!text.includes(SECRET_PLACEHOLDER), "a secret config value appears in the synth output");
}

/** Only the platform CA chain (other capabilities, e.g. Harbor's token signer, have keys of their own). */
const chain = (r: { name: string }): boolean => r.name.startsWith("registry-tls");

describe("tls: program wiring, prod-apne2 (self-signed-ca)", () => {
  let rec: Recorded;
  before(async () => {
    rec = await stackRun("prod-apne2");
  });

  it("root → intermediate → server chain, ECDSA P-384, CA protected in production", () => {
    assert.deepStrictEqual(
      rec
        .byType(T.key)
        .filter(chain)
        .map((k): unknown[] => [k.name, rec.inputs(k).ecdsaCurve, k.protect]),
      [
        ["registry-tls-root-key", "P384", true],
        ["registry-tls-intermediate-key", "P384", true],
        ["registry-tls-server-key", "P384", false],
      ],
    );
    const root = rec.one(T.selfSigned, "registry-tls-root-cert");
    assert.strictEqual(root.protect, true);
    assert.deepStrictEqual(rec.inputs(root).subject, {
      commonName: "Example Corp Root CA",
      organization: "Example Corp",
    });
    const inter = rec.inputs(rec.one(T.signed, "registry-tls-intermediate-cert"));
    assert.strictEqual(inter.caCertPem, certOf(rec, T.selfSigned, "registry-tls-root-cert"));
    assert.strictEqual(inter.maxPathLength, 0);
    const server = rec.inputs(rec.one(T.signed, "registry-tls-server-cert"));
    assert.strictEqual(server.caCertPem, certOf(rec, T.signed, "registry-tls-intermediate-cert"));
    assert.strictEqual(server.validityPeriodHours, 365 * 24);
    assert.strictEqual(server.earlyRenewalHours, 30 * 24);
    assert.deepStrictEqual(rec.inputs(rec.one(T.csr, "registry-tls-server-csr")).dnsNames, [
      "registry.apne2.example.com",
      "registry.example.com",
    ]);
  });

  it("exports the CA bundle (public) and its sha256, which the DaemonSet carries; no key is exported", () => {
    const bundle =
      certOf(rec, T.selfSigned, "registry-tls-root-cert") +
      certOf(rec, T.signed, "registry-tls-intermediate-cert");
    assert.strictEqual(rec.outputs.caBundlePem, bundle);
    assert.strictEqual(rec.outputs.registryCaSha256, pemSha256(bundle));
    assert.ok(!rec.outputSecrets().includes("caBundlePem"));
    assert.ok(!Object.keys(rec.outputs).some((k) => /key/i.test(k)), Object.keys(rec.outputs).join(", "));
    const ds = rec.inputs(rec.one(T.ds));
    assert.strictEqual(
      ds.spec.template.metadata.annotations["registry-platform/ca-bundle-sha256"],
      pemSha256(bundle),
    );
  });

  it("node trust in the system namespace through the stack's Kubernetes provider, for host + extra SANs", () => {
    const dsReg = rec.one(T.ds);
    const ds = rec.inputs(dsReg);
    assert.strictEqual(ds.metadata.namespace, "registry-system");
    assert.strictEqual(rec.providerOf(dsReg)?.name, "registry-k8s");
    assert.strictEqual(rec.parentOf(dsReg)?.type, T.nodeTrust);
    assert.deepStrictEqual(ds.spec.template.spec.initContainers[0].command.slice(3), [
      "node-trust",
      "registry.apne2.example.com",
      "registry.example.com",
    ]);
    const cm = rec.inputs(rec.one(T.cm));
    assert.strictEqual(
      cm.data["hosts.toml.registry.apne2.example.com"],
      renderHostsToml("registry.apne2.example.com"),
    );
    assert.strictEqual(cm.data["ca.crt"], rec.outputs.caBundlePem);
  });

  it("the synth output holds no private key", () => assertNoKeyInSynth(rec));
});

describe("tls: program wiring, onprem (byo-intermediate)", () => {
  let rec: Recorded;
  let tlsCfg: { rootCertPem: string; intermediateCertPem: string };
  before(async () => {
    rec = await stackRun("onprem");
    tlsCfg = JSON.parse(stackFile("onprem").config["registry-platform:tls"]) as typeof tlsCfg;
  });

  it("no root key and no self-signed certificate anywhere; only the server key is generated", () => {
    assert.deepStrictEqual(
      rec
        .byType(T.key)
        .filter(chain)
        .map((k) => k.name),
      ["registry-tls-server-key"],
    );
    assert.deepStrictEqual(rec.byType(T.selfSigned).filter(chain), []);
  });

  it("the server certificate is signed with the configured intermediate and its secret key", () => {
    const cert = rec.one(T.signed, "registry-tls-server-cert");
    const i = rec.inputs(cert);
    assert.strictEqual(i.caCertPem, pemBundle(tlsCfg.intermediateCertPem));
    assert.strictEqual(i.caPrivateKeyPem, `${SECRET_PLACEHOLDER}registry-platform:tlsIntermediateKeyPem`);
    assert.deepStrictEqual(rec.secrets(cert), ["caPrivateKeyPem"]);
    assert.deepStrictEqual(rec.inputs(rec.one(T.csr)).subject, {
      commonName: "registry.dc1.corp.internal",
      organization: "Example Corp",
    });
  });

  it("exports root + intermediate as the bundle; node trust installs it for the on-prem host", () => {
    const bundle = pemBundle(tlsCfg.rootCertPem, tlsCfg.intermediateCertPem);
    assert.strictEqual(rec.outputs.caBundlePem, bundle);
    assert.strictEqual(rec.outputs.registryCaSha256, pemSha256(bundle));
    assert.ok(!rec.outputSecrets().includes("caBundlePem"));
    const ds = rec.inputs(rec.one(T.ds));
    assert.deepStrictEqual(ds.spec.template.spec.initContainers[0].command.slice(4), [
      "registry.dc1.corp.internal",
    ]);
  });

  it("the synth output holds no private key and no secret config value", () => assertNoKeyInSynth(rec));
});

describe("tls: program wiring, switches", () => {
  it("tls.nodeTrust false: the chain, but no DaemonSet", async () => {
    const rec = await runProgram(
      "dev",
      stackWith("dev", { tls: { mode: "self-signed-ca", nodeTrust: false } }),
    );
    assert.strictEqual(rec.byType(T.tls).length, 1);
    assert.deepStrictEqual(rec.byType(T.nodeTrust), []);
    assert.deepStrictEqual(rec.byType(T.ds), []);
    assert.ok(rec.outputs.caBundlePem);
  });

  it("cert-manager: no chain, no CA bundle output, no node trust (the Harbor section requests the certificate)", async () => {
    const rec = await runProgram(
      "dev",
      stackWith("dev", { tls: { mode: "cert-manager", certManager: { issuerName: "letsencrypt" } } }),
    );
    assert.deepStrictEqual(rec.byType(T.tls), []);
    assert.deepStrictEqual(rec.byType(T.key).filter(chain), []);
    assert.deepStrictEqual(rec.byType(T.nodeTrust), []);
    assert.strictEqual(rec.outputs.caBundlePem, undefined);
    assert.strictEqual(rec.outputs.registryCaSha256, undefined);
  });
});
