/**
 * Every PEM the stack config supplies is parsed here, before any resource is registered: certificates with
 * `X509Certificate`, keys with `createPrivateKey`. A PEM with valid armour but garbage inside used to crash
 * the synth deep in serialization, and a brought intermediate key that did not match its certificate was
 * only found mid-update (after the protected buckets existed). Each problem names the config key; key
 * material is never echoed.
 */
import { createPrivateKey, createPublicKey, KeyObject, X509Certificate } from "crypto";
import {
  checkByoCertificate,
  checkByoIntermediate,
  pemBlocks,
  serverDnsNames,
} from "../components/tls/certs";
import { ConfigIssue, keyPath, NAMESPACE } from "./errors";

/** What the PEM checks look at: the TLS settings and the texts of the secret keys actually given. */
export interface PemInputs {
  mode: "self-signed-ca" | "byo-intermediate" | "byo-certificate" | "cert-manager";
  host: string;
  extraSans: readonly string[];
  serverValidityDays: number;
  rootCertPem?: string;
  intermediateCertPem?: string;
  serverCertPem?: string;
  extraCaBundles: readonly string[];
  /** Accept the example stacks' placeholder CA (offline synth only, like secret stand-ins). */
  allowExamples?: boolean;
  /** The secret's text; undefined when not set or an offline-synth stand-in (then not checked). */
  intermediateKeyPem?: string;
  serverKeyPem?: string;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Subject organisation of the placeholder CA in the example stacks (where the RDS CA bundle goes): the
 * offline synth accepts it, a real engine does not.
 */
export const EXAMPLE_CA_ORGANIZATION = "registry-platform example (replace me)";
const EXAMPLE_SUBJECT = /(?:^|\n)O=registry-platform example \(replace me\)(?:\n|$)/;

/** Whether `cert` is the example stacks' placeholder CA (subject organisation {@link EXAMPLE_CA_ORGANIZATION}). */
export function isExampleCa(cert: X509Certificate): boolean {
  return EXAMPLE_SUBJECT.test(cert.subject);
}

function subjectCn(c: X509Certificate): string {
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(c.subject)?.[1];
  return cn ? `"${cn}"` : c.subject.replace(/\n/g, ", ");
}

function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Issues of every supplied PEM (empty when all are valid). `now` decides what has expired. */
export function pemIssues(p: PemInputs, now: Date = new Date()): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const add = (path: PropertyKey[], found: string, allowed: string) =>
    out.push({ key: keyPath(path), found, allowed });

  /**
   * The certificates in `text`, each parsed; `undefined` (with issues added) when anything is not a
   * parseable certificate. `ca`: every certificate must be a CA certificate.
   */
  const certs = (
    path: PropertyKey[],
    text: string,
    what: string,
    ca: boolean,
  ): X509Certificate[] | undefined => {
    const blocks = pemBlocks(text);
    if (blocks.length === 0) {
      add(path, "no PEM certificate (no -----BEGIN CERTIFICATE----- block with base64 content)", what);
      return undefined;
    }
    const parsed: X509Certificate[] = [];
    let ok = true;
    blocks.forEach((b, i) => {
      const n = blocks.length === 1 ? "the certificate" : `certificate ${i + 1} of ${blocks.length}`;
      if (b.label !== "CERTIFICATE") {
        add(path, `${n} is a PEM block of type ${b.label}`, `${what} (certificates only)`);
        ok = false;
        return;
      }
      let c: X509Certificate;
      try {
        c = new X509Certificate(b.pem);
      } catch (e) {
        add(path, `${n} is not a parseable X.509 certificate (${(e as Error).message})`, what);
        ok = false;
        return;
      }
      const end = new Date(c.validTo);
      if (!(end.getTime() > now.getTime())) {
        add(path, `${n} (${subjectCn(c)}) expired on ${day(end)}`, `${what}, still valid`);
        ok = false;
      }
      if (ca && !c.ca) {
        add(path, `${n} (${subjectCn(c)}) is not a CA certificate`, `${what} (basicConstraints CA:TRUE)`);
        ok = false;
      }
      parsed.push(c);
    });
    return ok ? parsed : undefined;
  };

  /** The private key of a secret key, checked against the certificate it must belong to. */
  const keyFor = (secretKey: string, text: string, cert: X509Certificate | undefined, certKey: string) => {
    const key = `${NAMESPACE}:${secretKey}`;
    let priv: KeyObject;
    try {
      priv = createPrivateKey(text);
    } catch (e) {
      const msg = (e as Error).message;
      out.push({
        key,
        found: /passphrase/i.test(msg)
          ? "an encrypted private key"
          : `a value that is not a parseable PEM private key (${msg})`,
        allowed: `the unencrypted PEM private key of ${certKey} (Pulumi encrypts the secret)`,
      });
      return;
    }
    if (!cert) return;
    const spki = (k: KeyObject) => k.export({ format: "der", type: "spki" });
    if (!spki(createPublicKey(priv)).equals(spki(cert.publicKey)))
      out.push({
        key,
        found: `a private key that does not match the certificate in ${certKey}`,
        allowed: `the private key of ${certKey} (${subjectCn(cert)})`,
      });
  };

  const rootKey = `${NAMESPACE}:tls.rootCertPem`;
  const roots =
    p.rootCertPem !== undefined
      ? certs(["tls", "rootCertPem"], p.rootCertPem, "PEM certificates of the root CA", true)
      : undefined;

  if (p.mode === "byo-intermediate" && p.intermediateCertPem !== undefined) {
    const path = ["tls", "intermediateCertPem"];
    const ints = certs(
      path,
      p.intermediateCertPem,
      "one PEM CA certificate, issued by tls.rootCertPem",
      true,
    );
    if (ints && ints.length !== 1)
      add(path, `${ints.length} certificates`, "exactly one: the intermediate CA certificate");
    const int = ints?.length === 1 ? ints[0] : undefined;
    if (int && roots && p.rootCertPem !== undefined) {
      try {
        checkByoIntermediate(p.rootCertPem, p.intermediateCertPem);
      } catch (e) {
        add(
          path,
          `${subjectCn(int)}, ${(e as Error).message.replace(/^intermediateCertPem: /, "")}`,
          `an intermediate CA issued and signed by a certificate in ${rootKey}`,
        );
      }
    }
    if (int) {
      const left = Math.floor((new Date(int.validTo).getTime() - now.getTime()) / DAY_MS);
      if (left > 0 && left < p.serverValidityDays)
        add(
          ["tls", "serverValidityDays"],
          String(p.serverValidityDays),
          `at most ${left} days: the intermediate in tls.intermediateCertPem expires on ${day(new Date(int.validTo))} and must outlive the server certificate it signs`,
        );
    }
    if (p.intermediateKeyPem !== undefined)
      keyFor("tlsIntermediateKeyPem", p.intermediateKeyPem, int, `${NAMESPACE}:tls.intermediateCertPem`);
  }

  if (p.mode === "byo-certificate" && p.serverCertPem !== undefined) {
    const path = ["tls", "serverCertPem"];
    const chain = certs(path, p.serverCertPem, "a PEM certificate chain, leaf first", false);
    if (chain && roots && p.rootCertPem !== undefined) {
      try {
        checkByoCertificate(p.rootCertPem, p.serverCertPem, serverDnsNames(p.host, p.extraSans));
      } catch (e) {
        add(
          path,
          (e as Error).message.replace(/^serverCertPem: /, ""),
          `the server certificate for host and tls.extraSans, then its issuers, leading to ${rootKey}`,
        );
      }
    }
    if (p.serverKeyPem !== undefined)
      keyFor("tlsServerKeyPem", p.serverKeyPem, chain?.[0], `${NAMESPACE}:tls.serverCertPem`);
  }

  p.extraCaBundles.forEach((b, i) => {
    const path = ["tls", "extraCaBundles", i];
    const found = certs(path, b, "PEM certificates of a CA Harbor must trust", false);
    const example = found?.find(isExampleCa);
    if (example && !p.allowExamples)
      add(
        path,
        `the example placeholder certificate of the example stacks (${subjectCn(example)})`,
        `the real CA bundle; for Amazon RDS the region's bundle, https://truststore.pki.rds.amazonaws.com/<region>/<region>-bundle.pem`,
      );
  });
  return out;
}
