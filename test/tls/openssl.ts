/**
 * Real certificates for the TLS tests, made with the openssl CLI in a temporary directory (the mock engine's
 * PEMs are only PEM-shaped). ECDSA P-256 keeps key generation fast; the tests are about structure.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export function openssl(args: string[], cwd: string): string {
  return execFileSync("openssl", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

export interface Issued {
  certPem: string;
  keyPem: string;
  certFile: string;
  keyFile: string;
}

let serial = 1000;

function newKey(dir: string, name: string): string {
  const keyFile = path.join(dir, `${name}.key`);
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", keyFile], dir);
  return keyFile;
}

function read(dir: string, name: string): Issued {
  const certFile = path.join(dir, `${name}.pem`);
  const keyFile = path.join(dir, `${name}.key`);
  return {
    certFile,
    keyFile,
    certPem: fs.readFileSync(certFile, "utf8"),
    keyPem: fs.readFileSync(keyFile, "utf8"),
  };
}

/** A self-signed root CA; `ext` lines are added to the v3 extensions (e.g. `basicConstraints=...`). */
export function selfSignedCa(dir: string, name: string, ext: string[], days = 3650): Issued {
  const keyFile = newKey(dir, name);
  const extFile = path.join(dir, `${name}.ext`);
  fs.writeFileSync(
    extFile,
    ["[v3]", "subjectKeyIdentifier=hash", "authorityKeyIdentifier=keyid:always", ...ext, ""].join("\n"),
  );
  openssl(
    ["req", "-x509", "-new", "-key", keyFile, "-out", path.join(dir, `${name}.pem`), "-days", String(days)]
      .concat(["-subj", `/O=Test Corp/CN=${name}`, "-config", extFile, "-extensions", "v3"])
      .concat(["-set_serial", String(serial++)]),
    dir,
  );
  return read(dir, name);
}

/** A certificate for a new key, signed by `issuer`, with the given v3 extension lines. */
export function issue(dir: string, name: string, issuer: Issued, ext: string[], days = 365): Issued {
  const keyFile = newKey(dir, name);
  const csr = path.join(dir, `${name}.csr`);
  openssl(["req", "-new", "-key", keyFile, "-out", csr, "-subj", `/O=Test Corp/CN=${name}`], dir);
  const extFile = path.join(dir, `${name}.ext`);
  fs.writeFileSync(
    extFile,
    ["[v3]", "subjectKeyIdentifier=hash", "authorityKeyIdentifier=keyid", ...ext, ""].join("\n"),
  );
  openssl(
    ["x509", "-req", "-in", csr, "-CA", issuer.certFile, "-CAkey", issuer.keyFile, "-out"]
      .concat([path.join(dir, `${name}.pem`), "-days", String(days), "-set_serial", String(serial++)])
      .concat(["-extfile", extFile, "-extensions", "v3"]),
    dir,
  );
  return read(dir, name);
}

export const CA_EXT = (pathlen?: number) => [
  `basicConstraints=critical,CA:TRUE${pathlen === undefined ? "" : `,pathlen:${pathlen}`}`,
  "keyUsage=critical,keyCertSign,cRLSign",
];

export const LEAF_EXT = (dnsNames: string[]) => [
  "basicConstraints=critical,CA:FALSE",
  "keyUsage=critical,digitalSignature",
  "extendedKeyUsage=serverAuth",
  `subjectAltName=${dnsNames.map((n) => `DNS:${n}`).join(",")}`,
];

/** root (pathlen 1) → intermediate (pathlen 0) → leaf for `dnsNames`, the shape RegistryTls builds. */
export function chain(dir: string, dnsNames: string[]): { root: Issued; intermediate: Issued; leaf: Issued } {
  const root = selfSignedCa(dir, "root", CA_EXT(1));
  const intermediate = issue(dir, "intermediate", root, CA_EXT(0), 1825);
  const leaf = issue(dir, "leaf", intermediate, LEAF_EXT(dnsNames));
  return { root, intermediate, leaf };
}

/** `openssl verify`: the status line, or the error output when verification fails. */
export function verify(
  dir: string,
  caFile: string,
  certFile: string,
  untrusted?: string,
): { ok: boolean; out: string } {
  const args = ["verify", "-CAfile", caFile, ...(untrusted ? ["-untrusted", untrusted] : []), certFile];
  try {
    return { ok: true, out: openssl(args, dir) };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, out: `${err.stdout ?? ""}${err.stderr ?? ""}` };
  }
}
