/**
 * A fake Harbor API v2.0 for tests: HTTPS with a certificate from a test CA, Basic auth, in-memory state, the
 * endpoints harbor-config calls, request bodies validated (ajv) against definitions derived from Harbor's
 * swagger (test/fixtures/harbor-config/harbor-api-definitions.json), Harbor-style `{"errors":[...]}`
 * responses, and fault injection: error statuses (500, 503, 409, 429 with Retry-After), slow responses,
 * dropped connections before or after the request took effect.
 *
 * Harbor behaviour emulated where our code depends on it: 409 on duplicate project/robot/registry names,
 * one retention policy per project bound through project metadata `retention_id`, retention PUT only on the
 * bound id, robot names `robot$<project>+<name>` and PUT refusing a name/level change, 412 when deleting a
 * project that still has repositories, project deletion removing its robots and rules.
 *
 * Answers observed on a REAL Harbor v2.15.2 (issue 9: core, jobservice and registryctl built from source, every
 * kind created, refreshed, re-created, updated and deleted twice) that the fake reproduces, each marked
 * "Observed on Harbor v2.15.2" where it is implemented:
 * - the audit-log purge schedule refuses a body without `parameters`, also to switch it off (`type: None`);
 * - robot permissions come back in Harbor's order, not in the order sent;
 * - registry URLs are normalized (spaces and trailing `/` trimmed, `http://` added, query dropped), creating or
 *   changing an endpoint pings it (`400 the registry is unhealthy`), `insecure: false` is omitted, the access
 *   secret is masked, empty `access_key`/`access_secret` clear the credentials, `ca_certificate` is returned;
 * - immutable rules omit `disabled: false`;
 * - a proxy-cache project gets a retention policy of its own;
 * - `PUT /configurations` with an audit-log forward endpoint dials it (`400 could not connect to the audit
 *   endpoint`).
 */
import * as http from "http";
import * as https from "https";
import * as net from "net";
import type { AddressInfo, Socket } from "net";

import {
  API,
  CODES,
  err,
  ExtraRoute,
  Fault,
  FaultRecord,
  Handler,
  ProjectRec,
  Reply,
  RequestRecord,
  RobotRec,
  schemaProblems,
} from "./fake-harbor-base";
import { projectRoutes } from "./fake-harbor-projects";
import { systemRoutes } from "./fake-harbor-system";

export type {
  ExtraRoute,
  Fault,
  FaultKind,
  FaultRecord,
  Handler,
  Reply,
  RequestRecord,
} from "./fake-harbor-base";
export { harborRegistryUrl, schemaProblems } from "./fake-harbor-base";

export class FakeHarbor {
  readonly username = "admin";
  password = "Harbor-Test-Admin-Pw-1";
  url = "";
  readonly requests: RequestRecord[] = [];
  readonly faultsInjected: FaultRecord[] = [];
  readonly schemaErrors: string[] = [];

  projects = new Map<number, ProjectRec>();
  quotas = new Map<number, { id: number; projectId: number; hard: { storage: number } }>();
  robots = new Map<number, RobotRec>();
  immutableRules = new Map<number, { projectId: number; rule: any }>();
  retentions = new Map<number, any>();
  registries = new Map<number, any>();
  /**
   * Registry URLs (as Harbor normalizes them) whose ping fails: creating or changing an endpoint with one of
   * them answers `400 the registry is unhealthy`. Every other URL is healthy (the fake reaches no upstream).
   */
  unhealthyRegistryUrls = new Set<string>();
  /** How `PUT /configurations` checks an audit-log forward endpoint; default: a TCP connection within 1 s. */
  auditEndpointReachable: (endpoint: string) => Promise<boolean> = tcpReachable;
  gcSchedule: any = undefined;
  purgeSchedule: any = undefined;
  configurations = { audit_log_forward_endpoint: "", skip_audit_log_database: false };
  auditEventTypes = [
    "create_artifact",
    "delete_artifact",
    "pull_artifact",
    "create_project",
    "delete_project",
  ];

  /** What `GET /api/v2.0/health` answers (Harbor 2.15's components); tests mark components unhealthy. */
  health: { status: string; components: { name: string; status: string; error?: string }[] } = {
    status: "healthy",
    components: ["core", "database", "jobservice", "portal", "redis", "registry", "registryctl", "trivy"].map(
      (name) => ({ name, status: "healthy" }),
    ),
  };

  private nextId = 1;
  private faults: (Fault & { left: number })[] = [];
  private server?: https.Server | http.Server;
  private sockets = new Set<Socket>();
  private routes: ExtraRoute[] = [];

  constructor(private readonly tls?: { key: string; cert: string }) {
    this.defineRoutes();
  }

  /** Listens on `host:port` (default 127.0.0.1, a free port) and sets {@link url}. */
  async start(port = 0, host = "127.0.0.1"): Promise<this> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => this.handle(req, res);
    this.server = this.tls
      ? https.createServer({ key: this.tls.key, cert: this.tls.cert }, handler)
      : http.createServer(handler);
    this.server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    // A client that aborts a TLS handshake (wrong CA) is not an error of the server.
    this.server.on("tlsClientError", () => undefined);
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(port, host, () => resolve());
    });
    const bound = (this.server.address() as AddressInfo).port;
    this.url = `${this.tls ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${bound}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Adds routes tried before the built-in ones (e.g. the replication endpoints, test/replication). */
  addRoutes(routes: ExtraRoute[]): void {
    this.routes.unshift(...routes);
  }

  /** Queues a fault for the next matching request(s). */
  inject(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /** Faults queued but not yet triggered. */
  pendingFaults(): number {
    return this.faults.reduce((n, f) => n + f.left, 0);
  }

  /** Requests other than GET (what changed state). */
  writes(): RequestRecord[] {
    return this.requests.filter((r) => r.method !== "GET");
  }

  clearLog(): void {
    this.requests.length = 0;
  }

  /** Names and counts of what the fake holds (served at `GET /__fake/state`, outside `/api/v2.0`). */
  summary(): Record<string, unknown> {
    return {
      projects: [...this.projects.values()].map((p) => p.name).sort(),
      robots: [...this.robots.values()].map((x) => x.name).sort(),
      immutableRules: this.immutableRules.size,
      retentionPolicies: [...this.retentions.values()].filter((x) => (x.rules ?? []).length > 0).length,
      registries: [...this.registries.values()].map((x) => x.name as string).sort(),
      gcSchedule: this.gcSchedule?.cron ?? null,
      purgeSchedule: this.purgeSchedule?.cron ?? null,
      auditLogForwardEndpoint: this.configurations.audit_log_forward_endpoint,
      requests: this.requests.length,
      schemaErrors: [...this.schemaErrors],
    };
  }

  projectByName(name: string): ProjectRec | undefined {
    return [...this.projects.values()].find((p) => p.name === name);
  }

  robotsOf(projectName: string): RobotRec[] {
    const p = this.projectByName(projectName);
    return p ? [...this.robots.values()].filter((r) => r.projectId === p.project_id) : [];
  }

  // ── request handling ──────────────────────────────────────────────────────────────────────────────────

  private takeFault(method: string, apiPath: string): Fault | undefined {
    const f = this.faults.find(
      (x) =>
        x.left > 0 &&
        (x.method === undefined || x.method === method) &&
        (x.path === undefined || (typeof x.path === "string" ? x.path === apiPath : x.path.test(apiPath))),
    );
    if (!f) return undefined;
    f.left--;
    this.faults = this.faults.filter((x) => x.left > 0);
    this.faultsInjected.push({ kind: f.kind, status: f.status, method, path: apiPath });
    return f;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const u = new URL(req.url ?? "/", "http://x");
      const method = req.method ?? "GET";
      const apiPath = u.pathname.startsWith(API) ? u.pathname.slice(API.length) : u.pathname;
      const query = Object.fromEntries(u.searchParams.entries());
      const text = Buffer.concat(chunks).toString("utf8");
      let body: any = undefined;
      if (text !== "") {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      const auth = req.headers.authorization ?? "";
      const user = auth.startsWith("Basic ")
        ? Buffer.from(auth.slice(6), "base64").toString("utf8").split(":")[0]
        : undefined;
      const record: RequestRecord = {
        method,
        path: apiPath,
        query,
        headers: req.headers,
        body,
        status: 0,
        user,
      };
      this.requests.push(record);

      const fault = this.takeFault(method, apiPath);
      record.fault = fault?.kind;
      const compute = async (): Promise<Reply> => {
        // Like Harbor, the health endpoint answers without credentials.
        if (method === "GET" && apiPath === "/health") return { status: 200, body: this.health };
        if (auth !== "Basic " + Buffer.from(`${this.username}:${this.password}`).toString("base64")) {
          return err(401, "UNAUTHORIZED", "unauthorized");
        }
        return this.route(method, apiPath, query, body, req.headers);
      };
      const send = (reply: Reply) => {
        record.status = reply.status;
        if (res.destroyed || req.socket.destroyed) return;
        const payload = reply.body === undefined ? "" : JSON.stringify(reply.body);
        res.writeHead(reply.status, {
          "Content-Type": "application/json",
          "Content-Length": String(Buffer.byteLength(payload)),
          ...(reply.headers ?? {}),
        });
        res.end(payload);
      };
      const internal = (e: unknown) => send(err(500, "UNKNOWN", `fake Harbor failed: ${String(e)}`));

      if (!fault) {
        compute().then(send, internal);
        return;
      }
      switch (fault.kind) {
        case "status": {
          const status = fault.status ?? 500;
          const reply = err(status, CODES[status] ?? "ERROR", `injected fault: HTTP ${status}`);
          if (fault.retryAfter !== undefined) reply.headers = { "Retry-After": fault.retryAfter };
          return send(reply);
        }
        case "drop-before":
          record.status = -1;
          req.socket.destroy();
          return;
        case "drop-after":
          compute().then(
            (reply) => {
              record.status = reply.status;
              req.socket.destroy();
            },
            () => req.socket.destroy(),
          );
          return;
        case "slow":
          setTimeout(() => void compute().then(send, internal), fault.delayMs ?? 1000);
          return;
        case "slow-after":
          compute().then((reply) => setTimeout(() => send(reply), fault.delayMs ?? 1000), internal);
          return;
      }
    });
  }

  private route(
    method: string,
    apiPath: string,
    query: Record<string, string>,
    body: any,
    headers: http.IncomingHttpHeaders,
  ): Reply | Promise<Reply> {
    for (const [m, re, h] of this.routes) {
      if (m !== method) continue;
      const match = re.exec(apiPath);
      const reply = match
        ? h({ params: match.slice(1).map(decodeURIComponent), query, body, headers })
        : undefined;
      if (reply) return reply;
    }
    return err(404, "NOT_FOUND", `no route for ${method} ${apiPath}`);
  }

  validate(def: string, body: unknown): Reply | undefined {
    const problems = schemaProblems(def, body);
    if (problems.length === 0) return undefined;
    this.schemaErrors.push(...problems);
    return err(400, "BAD_REQUEST", `validation failure: ${problems.join("; ")}`);
  }

  id(): number {
    return this.nextId++;
  }

  findProject(ref: string, headers: http.IncomingHttpHeaders): ProjectRec | undefined {
    const byName = headers["x-is-resource-name"] === "true" || !/^\d+$/.test(ref);
    return byName ? this.projectByName(ref) : this.projects.get(Number(ref));
  }

  /** The largest page the fake serves (Harbor's is 100); a test lowers it to model a proxy or endpoint cap. */
  maxPageSize = 100;

  page<T>(items: T[], query: Record<string, string>): Reply {
    const size = Math.min(Number(query.page_size ?? 10), this.maxPageSize);
    const page = Number(query.page ?? 1);
    return {
      status: 200,
      body: items.slice((page - 1) * size, page * size),
      headers: { "X-Total-Count": String(items.length) },
    };
  }

  private defineRoutes(): void {
    const r = (m: string, re: RegExp, h: Handler) => this.routes.push([m, re, h]);

    // not Harbor's: what the fake holds, for tests outside this process (fake-harbor-server.ts)
    r("GET", /^\/__fake\/state$/, () => ({ status: 200, body: this.summary() }));
    projectRoutes(this, r);
    systemRoutes(this, r);
  }
}

/** True when a TCP connection to `host:port` opens within 1 s (how Harbor checks an audit forward endpoint). */
export function tcpReachable(endpoint: string): Promise<boolean> {
  const i = endpoint.lastIndexOf(":");
  const host = endpoint.slice(0, i).replace(/^\[|\]$/g, "");
  const port = Number(endpoint.slice(i + 1));
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 1000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
  });
}

/** Tally of injected faults and their outcomes across the test run (printed by the fault tests). */
export const faultLedger: { kind: string; outcome: string }[] = [];

/** Records the faults `fake` injected since `since` with the outcome the test observed. */
export function noteFaults(fake: FakeHarbor, since: number, outcome: "recovered" | "clean error"): void {
  for (const f of fake.faultsInjected.slice(since)) {
    faultLedger.push({ kind: f.kind === "status" ? `HTTP ${f.status}` : f.kind, outcome });
  }
}
