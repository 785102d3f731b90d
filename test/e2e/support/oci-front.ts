/**
 * The OCI side of Harbor for the end-to-end runs: the CNCF `distribution` registry (built into
 * ${TOOLS_BIN:-/tmp/tools-bin}, plain HTTP on a free loopback port, no auth of its own — it plays Harbor's
 * internal registry) behind a Harbor-core-like front that the ingress stand-in calls for `/v2/…` and
 * `/service/token` on the platform's host: `/v2/` answers 401 with `Bearer realm="https://<host>/service/token"`,
 * the token service checks Basic credentials against the robots of the fake Harbor (name + secret, not
 * disabled, a `repository:<action>` permission on the project), and a request with a valid token is passed to
 * the registry. Images are pushed with `crane` straight to the registry.
 */
import { execFile, execFileSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import {
  CRANE_BIN,
  distributionConfig,
  freePort,
  REGISTRY_BIN,
  RegistryProcess,
} from "../../access/support/registry-lab";
import { FakeHarbor } from "../../harbor-config/support/fake-harbor";

/** What is missing for the OCI front, each with how to get it. */
export function ociMissing(): string[] {
  return [REGISTRY_BIN, CRANE_BIN]
    .filter((b) => !fs.existsSync(b))
    .map((b) => `${b} not built: scripts/tools/build-go-tool.sh ${path.basename(b)} (or set TOOLS_BIN)`);
}

export interface TokenRequest {
  user: string | undefined;
  scopes: string[];
  granted: string[];
  status: number;
}

export class OciFront {
  /** `127.0.0.1:<port>` of the registry (no auth, plain HTTP). */
  registry = "";
  readonly tokenRequests: TokenRequest[] = [];
  /** `/v2/` requests: method, path and status (never credentials). */
  readonly requests: { method: string; path: string; status: number }[] = [];
  private proc?: RegistryProcess;
  private readonly tokens = new Map<string, { user: string; grants: Set<string> }>();

  constructor(
    private readonly dir: string,
    /** The fake Harbor that holds the robots of `host`. */
    private readonly harborOf: (host: string) => FakeHarbor | undefined,
  ) {}

  async start(): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true });
    const port = await freePort();
    const config = path.join(this.dir, "config.yml");
    fs.writeFileSync(
      config,
      distributionConfig({ rootDir: path.join(this.dir, "data"), port, logLevel: "warn" }),
    );
    this.proc = new RegistryProcess(config);
    this.registry = `127.0.0.1:${port}`;
    await this.proc.waitReady(
      this.registry,
      async () => (await status(`http://${this.registry}/v2/`)) === 200,
      30_000,
      200,
    );
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
  }

  /** Pushes a one-layer OCI image with `content` as `repo:tag` (crane, straight to the registry); its digest. */
  async push(repo: string, tag: string, content: string): Promise<string> {
    const layer = path.join(this.dir, `layer-${randomBytes(4).toString("hex")}`);
    fs.mkdirSync(layer);
    fs.writeFileSync(path.join(layer, "hello.txt"), content);
    const tar = `${layer}.tar`;
    execFileSync("tar", ["-cf", tar, "-C", layer, "hello.txt"]);
    const ref = `${this.registry}/${repo}:${tag}`;
    await crane(["append", "--insecure", "-f", tar, "-t", ref, "--oci-empty-base"]);
    return crane(["digest", "--insecure", ref]);
  }

  /** For the ingress stand-in: true when the request was Harbor core's OCI side and has been answered. */
  handle(host: string, req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const url = new URL(req.url ?? "/", `https://${host}`);
    if (url.pathname === "/service/token") {
      this.token(host, url, req, res);
      return true;
    }
    if (url.pathname === "/v2" || url.pathname.startsWith("/v2/")) {
      this.v2(host, url, req, res);
      return true;
    }
    return false;
  }

  private token(host: string, url: URL, req: http.IncomingMessage, res: http.ServerResponse): void {
    const scopes = url.searchParams.getAll("scope");
    const auth = req.headers.authorization ?? "";
    const text = auth.startsWith("Basic ") ? Buffer.from(auth.slice(6), "base64").toString("utf8") : "";
    const i = text.indexOf(":");
    const user = i > 0 ? text.slice(0, i) : undefined;
    const robots = [...(this.harborOf(host)?.robots.values() ?? [])];
    const robot = robots.find((r) => r.name === user && r.secret === text.slice(i + 1) && !r.disable);
    if (!robot) {
      this.tokenRequests.push({ user, scopes, granted: [], status: 401 });
      json(res, 401, { errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] });
      return;
    }
    const granted: string[] = [];
    for (const s of scopes) {
      const m = /^repository:([^:]+):(.+)$/.exec(s);
      if (!m) continue;
      const project = m[1].split("/")[0];
      for (const action of m[2].split(","))
        if (
          (
            robot.permissions as { namespace?: string; access?: { resource: string; action: string }[] }[]
          ).some(
            (p) =>
              p.namespace === project &&
              (p.access ?? []).some((a) => a.resource === "repository" && a.action === action),
          )
        )
          granted.push(`${m[1]}:${action}`);
    }
    const token = randomBytes(24).toString("hex");
    this.tokens.set(token, { user: robot.name, grants: new Set(granted) });
    this.tokenRequests.push({ user, scopes, granted, status: 200 });
    json(res, 200, { token, access_token: token, expires_in: 1800, issued_at: new Date().toISOString() });
  }

  private v2(host: string, url: URL, req: http.IncomingMessage, res: http.ServerResponse): void {
    const auth = req.headers.authorization ?? "";
    const grant = auth.startsWith("Bearer ") ? this.tokens.get(auth.slice(7)) : undefined;
    const m = /^\/v2\/(.+)\/(manifests|blobs|tags)\//.exec(url.pathname);
    const needed = m
      ? `${m[1]}:${req.method === "GET" || req.method === "HEAD" ? "pull" : "push"}`
      : undefined;
    const record = (s: number) =>
      this.requests.push({ method: req.method ?? "", path: url.pathname, status: s });
    if (!grant || (needed && !grant.grants.has(needed))) {
      const scope = needed ? `,scope="repository:${needed}"` : "";
      record(401);
      res.writeHead(401, {
        "Content-Type": "application/json",
        "WWW-Authenticate": `Bearer realm="https://${host}/service/token",service="harbor-registry"${scope}`,
      });
      res.end(
        JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "unauthorized to access repository" }] }),
      );
      return;
    }
    const [hostname, port] = this.registry.split(":");
    const headers = { ...req.headers };
    delete headers.authorization;
    headers.host = this.registry;
    const up = http.request(
      { hostname, port: Number(port), method: req.method, path: req.url, headers },
      (r) => {
        record(r.statusCode ?? 502);
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on("error", () => {
      record(502);
      res.destroy();
    });
    req.pipe(up);
  }
}

function json(res: http.ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

function status(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve(0));
    req.on("timeout", () => req.destroy());
  });
}

function crane(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(CRANE_BIN, args, { timeout: 120_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`crane ${args.join(" ")}: ${stderr || err.message}`)) : resolve(stdout.trim()),
    );
  });
}
