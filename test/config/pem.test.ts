/**
 * Every PEM the config supplies is parsed before any resource is registered (issue 9.10, 8.3, 9.8):
 * certificates with X509Certificate, keys with createPrivateKey; the intermediate is a CA issued by the
 * root, each key matches its certificate, nothing has expired; errors name the key and never echo a key.
 * The certificates are made with openssl in a temporary directory by the test.
 */
import * as assert from "assert";
import { ConfigError, ConfigSource, parsePlatformConfig } from "../../config";
import { StackConfig } from "../../tools/synth/stackfile";
import { runProgram, runProgramFailing, stackWith } from "../harness";
import { configSource } from "../harness/config";
import { CA_EXT, chain, issue, Issued, LEAF_EXT, selfSignedCa } from "../tls/openssl";
import { scratchDir } from "../harness/scratch";

const HOST = "registry.dev.example.internal";
const GARBAGE_CERT = `-----BEGIN CERTIFICATE-----\n${"MIIBAAAA".repeat(8)}\n${"QUJD".repeat(12)}\n-----END CERTIFICATE-----\n`;
const GARBAGE_KEY = `-----BEGIN PRIVATE KEY-----\n${"AAAA".repeat(16)}\n-----END PRIVATE KEY-----\n`;

/** `sc` with a secret key set to a real value, as `pulumi config set --secret` hands it over. */
function withSecret(sc: StackConfig, key: string, value: string): StackConfig {
  const full = `registry-platform:${key}`;
  return { config: { ...sc.config, [full]: value }, secretKeys: [...new Set([...sc.secretKeys, full])] };
}

/** The problems the program reports for `sc` on dev, asserting that nothing was registered first. */
async function problems(sc: StackConfig): Promise<{ lines: string[]; message: string }> {
  const { error, registrations } = await runProgramFailing("dev", sc);
  assert.ok(error instanceof ConfigError, `expected a ConfigError, got: ${String(error)}`);
  assert.deepStrictEqual(registrations, [], "no resource may be registered before the PEMs are checked");
  return { lines: error.issues.map((i) => `${i.key} | ${i.found} | ${i.allowed}`), message: error.message };
}

function has(lines: string[], re: RegExp): void {
  assert.ok(
    lines.some((l) => re.test(l)),
    `no issue matches ${re}; got:\n${lines.join("\n")}`,
  );
}

describe("config: supplied PEMs are parsed and checked before any resource (openssl-made)", function () {
  this.timeout(60_000);
  let c: { root: Issued; intermediate: Issued; leaf: Issued };
  let otherRoot: Issued;
  let foreignIntermediate: Issued;
  let notCa: Issued;
  let shortIntermediate: Issued;

  before(() => {
    const dir = scratchDir("config-pem");
    c = chain(dir, [HOST]);
    otherRoot = selfSignedCa(dir, "other-root", CA_EXT(1));
    foreignIntermediate = issue(dir, "foreign-intermediate", otherRoot, CA_EXT(0), 1825);
    notCa = issue(dir, "not-a-ca", c.root, LEAF_EXT(["x.example.internal"]));
    shortIntermediate = issue(dir, "short-intermediate", c.root, CA_EXT(0), 100);
  });

  /** dev in byo-intermediate mode with the given PEMs and intermediate key. */
  const byoIntermediate = (o: { root?: string; intermediate?: string; key?: string; serverDays?: number }) =>
    withSecret(
      stackWith("dev", {
        tls: {
          mode: "byo-intermediate",
          rootCertPem: o.root ?? c.root.certPem,
          intermediateCertPem: o.intermediate ?? c.intermediate.certPem,
          ...(o.serverDays ? { serverValidityDays: o.serverDays } : {}),
        },
      }),
      "tlsIntermediateKeyPem",
      o.key ?? c.intermediate.keyPem,
    );

  it("a valid root, intermediate and matching key pass: the program runs", async () => {
    const rec = await runProgram("dev", byoIntermediate({}));
    assert.strictEqual(rec.byType("tls:index/locallySignedCert:LocallySignedCert").length, 1);
  });

  it("a root with valid armour but garbage content is a config error naming tls.rootCertPem", async () => {
    const { lines } = await problems(byoIntermediate({ root: GARBAGE_CERT }));
    has(
      lines,
      /^registry-platform:tls\.rootCertPem \| the certificate is not a parseable X\.509 certificate \(/,
    );
  });

  it("an intermediate not issued by the root is named", async () => {
    const { lines } = await problems(
      byoIntermediate({ intermediate: foreignIntermediate.certPem, key: foreignIntermediate.keyPem }),
    );
    has(
      lines,
      /^registry-platform:tls\.intermediateCertPem \| "foreign-intermediate", not issued and signed by \(any certificate in\) rootCertPem \| an intermediate CA issued and signed by a certificate in registry-platform:tls\.rootCertPem$/,
    );
  });

  it("an intermediate that is not a CA is named", async () => {
    const { lines } = await problems(byoIntermediate({ intermediate: notCa.certPem, key: notCa.keyPem }));
    has(
      lines,
      /^registry-platform:tls\.intermediateCertPem \| the certificate \("not-a-ca"\) is not a CA certificate/,
    );
  });

  it("an intermediate key that does not match its certificate is found before any resource, never echoed", async () => {
    const { lines, message } = await problems(byoIntermediate({ key: c.leaf.keyPem }));
    has(
      lines,
      /^registry-platform:tlsIntermediateKeyPem \| a private key that does not match the certificate in registry-platform:tls\.intermediateCertPem \| the private key of registry-platform:tls\.intermediateCertPem \("intermediate"\)$/,
    );
    const body = c.leaf.keyPem.split("\n")[1];
    assert.ok(!message.includes(body), "the key must not be echoed");
  });

  it("a key that is not a parseable PEM private key is named", async () => {
    const { lines } = await problems(byoIntermediate({ key: GARBAGE_KEY }));
    has(
      lines,
      /^registry-platform:tlsIntermediateKeyPem \| a value that is not a parseable PEM private key \(/,
    );
  });

  it("a server certificate that would outlive the brought intermediate is refused", async () => {
    const { lines } = await problems(
      byoIntermediate({
        intermediate: shortIntermediate.certPem,
        key: shortIntermediate.keyPem,
        serverDays: 365,
      }),
    );
    has(
      lines,
      /^registry-platform:tls\.serverValidityDays \| 365 \| at most 9\d days: the intermediate in tls\.intermediateCertPem expires on \d{4}-\d\d-\d\d/,
    );
  });

  it("an expired certificate is named with its end date", () => {
    const later = new Date(Date.now() + 20 * 365 * 24 * 3600 * 1000);
    const src = { ...configSource(byoIntermediate({})), now: later } as ConfigSource;
    const r = parsePlatformConfig(src);
    assert.ok(!r.ok);
    const lines = r.issues.map((i) => `${i.key} | ${i.found} | ${i.allowed}`);
    has(
      lines,
      /^registry-platform:tls\.rootCertPem \| the certificate \("root"\) expired on \d{4}-\d\d-\d\d \| PEM certificates of the root CA, still valid$/,
    );
    has(
      lines,
      /^registry-platform:tls\.intermediateCertPem \| the certificate \("intermediate"\) expired on /,
    );
  });

  describe("byo-certificate", () => {
    const byoCertificate = (o: { chainPem?: string; key?: string }) =>
      withSecret(
        stackWith("dev", {
          tls: {
            mode: "byo-certificate",
            rootCertPem: c.root.certPem,
            serverCertPem: o.chainPem ?? c.leaf.certPem + c.intermediate.certPem,
          },
        }),
        "tlsServerKeyPem",
        o.key ?? c.leaf.keyPem,
      );

    it("a valid chain and matching key pass", async () => {
      const rec = await runProgram("dev", byoCertificate({}));
      assert.ok(rec.all.length > 0);
    });

    it("a server key that does not match the leaf is named", async () => {
      const { lines } = await problems(byoCertificate({ key: c.intermediate.keyPem }));
      has(
        lines,
        /^registry-platform:tlsServerKeyPem \| a private key that does not match the certificate in registry-platform:tls\.serverCertPem/,
      );
    });

    it("a leaf for another host is named", async () => {
      const { lines } = await problems(byoCertificate({ chainPem: notCa.certPem, key: notCa.keyPem }));
      has(
        lines,
        /^registry-platform:tls\.serverCertPem \| the server certificate is not valid for registry\.dev\.example\.internal/,
      );
    });
  });

  describe("cert-manager with a private issuer's root", () => {
    const certManager = (root: string) =>
      stackWith("dev", {
        tls: { mode: "cert-manager", certManager: { issuerName: "corp-ca" }, rootCertPem: root },
      });

    it("accepts a CA root", async () => {
      const rec = await runProgram("dev", certManager(c.root.certPem));
      assert.strictEqual(rec.outputs.caBundlePem, c.root.certPem);
    });

    it("refuses a certificate that is not a CA", async () => {
      const { lines } = await problems(certManager(notCa.certPem));
      has(
        lines,
        /^registry-platform:tls\.rootCertPem \| the certificate \("not-a-ca"\) is not a CA certificate/,
      );
    });
  });

  describe("tls.extraCaBundles (issue 9.8)", () => {
    it("each bundle is parsed; a bad one is named by its index", async () => {
      const { lines } = await problems(
        stackWith("dev", { tls: { extraCaBundles: [c.root.certPem + otherRoot.certPem, GARBAGE_CERT] } }),
      );
      has(
        lines,
        /^registry-platform:tls\.extraCaBundles\[1\] \| the certificate is not a parseable X\.509 certificate/,
      );
      assert.ok(
        !lines.some((l) => l.startsWith("registry-platform:tls.extraCaBundles[0]")),
        lines.join("\n"),
      );
    });

    it("a PEM with no certificate in it is named", async () => {
      const { lines } = await problems(stackWith("dev", { tls: { extraCaBundles: ["not a pem at all"] } }));
      has(lines, /^registry-platform:tls\.extraCaBundles\[0\] \| no PEM certificate/);
    });
  });
});
