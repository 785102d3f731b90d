/**
 * A throw-away PKI made with the openssl CLI for the verify and digest tests: root → intermediate → server
 * certificates (valid, expired, for the wrong host, expiring soon), plus an unrelated root. `openssl ca` sets
 * explicit validity dates, so the expired one really is expired.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { scratchDir } from "../../harness/scratch";

export interface Leaf {
  certPem: string;
  keyPem: string;
  /** Leaf + intermediate, as a server serves it. */
  chainPem: string;
}

export interface VerifyPki {
  rootPem: string;
  intermediatePem: string;
  /** Root + intermediate: what the platform's `caBundlePem` holds. */
  bundlePem: string;
  otherRootPem: string;
  /** localhost / 127.0.0.1, 90 days. */
  good: Leaf;
  /** localhost / 127.0.0.1, expired last year. */
  expired: Leaf;
  /** other.example only. */
  wrongHost: Leaf;
  /** localhost / 127.0.0.1, 5 days left. */
  soon: Leaf;
  /** A key pair for signing registry tokens and its self-signed certificate (the registry's rootcertbundle). */
  tokenSigner: { certPem: string; keyPem: string; certFile: string; keyFile: string };
  dir: string;
}

let cached: VerifyPki | undefined;

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

/** YYYYMMDDHHMMSSZ, as `openssl ca -startdate/-enddate` take it. */
const stamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:T]/g, "")
    .replace(/\.\d{3}/, "");

/** Generates the PKI once per process (kept in a temp dir for servers that need files). */
export function verifyPki(): VerifyPki {
  if (cached) return cached;
  const dir = scratchDir("verify-pki");
  const key = (name: string) =>
    openssl(dir, [
      "genpkey",
      "-algorithm",
      "EC",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-out",
      `${name}.key`,
    ]);
  const selfSigned = (name: string, cn: string) => {
    key(name);
    openssl(dir, [
      "req",
      "-x509",
      "-key",
      `${name}.key`,
      "-out",
      `${name}.pem`,
      "-days",
      "30",
      "-subj",
      `/CN=${cn}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ]);
  };
  selfSigned("root", "verify test root");
  selfSigned("other", "unrelated root");

  // `openssl ca` for everything it signs, so validity dates can be set explicitly.
  fs.writeFileSync(path.join(dir, "index.txt"), "");
  fs.writeFileSync(path.join(dir, "serial"), "1000\n");
  fs.writeFileSync(
    path.join(dir, "ca.cnf"),
    [
      "[ca]",
      "default_ca = ca_default",
      "[ca_default]",
      `dir = ${dir}`,
      "database = $dir/index.txt",
      "new_certs_dir = $dir",
      "serial = $dir/serial",
      "default_md = sha256",
      "policy = policy_any",
      "unique_subject = no",
      "copy_extensions = none",
      "[policy_any]",
      "commonName = supplied",
      "[intermediate]",
      "basicConstraints = critical,CA:TRUE,pathlen:0",
      "keyUsage = critical,keyCertSign,cRLSign",
      "[server]",
      "basicConstraints = critical,CA:FALSE",
      "keyUsage = critical,digitalSignature",
      "extendedKeyUsage = serverAuth",
      "subjectAltName = $ENV::SAN",
      "",
    ].join("\n"),
  );
  const sign = (
    name: string,
    cn: string,
    issuer: string,
    ext: string,
    from: Date,
    to: Date,
    san = "DNS:x",
  ) => {
    key(name);
    openssl(dir, ["req", "-new", "-key", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${cn}`]);
    execFileSync(
      "openssl",
      [
        "ca",
        "-batch",
        "-config",
        "ca.cnf",
        "-notext",
        "-cert",
        `${issuer}.pem`,
        "-keyfile",
        `${issuer}.key`,
        "-extensions",
        ext,
        "-startdate",
        stamp(from),
        "-enddate",
        stamp(to),
        "-in",
        `${name}.csr`,
        "-out",
        `${name}.pem`,
      ],
      { cwd: dir, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, SAN: san } },
    );
  };
  const day = 86_400_000;
  const now = Date.now();
  sign(
    "intermediate",
    "verify test intermediate",
    "root",
    "intermediate",
    new Date(now - day),
    new Date(now + 20 * day),
  );
  const local = "DNS:localhost,IP:127.0.0.1";
  sign("good", "localhost", "intermediate", "server", new Date(now - day), new Date(now + 15 * day), local);
  sign(
    "expired",
    "localhost",
    "intermediate",
    "server",
    new Date(now - 400 * day),
    new Date(now - 35 * day),
    local,
  );
  sign(
    "wrong",
    "other.example",
    "intermediate",
    "server",
    new Date(now - day),
    new Date(now + 15 * day),
    "DNS:other.example",
  );
  sign("soon", "localhost", "intermediate", "server", new Date(now - day), new Date(now + 5 * day), local);

  // Token signing key for the distribution registry's token auth (its `rootcertbundle`).
  key("token");
  openssl(dir, [
    "req",
    "-x509",
    "-key",
    "token.key",
    "-out",
    "token.pem",
    "-days",
    "2",
    "-subj",
    "/CN=verify test token issuer",
  ]);

  const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8");
  const leaf = (name: string): Leaf => ({
    certPem: read(`${name}.pem`),
    keyPem: read(`${name}.key`),
    chainPem: read(`${name}.pem`) + read("intermediate.pem"),
  });
  cached = {
    rootPem: read("root.pem"),
    intermediatePem: read("intermediate.pem"),
    bundlePem: read("root.pem") + read("intermediate.pem"),
    otherRootPem: read("other.pem"),
    good: leaf("good"),
    expired: leaf("expired"),
    wrongHost: leaf("wrong"),
    soon: leaf("soon"),
    tokenSigner: {
      certPem: read("token.pem"),
      keyPem: read("token.key"),
      certFile: path.join(dir, "token.pem"),
      keyFile: path.join(dir, "token.key"),
    },
    dir,
  };
  return cached;
}
