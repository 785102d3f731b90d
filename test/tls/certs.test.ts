import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import {
  CA_ALLOWED_USES,
  certificateNotAfter,
  chainSettingsProblems,
  CHAIN_DEFAULTS,
  ChainSettings,
  checkByoCertificate,
  checkByoIntermediate,
  intermediateCertArgs,
  intermediateCsrArgs,
  isRegistryHostName,
  pemBundle,
  privateKeyArgs,
  rootCertArgs,
  serverAllowedUses,
  serverCertArgs,
  serverCsrArgs,
  splitCertificates,
} from "../../components/tls";
import { CA_EXT, chain, issue, LEAF_EXT, openssl, selfSignedCa, verify } from "./openssl";
import { scratchDir } from "../harness/scratch";

const settings = (over: Partial<ChainSettings> = {}): ChainSettings => ({
  ...CHAIN_DEFAULTS,
  host: "registry.example.com",
  ...over,
});

describe("tls: certificate arguments (pure)", () => {
  it("keys: ECDSA P-384 by default, RSA 4096 as the option", () => {
    assert.deepStrictEqual(privateKeyArgs("ECDSA"), { algorithm: "ECDSA", ecdsaCurve: "P384" });
    assert.deepStrictEqual(privateKeyArgs("RSA"), { algorithm: "RSA", rsaBits: 4096 });
  });

  it("usages use the provider's snake_case names; key_encipherment only for RSA", () => {
    assert.deepStrictEqual([...CA_ALLOWED_USES], ["cert_signing", "crl_signing"]);
    assert.deepStrictEqual(serverAllowedUses("ECDSA"), ["digital_signature", "server_auth"]);
    assert.deepStrictEqual(serverAllowedUses("RSA"), [
      "digital_signature",
      "key_encipherment",
      "server_auth",
    ]);
  });

  it("root: CA, path length 1, cert+crl signing, 10 years, no early renewal, key ids", () => {
    assert.deepStrictEqual(rootCertArgs(settings({ organization: "Example Corp" })), {
      subject: { commonName: "Example Corp Root CA", organization: "Example Corp" },
      isCaCertificate: true,
      maxPathLength: 1,
      allowedUses: ["cert_signing", "crl_signing"],
      validityPeriodHours: 87_600,
      earlyRenewalHours: 0,
      setSubjectKeyId: true,
      setAuthorityKeyId: true,
    });
  });

  it("intermediate: CA, path length 0, 5 years, renewed when it can no longer outlive a server certificate", () => {
    assert.deepStrictEqual(intermediateCsrArgs(settings({ organization: "Example Corp" })), {
      subject: { commonName: "Example Corp Registry Intermediate CA", organization: "Example Corp" },
    });
    assert.deepStrictEqual(intermediateCertArgs(settings()), {
      isCaCertificate: true,
      maxPathLength: 0,
      allowedUses: ["cert_signing", "crl_signing"],
      validityPeriodHours: 43_800,
      earlyRenewalHours: 365 * 24,
      setSubjectKeyId: true,
    });
  });

  it("server: SANs host + extras, not a CA, 365 days, early renewal 30 days", () => {
    const s = settings({ extraSans: ["registry.example.org", "registry.example.com"], organization: "O" });
    assert.deepStrictEqual(serverCsrArgs(s), {
      subject: { commonName: "registry.example.com", organization: "O" },
      dnsNames: ["registry.example.com", "registry.example.org"],
    });
    assert.deepStrictEqual(serverCertArgs(s), {
      isCaCertificate: false,
      allowedUses: ["digital_signature", "server_auth"],
      validityPeriodHours: 8_760,
      earlyRenewalHours: 720,
      setSubjectKeyId: true,
    });
    assert.deepStrictEqual(
      serverCertArgs(settings({ keyAlgorithm: "RSA", serverValidityDays: 397, earlyRenewalDays: 45 })),
      {
        isCaCertificate: false,
        allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
        validityPeriodHours: 9_528,
        earlyRenewalHours: 1_080,
        setSubjectKeyId: true,
      },
    );
  });

  it("common names stay within 64 characters; a long host is a SAN only", () => {
    const org = "A".repeat(64);
    const cn = rootCertArgs(settings({ organization: org })).subject.commonName!;
    assert.strictEqual(cn.length, 64);
    assert.ok(cn.endsWith(" Root CA"));
    assert.strictEqual(intermediateCsrArgs(settings({ organization: org })).subject.commonName!.length, 64);
    const host = `${"a".repeat(60)}.example.com`;
    const csr = serverCsrArgs(settings({ host }));
    assert.deepStrictEqual(csr.subject, { organization: "registry-platform" });
    assert.deepStrictEqual(csr.dnsNames, [host]);
  });

  it("defaults are valid; every bad setting is reported at once, with what was found", () => {
    assert.deepStrictEqual(chainSettingsProblems(settings()), []);
    const problems = chainSettingsProblems(
      settings({
        host: "Registry.Example.com",
        extraSans: ["ok.example.com", "bad_name"],
        organization: "",
        rootValidityYears: 5,
        intermediateValidityYears: 5,
        serverValidityDays: 398,
        earlyRenewalDays: -1,
      }),
    );
    assert.deepStrictEqual(problems, [
      'host: found "Registry.Example.com"; allowed: a lowercase DNS name such as registry.example.com',
      'extraSans[1]: found "bad_name"; allowed: a lowercase DNS name',
      'organization: found ""; allowed: 1-64 characters',
      "intermediateValidityYears: found 5; allowed: fewer years than rootValidityYears (5)",
      "serverValidityDays: found 398; allowed: a whole number 1-397",
      "earlyRenewalDays: found -1; allowed: a whole number 0-365",
    ]);
    assert.deepStrictEqual(
      chainSettingsProblems(settings({ earlyRenewalDays: 365, serverValidityDays: 365 })),
      ["earlyRenewalDays: found 365; allowed: fewer days than serverValidityDays (365)"],
    );
    assert.deepStrictEqual(
      chainSettingsProblems(settings({ intermediateValidityYears: 1, serverValidityDays: 365 })),
      [
        "serverValidityDays: found 365; allowed: at most 182 days, half the intermediate's life (365): the intermediate is renewed serverValidityDays before it expires, so a longer server certificate would replace it (and re-roll node trust) at nearly every pulumi up",
      ],
    );
    assert.deepStrictEqual(
      chainSettingsProblems(settings({ intermediateValidityYears: 1, serverValidityDays: 182 })),
      [],
    );
    assert.deepStrictEqual(chainSettingsProblems(settings({ extraSans: ["registry.example.com"] })), [
      'extraSans[0]: found "registry.example.com"; allowed: names other than host (host is always a SAN)',
    ]);
  });

  it("registry host names: DNS name with optional port, nothing that escapes a directory", () => {
    for (const ok of ["registry.example.com", "registry.example.com:5000", "localhost:443", "a"])
      assert.ok(isRegistryHostName(ok), ok);
    for (const bad of [
      "../etc",
      "a/b",
      "Registry.example.com",
      "a.b:0",
      "a.b:65536",
      "a.b:080",
      "",
      "a..b",
      "-a.b",
    ])
      assert.ok(!isRegistryHostName(bad), bad);
  });
});

describe("tls: PEM handling and checks of brought certificates (real certificates from openssl)", () => {
  let dir: string;
  let c: ReturnType<typeof chain>;
  before(() => {
    dir = scratchDir("tls-certs");
    c = chain(dir, ["registry.example.com", "registry.example.org"]);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("pemBundle normalises line ends, removes duplicates and keeps the order", () => {
    const crlf = c.root.certPem.replace(/\n/g, "\r\n");
    const b = pemBundle(crlf, `${c.intermediate.certPem}\n\n`, c.root.certPem);
    assert.strictEqual(b, c.root.certPem + c.intermediate.certPem);
    assert.deepStrictEqual(splitCertificates(b, "x"), [c.root.certPem, c.intermediate.certPem]);
  });

  it("splitCertificates rejects keys and text without certificates", () => {
    assert.throws(() => splitCertificates(c.root.keyPem + c.root.certPem, "rootCertPem"), {
      message: "rootCertPem: found a PEM block of type PRIVATE KEY; allowed: certificates only",
    });
    assert.throws(() => splitCertificates("hello", "rootCertPem"), /rootCertPem: found no PEM certificate/);
  });

  it("checkByoIntermediate accepts root → intermediate and rejects a leaf or a foreign intermediate", () => {
    checkByoIntermediate(c.root.certPem, c.intermediate.certPem);
    assert.throws(() => checkByoIntermediate(c.root.certPem, c.leaf.certPem), /is not a CA certificate/);
    const other = selfSignedCa(dir, "other-root", CA_EXT(1));
    assert.throws(
      () => checkByoIntermediate(other.certPem, c.intermediate.certPem),
      /not issued and signed by \(any certificate in\) rootCertPem/,
    );
    assert.throws(
      () => checkByoIntermediate(c.root.certPem, c.intermediate.certPem + c.intermediate.certPem),
      /found 2 certificates; allowed: exactly one/,
    );
    assert.throws(
      () =>
        checkByoIntermediate(
          c.root.certPem,
          "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        ),
      /intermediateCertPem: not a parseable X.509 certificate/,
    );
  });

  it("checkByoCertificate: leaf first, names covered, chain leads to the root; returns the chain's CAs", () => {
    const names = ["registry.example.com", "registry.example.org"];
    const fullChain = c.leaf.certPem + c.intermediate.certPem;
    assert.deepStrictEqual(checkByoCertificate(c.root.certPem, fullChain, names), [c.intermediate.certPem]);
    assert.throws(() => checkByoCertificate(c.root.certPem, fullChain, ["other.example.com"]), {
      message: "serverCertPem: the server certificate is not valid for other.example.com",
    });
    assert.throws(
      () => checkByoCertificate(c.root.certPem, c.intermediate.certPem + c.leaf.certPem, names),
      /the first certificate is a CA/,
    );
    assert.throws(
      () => checkByoCertificate(c.root.certPem, c.leaf.certPem, names),
      /the chain does not lead to \(any certificate in\) rootCertPem/,
    );
    const stray = selfSignedCa(dir, "stray", CA_EXT());
    assert.throws(
      () => checkByoCertificate(c.root.certPem, c.leaf.certPem + stray.certPem, names),
      /certificate 0 is not issued by certificate 1/,
    );
  });

  it("checkByoCertificate refuses what Go clients (containerd, docker) refuse: a CN-only name, no serverAuth", () => {
    const names = ["registry.example.com"];
    // The host only in the subject CN, no SAN: Go has ignored the CN since 1.15.
    const cnOnly = issue(dir, "registry.example.com", c.intermediate, [
      "basicConstraints=critical,CA:FALSE",
      "extendedKeyUsage=serverAuth",
    ]);
    assert.throws(() => checkByoCertificate(c.root.certPem, cnOnly.certPem + c.intermediate.certPem, names), {
      message:
        "serverCertPem: the server certificate is not valid for registry.example.com (subject alternative names: none; the common name is not used)",
    });
    // An extended key usage without serverAuth: a TLS client refuses the certificate.
    const clientOnly = issue(dir, "client-leaf", c.intermediate, [
      "basicConstraints=critical,CA:FALSE",
      "extendedKeyUsage=clientAuth",
      "subjectAltName=DNS:registry.example.com",
    ]);
    assert.throws(
      () => checkByoCertificate(c.root.certPem, clientOnly.certPem + c.intermediate.certPem, names),
      {
        message:
          "serverCertPem: the server certificate's extended key usage (1.3.6.1.5.5.7.3.2) lacks serverAuth (1.3.6.1.5.5.7.3.1); allowed: a TLS server certificate",
      },
    );
  });

  it("certificateNotAfter is the leaf's notAfter in RFC 3339 UTC", () => {
    const end = openssl(["x509", "-in", c.leaf.certFile, "-noout", "-enddate"], dir)
      .trim()
      .replace("notAfter=", "");
    assert.strictEqual(
      certificateNotAfter(c.leaf.certPem),
      new Date(end).toISOString().replace(".000Z", "Z"),
    );
    assert.match(certificateNotAfter(c.leaf.certPem), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("why the root carries path length 1: it stops a sub-CA even when the intermediate has no pathlen", () => {
    // terraform-provider-tls drops maxPathLength 0 (Go's MaxPathLenZero is never set), so the intermediate
    // it signs carries no pathLenConstraint. Reproduce that intermediate and try to hang a sub-CA under it.
    const root = selfSignedCa(dir, "pl-root", CA_EXT(rootCertArgs(settings()).maxPathLength));
    const inter = issue(dir, "pl-inter", root, CA_EXT());
    const sub = issue(dir, "pl-sub", inter, CA_EXT());
    const leaf = issue(dir, "pl-leaf", sub, LEAF_EXT(["a.example.com"]));
    const untrusted = path.join(dir, "pl-untrusted.pem");
    fs.writeFileSync(untrusted, inter.certPem + sub.certPem);
    const r = verify(dir, root.certFile, leaf.certFile, untrusted);
    assert.ok(!r.ok, r.out);
    assert.match(r.out, /path length constraint exceeded/);
    // ... while the intended chain (leaf signed by the intermediate) verifies.
    const good = issue(dir, "pl-good", inter, LEAF_EXT(["a.example.com"]));
    assert.ok(verify(dir, root.certFile, good.certFile, inter.certFile).ok);
  });
});
