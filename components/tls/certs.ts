/**
 * Pure functions behind {@link RegistryTls}: key and certificate arguments for @pulumi/tls, validity
 * arithmetic, argument validation, PEM bundle handling and the checks run on certificates brought by the
 * operator. No resource is registered here.
 *
 * Usage names are the Terraform TLS provider's (`cert_signing`, `server_auth`, ...): the provider ignores
 * any other spelling silently, including the camelCase names that appear in @pulumi/tls's generated docs.
 */
import type * as tls from "@pulumi/tls";
import { X509Certificate } from "crypto";
import { shownValue } from "../redact";

export type TlsKeyAlgorithm = "ECDSA" | "RSA";

/** Browsers and Apple platforms reject TLS server certificates valid for longer than this. */
export const MAX_SERVER_VALIDITY_DAYS = 397;

/** X.520 upper bound of a subject common name (ub-common-name). */
export const MAX_COMMON_NAME = 64;

/** A year, for certificate validity, is 365 days (10 years = 87 600 hours). */
export const CERT_HOURS_PER_YEAR = 365 * 24;

export const CERT_HOURS_PER_DAY = 24;

/** Key usages of the root and intermediate CA certificates. */
export const CA_ALLOWED_USES = ["cert_signing", "crl_signing"] as const;

/**
 * Key usages of the server certificate: `digital_signature` + `server_auth`, and `key_encipherment` for RSA
 * keys only (RSA key transport; meaningless for an ECDSA key, and RFC 5480 forbids it there).
 */
export function serverAllowedUses(algorithm: TlsKeyAlgorithm): string[] {
  return algorithm === "RSA"
    ? ["digital_signature", "key_encipherment", "server_auth"]
    : ["digital_signature", "server_auth"];
}

/** ECDSA P-384 or RSA 4096. */
export function privateKeyArgs(algorithm: TlsKeyAlgorithm): tls.PrivateKeyArgs {
  return algorithm === "RSA"
    ? { algorithm: "RSA", rsaBits: 4096 }
    : { algorithm: "ECDSA", ecdsaCurve: "P384" };
}

export interface CertSubject {
  commonName?: string;
  organization: string;
}

/** `prefix + suffix`, with the prefix shortened so that the whole fits in a common name. */
function fitCommonName(prefix: string, suffix: string): string {
  const room = MAX_COMMON_NAME - suffix.length;
  return `${prefix.slice(0, room).trimEnd()}${suffix}`;
}

export function rootSubject(organization: string): CertSubject {
  return { commonName: fitCommonName(organization, " Root CA"), organization };
}

export function intermediateSubject(organization: string): CertSubject {
  return { commonName: fitCommonName(organization, " Registry Intermediate CA"), organization };
}

/** The host as common name when it fits (64 characters); the SANs are what clients check either way. */
export function serverSubject(host: string, organization: string): CertSubject {
  return host.length <= MAX_COMMON_NAME ? { commonName: host, organization } : { organization };
}

/** Subject alternative names: the host first, then the extra names, without duplicates. */
export function serverDnsNames(host: string, extraSans: readonly string[]): string[] {
  return [...new Set([host, ...extraSans])];
}

/** The settings every certificate argument function reads (defaults already applied). */
export interface ChainSettings {
  host: string;
  extraSans: string[];
  keyAlgorithm: TlsKeyAlgorithm;
  organization: string;
  rootValidityYears: number;
  intermediateValidityYears: number;
  serverValidityDays: number;
  earlyRenewalDays: number;
}

export const CHAIN_DEFAULTS = {
  extraSans: [] as string[],
  keyAlgorithm: "ECDSA" as TlsKeyAlgorithm,
  organization: "registry-platform",
  rootValidityYears: 10,
  intermediateValidityYears: 5,
  serverValidityDays: 365,
  earlyRenewalDays: 30,
};

/**
 * Root CA: self-signed, CA, `cert_signing` + `crl_signing`, no early renewal (a new root is a new trust
 * anchor every client must install: plan it, do not let a `pulumi up` do it by surprise).
 *
 * `maxPathLength: 1` on the root: terraform-provider-tls (≤ 4.2.1, behind @pulumi/tls 5.6.1) sets Go's
 * `MaxPathLen` but never `MaxPathLenZero`, so `maxPathLength: 0` on the intermediate is silently dropped
 * from the certificate (no pathLenConstraint at all). A path length of 1 on the root is encoded correctly
 * and enforces the same thing for every chain ending at this root: at most one CA (our intermediate) below
 * it, so the intermediate cannot mint working sub-CAs.
 */
export function rootCertArgs(s: Pick<ChainSettings, "organization" | "rootValidityYears">) {
  return {
    subject: rootSubject(s.organization),
    isCaCertificate: true,
    maxPathLength: 1,
    allowedUses: [...CA_ALLOWED_USES],
    validityPeriodHours: s.rootValidityYears * CERT_HOURS_PER_YEAR,
    earlyRenewalHours: 0,
    setSubjectKeyId: true,
    setAuthorityKeyId: true,
  } satisfies Omit<tls.SelfSignedCertArgs, "privateKeyPem">;
}

export function intermediateCsrArgs(s: Pick<ChainSettings, "organization">) {
  return { subject: intermediateSubject(s.organization) } satisfies Omit<
    tls.CertRequestArgs,
    "privateKeyPem"
  >;
}

/**
 * Intermediate CA: signed by the root, CA, path length 0 (see {@link rootCertArgs} for why the root also
 * carries the constraint), `cert_signing` + `crl_signing`. It is renewed early once it can no longer
 * outlive a full server certificate (within `serverValidityDays` of its expiry); renewing it re-signs the
 * server certificate too, and clients keep trusting the unchanged root.
 */
export function intermediateCertArgs(
  s: Pick<ChainSettings, "intermediateValidityYears" | "serverValidityDays">,
) {
  return {
    isCaCertificate: true,
    maxPathLength: 0,
    allowedUses: [...CA_ALLOWED_USES],
    validityPeriodHours: s.intermediateValidityYears * CERT_HOURS_PER_YEAR,
    earlyRenewalHours: s.serverValidityDays * CERT_HOURS_PER_DAY,
    setSubjectKeyId: true,
  } satisfies Omit<tls.LocallySignedCertArgs, "certRequestPem" | "caCertPem" | "caPrivateKeyPem">;
}

export function serverCsrArgs(s: Pick<ChainSettings, "host" | "extraSans" | "organization">) {
  return {
    subject: serverSubject(s.host, s.organization),
    dnsNames: serverDnsNames(s.host, s.extraSans),
  } satisfies Omit<tls.CertRequestArgs, "privateKeyPem">;
}

/**
 * Server certificate: not a CA, SANs from the CSR, `serverValidityDays` (≤ 397) and early renewal
 * `earlyRenewalDays` before expiry, so any `pulumi up` inside that window replaces it.
 */
export function serverCertArgs(
  s: Pick<ChainSettings, "keyAlgorithm" | "serverValidityDays" | "earlyRenewalDays">,
) {
  return {
    isCaCertificate: false,
    allowedUses: serverAllowedUses(s.keyAlgorithm),
    validityPeriodHours: s.serverValidityDays * CERT_HOURS_PER_DAY,
    earlyRenewalHours: s.earlyRenewalDays * CERT_HOURS_PER_DAY,
    setSubjectKeyId: true,
  } satisfies Omit<tls.LocallySignedCertArgs, "certRequestPem" | "caCertPem" | "caPrivateKeyPem">;
}

/** DNS name (lowercase labels), optionally with `:port`: what may name a registry and a certs.d folder. */
const DNS_NAME =
  /^(?=.{1,253}(:|$))[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const HOST_PORT = /^([^:]+)(:(\d{1,5}))?$/;

export function isCertDnsName(s: string): boolean {
  return DNS_NAME.test(s);
}

/** A TCP port 1-65535 written in decimal, without leading zeros. */
export function isPort(text: string): boolean {
  return /^[1-9]\d{0,4}$/.test(text) && Number(text) <= 65535;
}

/**
 * A Kubernetes object name that is a DNS label (namespaces, DaemonSets): lowercase a-z, 0-9, `-`, 1-63
 * characters. Here with the other name checks, as light to import (NodeTrust, RegistryAccess).
 */
export function isKubernetesName(s: string): boolean {
  return /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(s);
}

/** `host` or `host:port` with a lowercase DNS host and a port in 1..65535. */
export function isRegistryHostName(s: string): boolean {
  const m = HOST_PORT.exec(s);
  if (!m || !isCertDnsName(m[1])) return false;
  return m[3] === undefined || isPort(m[3]);
}

const isWhole = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;

/** Every problem with the chain settings, as `field: found ...; allowed ...` lines (empty when valid). */
export function chainSettingsProblems(s: ChainSettings): string[] {
  const out: string[] = [];
  const bad = (field: string, found: unknown, allowed: string) =>
    out.push(`${field}: found ${shownValue(found)}; allowed: ${allowed}`);
  if (!isCertDnsName(s.host)) bad("host", s.host, "a lowercase DNS name such as registry.example.com");
  s.extraSans.forEach((n, i) => {
    if (!isCertDnsName(n)) bad(`extraSans[${i}]`, n, "a lowercase DNS name");
    else if (n === s.host) bad(`extraSans[${i}]`, n, "names other than host (host is always a SAN)");
  });
  if (s.keyAlgorithm !== "ECDSA" && s.keyAlgorithm !== "RSA")
    bad("keyAlgorithm", s.keyAlgorithm, '"ECDSA" or "RSA"');
  if (s.organization.trim() === "" || s.organization.length > MAX_COMMON_NAME)
    bad("organization", s.organization, `1-${MAX_COMMON_NAME} characters`);
  if (!isWhole(s.rootValidityYears, 1, 30))
    bad("rootValidityYears", s.rootValidityYears, "a whole number 1-30");
  if (!isWhole(s.intermediateValidityYears, 1, 20))
    bad("intermediateValidityYears", s.intermediateValidityYears, "a whole number 1-20");
  else if (s.intermediateValidityYears >= s.rootValidityYears)
    bad(
      "intermediateValidityYears",
      s.intermediateValidityYears,
      `fewer years than rootValidityYears (${s.rootValidityYears})`,
    );
  if (!isWhole(s.serverValidityDays, 1, MAX_SERVER_VALIDITY_DAYS))
    bad("serverValidityDays", s.serverValidityDays, `a whole number 1-${MAX_SERVER_VALIDITY_DAYS}`);
  else if (
    isWhole(s.intermediateValidityYears, 1, 20) &&
    s.serverValidityDays > maxServerValidityDays(s.intermediateValidityYears)
  )
    bad(
      "serverValidityDays",
      s.serverValidityDays,
      `at most ${maxServerValidityDays(s.intermediateValidityYears)} days, half the intermediate's life (${s.intermediateValidityYears * 365}): ${SERVER_VALIDITY_WHY}`,
    );
  if (!isWhole(s.earlyRenewalDays, 0, 365))
    bad("earlyRenewalDays", s.earlyRenewalDays, "a whole number 0-365");
  else if (s.earlyRenewalDays >= s.serverValidityDays)
    bad(
      "earlyRenewalDays",
      s.earlyRenewalDays,
      `fewer days than serverValidityDays (${s.serverValidityDays})`,
    );
  return out;
}

/**
 * The longest server certificate an intermediate of `years` allows: half its life. The intermediate is renewed
 * `serverValidityDays` before it expires (so that no server certificate outlives it); a longer server
 * certificate would leave it almost no time between renewals.
 */
export function maxServerValidityDays(intermediateValidityYears: number): number {
  return Math.floor((intermediateValidityYears * 365) / 2);
}

/** Why {@link maxServerValidityDays} holds, for error messages. */
export const SERVER_VALIDITY_WHY =
  "the intermediate is renewed serverValidityDays before it expires, so a longer server certificate would replace it (and re-roll node trust) at nearly every pulumi up";

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\r\n]+?)-----END \1-----/g;

/** The PEM blocks of `text` as `{label, pem}`, each normalised to `\n` line ends and a final newline. */
export function pemBlocks(text: string): { label: string; pem: string }[] {
  const out: { label: string; pem: string }[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    const body = m[2].replace(/\r/g, "").trim();
    out.push({ label: m[1], pem: `-----BEGIN ${m[1]}-----\n${body}\n-----END ${m[1]}-----\n` });
  }
  return out;
}

/** The certificates in `text`, normalised; throws when `text` holds anything but certificates. */
export function splitCertificates(text: string, what: string): string[] {
  const blocks = pemBlocks(text);
  const other = blocks.filter((b) => b.label !== "CERTIFICATE");
  if (other.length > 0)
    throw new Error(`${what}: found a PEM block of type ${other[0].label}; allowed: certificates only`);
  if (blocks.length === 0) throw new Error(`${what}: found no PEM certificate; allowed: PEM certificates`);
  return blocks.map((b) => b.pem);
}

/** Concatenates certificate PEMs (each may hold several), normalised, without duplicates, in order. */
export function pemBundle(...pems: string[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const text of pems)
    for (const b of pemBlocks(text))
      if (b.label === "CERTIFICATE" && !seen.has(b.pem)) {
        seen.add(b.pem);
        out.push(b.pem);
      }
  return out.join("");
}

/** Extended key usage OIDs: TLS server authentication, and any purpose. */
const EKU_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const EKU_ANY = "2.5.29.37.0";

function parse(pem: string, what: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (e) {
    throw new Error(`${what}: not a parseable X.509 certificate (${(e as Error).message})`);
  }
}

function issuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}

/** `notAfter` of a certificate as an ISO 8601 UTC time (`2027-01-01T00:00:00Z`). */
export function certificateNotAfter(pem: string): string {
  const d = new Date(parse(pem, "certificate").validTo);
  return d.toISOString().replace(/\.000Z$/, "Z");
}

/**
 * Checks a brought intermediate against its root: one CA certificate each, the intermediate issued and
 * signed by the root. Throws a message naming the problem (certificates are public; keys are never read).
 */
export function checkByoIntermediate(rootCertPem: string, intermediateCertPem: string): void {
  const roots = splitCertificates(rootCertPem, "rootCertPem").map((p) => parse(p, "rootCertPem"));
  const ints = splitCertificates(intermediateCertPem, "intermediateCertPem");
  if (ints.length !== 1)
    throw new Error(`intermediateCertPem: found ${ints.length} certificates; allowed: exactly one`);
  const int = parse(ints[0], "intermediateCertPem");
  if (!int.ca)
    throw new Error(`intermediateCertPem: ${int.subject.replace(/\n/g, ", ")} is not a CA certificate`);
  if (!roots.some((r) => issuedBy(int, r)))
    throw new Error("intermediateCertPem: not issued and signed by (any certificate in) rootCertPem");
}

/**
 * Checks a brought server certificate chain: leaf first, not a CA, valid for every name in `dnsNames` by its
 * SANs (Go clients ignore the common name), serverAuth among its extended key usages if it lists any,
 * each certificate issued by the next, the last one issued by (or equal to) a root in `rootCertPem`.
 * Returns the CA certificates of the chain after the leaf.
 */
export function checkByoCertificate(
  rootCertPem: string,
  serverCertPem: string,
  dnsNames: string[],
): string[] {
  const roots = splitCertificates(rootCertPem, "rootCertPem").map((p) => parse(p, "rootCertPem"));
  const chainPems = splitCertificates(serverCertPem, "serverCertPem");
  const chain = chainPems.map((p, i) => parse(p, `serverCertPem[${i}]`));
  const leaf = chain[0];
  if (leaf.ca)
    throw new Error(
      "serverCertPem: the first certificate is a CA; allowed: the server (leaf) certificate first",
    );
  // As Go clients (containerd, docker, Harbor's replication) check: SANs only, never the subject CN.
  for (const n of dnsNames)
    if (leaf.checkHost(n, { wildcards: true, subject: "never" }) === undefined)
      throw new Error(
        `serverCertPem: the server certificate is not valid for ${n}` +
          (leaf.subjectAltName ? "" : " (subject alternative names: none; the common name is not used)"),
      );
  // An extended key usage, when present, must allow TLS server authentication (or any purpose).
  const eku = leaf.keyUsage as string[] | undefined;
  if (eku && !eku.includes(EKU_SERVER_AUTH) && !eku.includes(EKU_ANY))
    throw new Error(
      `serverCertPem: the server certificate's extended key usage (${eku.join(", ")}) lacks serverAuth (${EKU_SERVER_AUTH}); allowed: a TLS server certificate`,
    );
  for (let i = 0; i + 1 < chain.length; i++)
    if (!issuedBy(chain[i], chain[i + 1]))
      throw new Error(
        `serverCertPem: certificate ${i} is not issued by certificate ${i + 1}; allowed: leaf first, then its issuers in order`,
      );
  const last = chain[chain.length - 1];
  if (!roots.some((r) => r.fingerprint256 === last.fingerprint256 || issuedBy(last, r)))
    throw new Error("serverCertPem: the chain does not lead to (any certificate in) rootCertPem");
  return chainPems.slice(1);
}
