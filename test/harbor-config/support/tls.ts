/**
 * A throw-away PKI for the fake Harbor, generated with `openssl` at test time: a test CA, a server
 * certificate for 127.0.0.1/localhost signed by it, and an unrelated second CA (the "wrong CA").
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { scratchDir } from "../../harness/scratch";

export interface TestPki {
  caPem: string;
  serverKeyPem: string;
  serverCertPem: string;
  /** A CA that did not sign the server certificate. */
  otherCaPem: string;
}

let cached: TestPki | undefined;

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

function makeCa(dir: string, name: string, cn: string): void {
  openssl(dir, [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.crt`,
    "-days",
    "2",
    "-subj",
    `/CN=${cn}`,
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
}

/** Generates (once per process) and returns the test PKI. */
export function testPki(): TestPki {
  if (cached) return cached;
  const dir = scratchDir("fake-harbor-pki");
  try {
    makeCa(dir, "ca", "registry-platform test CA");
    makeCa(dir, "other", "unrelated test CA");
    openssl(dir, [
      "req",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      "server.key",
      "-out",
      "server.csr",
      "-subj",
      "/CN=localhost",
    ]);
    fs.writeFileSync(
      path.join(dir, "ext.cnf"),
      "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n" +
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n",
    );
    openssl(dir, [
      "x509",
      "-req",
      "-in",
      "server.csr",
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "server.crt",
      "-days",
      "2",
      "-extfile",
      "ext.cnf",
    ]);
    const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8");
    cached = {
      caPem: read("ca.crt"),
      serverKeyPem: read("server.key"),
      serverCertPem: read("server.crt"),
      otherCaPem: read("other.crt"),
    };
    return cached;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
