/**
 * A real OCI registry on 127.0.0.1 for the real-server suite (`npm run test:real`): the CNCF `distribution`
 * registry (built by scripts/tools/build-go-tool.sh registry) with TLS from the test CA and token auth, a
 * token service of our own (Harbor-style robot accounts, JWTs the registry verifies through `x5c`), and
 * `crane` (built the same way) to push images, including a multi-arch index.
 */
import { ChildProcess, execFile, execFileSync, spawn } from "child_process";
import { createHash, randomUUID, sign } from "crypto";
import * as fs from "fs";
import * as https from "https";
import type { AddressInfo } from "net";
import * as path from "path";
import { VerifyPki } from "../../verify/support/pki";
import { scratchDir } from "../../harness/scratch";

export const TOOLS_BIN = process.env.TOOLS_BIN ?? "/tmp/tools-bin";
export const REGISTRY_BIN = path.join(TOOLS_BIN, "registry");
export const CRANE_BIN = path.join(TOOLS_BIN, "crane");

/** Why the lab cannot run here, or undefined. */
export function labMissing(): string | undefined {
  const missing = [REGISTRY_BIN, CRANE_BIN].filter((b) => !fs.existsSync(b));
  return missing.length
    ? `not built: ${missing.join(", ")} (scripts/tools/build-go-tool.sh registry; … crane)`
    : undefined;
}

export interface Robot {
  username: string;
  password: string;
  /** repository name pattern (`apps/*`) → allowed actions. */
  grants: Record<string, string[]>;
}

export const SERVICE = "lab-registry";
export const ISSUER = "lab-token-issuer";

/** Harbor-style robots: a pull robot and a push robot for project `apps`. */
export const ROBOTS: Robot[] = [
  { username: "robot$apps+cluster-pull", password: "Pull-Secret-1", grants: { "apps/*": ["pull"] } },
  { username: "robot$apps+ci-push", password: "Push-Secret-2", grants: { "apps/*": ["pull", "push"] } },
  { username: "robot$other+cluster-pull", password: "Other-Secret-3", grants: { "other/*": ["pull"] } },
];

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

/** The token service: Basic auth → a JWT granting the requested actions the robot has. */
export class TokenServer {
  url = "";
  readonly requests: { user?: string; scopes: string[]; status: number }[] = [];
  private server?: https.Server;

  constructor(private readonly pki: VerifyPki) {}

  async start(): Promise<this> {
    this.server = https.createServer(
      { key: this.pki.good.keyPem, cert: this.pki.good.chainPem },
      (req, res) => {
        const u = new URL(req.url ?? "/", "https://x");
        const scopes = u.searchParams.getAll("scope");
        const auth = req.headers.authorization ?? "";
        const [user, ...rest] = auth.startsWith("Basic ")
          ? Buffer.from(auth.slice(6), "base64").toString("utf8").split(":")
          : [];
        const robot = ROBOTS.find((r) => r.username === user && r.password === rest.join(":"));
        if (!robot) {
          this.requests.push({ user, scopes, status: 401 });
          res.writeHead(401, { "Content-Type": "application/json" });
          res.end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }));
          return;
        }
        const access = scopes.flatMap((s) => {
          const m = /^repository:([^:]+):(.+)$/.exec(s);
          if (!m) return [];
          const allowed = Object.entries(robot.grants)
            .filter(([pat]) =>
              new RegExp(`^${pat.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(m[1]),
            )
            .flatMap(([, a]) => a);
          return [
            { type: "repository", name: m[1], actions: m[2].split(",").filter((a) => allowed.includes(a)) },
          ];
        });
        this.requests.push({ user, scopes, status: 200 });
        const token = this.jwt(robot.username, access);
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ token, access_token: token, expires_in: 300 }));
      },
    );
    this.server.on("tlsClientError", () => undefined);
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    // A host name, not an IP literal: crane (go-containerregistry ≥ 0.21) refuses token realms on private IPs
    // other than the registry's own host:port.
    this.url = `https://localhost:${(this.server.address() as AddressInfo).port}/service/token`;
    return this;
  }

  private jwt(sub: string, access: unknown[]): string {
    const der = Buffer.from(
      this.pki.tokenSigner.certPem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ""),
      "base64",
    ).toString("base64");
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: "JWT", alg: "ES256", x5c: [der] };
    const claims = {
      iss: ISSUER,
      sub,
      aud: SERVICE,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const sig = sign("sha256", Buffer.from(input), {
      key: this.pki.tokenSigner.keyPem,
      dsaEncoding: "ieee-p1363",
    });
    return `${input}.${b64url(sig)}`;
  }

  stop(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** The distribution registry process, TLS + token auth, storage in a temp dir. */
export class Registry {
  host = "";
  private proc?: RegistryProcess;
  readonly dir: string;

  constructor(
    private readonly pki: VerifyPki,
    private readonly tokenUrl: string,
  ) {
    this.dir = scratchDir("lab-registry");
  }

  async start(): Promise<this> {
    const port = await freePort();
    fs.writeFileSync(path.join(this.dir, "chain.pem"), this.pki.good.chainPem);
    fs.writeFileSync(path.join(this.dir, "key.pem"), this.pki.good.keyPem);
    fs.writeFileSync(
      path.join(this.dir, "config.yml"),
      distributionConfig({
        rootDir: path.join(this.dir, "data"),
        port,
        logLevel: "info",
        tls: { certificate: path.join(this.dir, "chain.pem"), key: path.join(this.dir, "key.pem") },
        storage: ["  delete:", "    enabled: true"],
        extra: [
          "auth:",
          "  token:",
          `    realm: ${this.tokenUrl}`,
          `    service: ${SERVICE}`,
          `    issuer: ${ISSUER}`,
          `    rootcertbundle: ${this.pki.tokenSigner.certFile}`,
        ],
      }),
    );
    this.proc = new RegistryProcess(path.join(this.dir, "config.yml"));
    this.host = `127.0.0.1:${port}`;
    await this.proc.waitReady(
      this.host,
      async () => (await ping(`https://${this.host}/v2/`, this.pki.bundlePem)) === 401,
      30_000,
      200,
    );
    return this;
  }

  logTail(): string {
    return (this.proc?.output ?? "").slice(-3000);
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function ping(url: string, ca: string): Promise<number> {
  return new Promise((resolve) => {
    const req = https.get(url, { ca, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve(0));
    req.on("timeout", () => req.destroy());
  });
}

/** A `distribution` registry's config.yml: filesystem storage under `rootDir` on 127.0.0.1:`port`, TLS if given. */
export function distributionConfig(o: {
  rootDir: string;
  port: number;
  logLevel: "warn" | "info";
  tls?: { certificate: string; key: string };
  /** Lines added under `storage:` (e.g. `delete:`) and at the top level (e.g. `auth:`). */
  storage?: string[];
  extra?: string[];
}): string {
  return [
    "version: 0.1",
    "log:",
    `  level: ${o.logLevel}`,
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${o.rootDir}`,
    ...(o.storage ?? []),
    "http:",
    `  addr: 127.0.0.1:${o.port}`,
    ...(o.tls ? ["  tls:", `    certificate: ${o.tls.certificate}`, `    key: ${o.tls.key}`] : []),
    ...(o.extra ?? []),
    "",
  ].join("\n");
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = https.createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
    s.on("error", reject);
  });
}

/**
 * A `registry serve <config>` process and its output (stdout and stderr together, the last `keep` characters): the
 * lab's registry, the e2e OCI front and the e2e chart registry each run one.
 */
export class RegistryProcess {
  output = "";
  readonly proc: ChildProcess;

  constructor(configFile: string, keep = 20_000, bin = REGISTRY_BIN) {
    this.proc = spawn(bin, ["serve", configFile], { stdio: ["ignore", "pipe", "pipe"] });
    const add = (c: Buffer) => (this.output = (this.output + c.toString("utf8")).slice(-keep));
    this.proc.stdout!.on("data", add);
    this.proc.stderr!.on("data", add);
  }

  /**
   * Asks `ready` every `everyMs` until it answers true; fails with the output's tail when the process exits or
   * `timeoutMs` passes first.
   */
  async waitReady(
    where: string,
    ready: () => Promise<boolean>,
    timeoutMs: number,
    everyMs: number,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await ready()) return;
      if (Date.now() > deadline || this.proc.exitCode !== null)
        throw new Error(`registry did not come up on ${where}; log:\n${this.output.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  /** Stops the process and waits for its exit. */
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    this.proc.kill("SIGTERM");
    await new Promise((r) => this.proc.once("exit", r));
  }
}

/** Runs crane as the push robot, trusting the test CA. */
export class Crane {
  private readonly dockerConfig: string;
  private readonly caFile: string;

  constructor(
    pki: VerifyPki,
    private readonly registryHost: string,
    robot: Robot = ROBOTS[1],
  ) {
    this.dockerConfig = scratchDir("lab-crane");
    this.caFile = path.join(this.dockerConfig, "ca.pem");
    fs.writeFileSync(this.caFile, pki.bundlePem);
    const auth = Buffer.from(`${robot.username}:${robot.password}`).toString("base64");
    fs.writeFileSync(
      path.join(this.dockerConfig, "config.json"),
      JSON.stringify({ auths: { [registryHost]: { auth } } }),
    );
  }

  run(...args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        CRANE_BIN,
        args,
        {
          env: { ...process.env, DOCKER_CONFIG: this.dockerConfig, SSL_CERT_FILE: this.caFile },
          timeout: 120_000,
        },
        (err, stdout, stderr) =>
          err
            ? reject(new Error(`crane ${args.join(" ")}: ${stderr || err.message}`))
            : resolve(stdout.trim()),
      );
    });
  }

  /** A one-layer image with `content` in hello.txt, pushed as `repo:tag` (OCI or Docker media types). */
  async pushImage(repo: string, tag: string, content: string, oci = true): Promise<string> {
    const dir = fs.mkdtempSync(path.join(this.dockerConfig, "layer-"));
    fs.writeFileSync(path.join(dir, "hello.txt"), content);
    const tar = path.join(
      this.dockerConfig,
      `${createHash("sha256")
        .update(repo + tag)
        .digest("hex")
        .slice(0, 8)}.tar`,
    );
    execFileSync("tar", ["-cf", tar, "-C", dir, "hello.txt"]);
    const ref = `${this.registryHost}/${repo}:${tag}`;
    await this.run("append", "-f", tar, "-t", ref, ...(oci ? ["--oci-empty-base"] : []));
    return this.run("digest", ref);
  }

  cleanup(): void {
    fs.rmSync(this.dockerConfig, { recursive: true, force: true });
  }
}
