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
import Ajv, { ValidateFunction } from "ajv";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as net from "net";
import type { AddressInfo, Socket } from "net";
import * as path from "path";

export type FaultKind = "status" | "drop-before" | "drop-after" | "slow" | "slow-after";

export interface Fault {
  kind: FaultKind;
  /** Only requests with this method (default: any). */
  method?: string;
  /** Only this API path (below /api/v2.0, without query) or paths matching the RegExp (default: any). */
  path?: string | RegExp;
  /** How many matching requests get the fault. Default 1. */
  times?: number;
  /** `status`: the HTTP status (500, 503, 429, 409, ...). */
  status?: number;
  /** `status`: Retry-After header value. */
  retryAfter?: string;
  /** `slow`/`slow-after`: delay in ms. */
  delayMs?: number;
}

export interface FaultRecord {
  kind: FaultKind;
  status?: number;
  method: string;
  path: string;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: any;
  status: number;
  fault?: FaultKind;
  user?: string;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface ProjectRec {
  project_id: number;
  name: string;
  registry_id: number;
  metadata: Record<string, string>;
  repo_count: number;
}

interface RobotRec {
  id: number;
  name: string;
  projectId: number;
  description: string;
  duration: number;
  disable: boolean;
  permissions: any[];
  secret: string;
}

const API = "/api/v2.0";
/** The swagger definitions, found from this file up (it runs from test/ under ts or dist/test/ as JS). */
function fixture(): string {
  const rel = path.join("test", "fixtures", "harbor-config", "harbor-api-definitions.json");
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, rel))) return path.join(dir, rel);
    if (path.dirname(dir) === dir) throw new Error(`${rel} not found above ${__dirname}`);
  }
}

let ajv: Ajv | undefined;

function validator(def: string): ValidateFunction {
  if (!ajv) {
    ajv = new Ajv({ allErrors: true, strict: true });
    ajv.addSchema(JSON.parse(fs.readFileSync(fixture(), "utf8")) as object);
  }
  const v = ajv.getSchema(`harbor-api-definitions.json#/definitions/${def}`);
  if (!v) throw new Error(`no definition ${def} in the fixture`);
  return v;
}

/** Validates `body` against a swagger definition; returns the problems (empty when valid). */
export function schemaProblems(def: string, body: unknown): string[] {
  const v = validator(def);
  if (v(body)) return [];
  return (v.errors ?? []).map((e) => `${def}${e.instancePath} ${e.message ?? "invalid"}`);
}

function err(status: number, code: string, message: string): Reply {
  return { status, body: { errors: [{ code, message }] } };
}

const CODES: Record<number, string> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  404: "NOT_FOUND",
  409: "CONFLICT",
  412: "PRECONDITION",
  429: "TOO_MANY_REQUESTS",
  500: "INTERNAL_SERVER_ERROR",
  502: "BAD_GATEWAY",
  503: "SERVICE_UNAVAILABLE",
  504: "GATEWAY_TIMEOUT",
};

const NAME_RE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const CRON6 = /^(\S+\s+){5}\S+$/;
const RETENTION_TEMPLATES = [
  "latestPushedK",
  "latestPulledN",
  "nDaysSinceLastPush",
  "nDaysSinceLastPull",
  "always",
];

type Handler = (ctx: {
  params: string[];
  query: Record<string, string>;
  body: any;
  headers: http.IncomingHttpHeaders;
}) => Reply | Promise<Reply>;

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

  private nextId = 1;
  private faults: (Fault & { left: number })[] = [];
  private server?: https.Server | http.Server;
  private sockets = new Set<Socket>();
  private routes: [string, RegExp, Handler][] = [];

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
      if (match) return h({ params: match.slice(1).map(decodeURIComponent), query, body, headers });
    }
    return err(404, "NOT_FOUND", `no route for ${method} ${apiPath}`);
  }

  private validate(def: string, body: unknown): Reply | undefined {
    const problems = schemaProblems(def, body);
    if (problems.length === 0) return undefined;
    this.schemaErrors.push(...problems);
    return err(400, "BAD_REQUEST", `validation failure: ${problems.join("; ")}`);
  }

  private id(): number {
    return this.nextId++;
  }

  private findProject(ref: string, headers: http.IncomingHttpHeaders): ProjectRec | undefined {
    const byName = headers["x-is-resource-name"] === "true" || !/^\d+$/.test(ref);
    return byName ? this.projectByName(ref) : this.projects.get(Number(ref));
  }

  private projectJson(p: ProjectRec): unknown {
    return {
      project_id: p.project_id,
      name: p.name,
      registry_id: p.registry_id,
      metadata: { ...p.metadata },
      repo_count: p.repo_count,
      owner_id: 1,
      owner_name: "admin",
    };
  }

  private robotJson(r: RobotRec): unknown {
    return {
      id: r.id,
      name: r.name,
      description: r.description,
      level: "project",
      duration: r.duration,
      disable: r.disable,
      editable: true,
      permissions: r.permissions.map((perm: any) => ({
        ...perm,
        access: harborAccessOrder(perm.access ?? []),
      })),
      expires_at: -1,
    };
  }

  private page<T>(items: T[], query: Record<string, string>): Reply {
    const size = Math.min(Number(query.page_size ?? 10), 100);
    const page = Number(query.page ?? 1);
    return {
      status: 200,
      body: items.slice((page - 1) * size, page * size),
      headers: { "X-Total-Count": String(items.length) },
    };
  }

  private schedule(which: "gc" | "purge", body: any, create: boolean): Reply {
    const bad = this.validate("Schedule", body);
    if (bad) return bad;
    if (which === "purge") {
      // Observed on Harbor v2.15.2: the purge schedule's parameters are checked for every schedule type, "None"
      // (switch off) included: {"schedule":{"type":"None","cron":""}} alone is refused with
      // 400 BAD_REQUEST "bad request: schedule parameter cann't be empty"; the same body with
      // audit_retention_hour, include_event_types and dry_run is accepted.
      const p = body?.parameters;
      if (p === undefined || p === null || Object.keys(p).length === 0) {
        return err(400, "BAD_REQUEST", "bad request: schedule parameter cann't be empty");
      }
      for (const key of ["audit_retention_hour", "include_event_types"]) {
        if (!(key in p)) return err(400, "BAD_REQUEST", `bad request: ${key} should provide`);
      }
    }
    const type = body?.schedule?.type;
    const cron = body?.schedule?.cron ?? "";
    const current = which === "gc" ? this.gcSchedule : this.purgeSchedule;
    if (type === "None") {
      if (which === "gc") this.gcSchedule = undefined;
      else this.purgeSchedule = undefined;
      return { status: 200 };
    }
    if (type === "Custom" && !CRON6.test(cron)) return err(400, "BAD_REQUEST", `invalid cron ${cron}`);
    if (which === "purge") {
      const p = body?.parameters ?? {};
      if (typeof p.audit_retention_hour !== "number" || typeof p.include_event_types !== "string") {
        return err(400, "BAD_REQUEST", "audit_retention_hour and include_event_types are required");
      }
    }
    const rec = { type, cron, parameters: body?.parameters ?? {} };
    if (which === "gc") this.gcSchedule = rec;
    else this.purgeSchedule = rec;
    return { status: create && !current ? 201 : 200 };
  }

  private scheduleJson(which: "gc" | "purge"): Reply {
    const s = which === "gc" ? this.gcSchedule : this.purgeSchedule;
    if (!s) return { status: 200, body: {} };
    return {
      status: 200,
      body: {
        id: 1,
        job_name: which === "gc" ? "GARBAGE_COLLECTION" : "PURGE_AUDIT_LOG",
        job_kind: "SCHEDULE",
        job_parameters: JSON.stringify(s.parameters),
        schedule: { type: s.type, cron: s.cron },
        job_status: "",
        deleted: false,
      },
    };
  }

  private defineRoutes(): void {
    const r = (m: string, re: RegExp, h: Handler) => this.routes.push([m, re, h]);

    // not Harbor's: what the fake holds, for tests outside this process (fake-harbor-server.ts)
    r("GET", /^\/__fake\/state$/, () => ({ status: 200, body: this.summary() }));

    // projects
    r("GET", /^\/projects\/([^/]+)$/, ({ params, headers }) => {
      const p = this.findProject(params[0], headers);
      return p
        ? { status: 200, body: this.projectJson(p) }
        : err(404, "NOT_FOUND", `project ${params[0]} not found`);
    });
    r("POST", /^\/projects$/, ({ body }) => {
      const bad = this.validate("ProjectReq", body);
      if (bad) return bad;
      const name = body.project_name as string;
      if (!NAME_RE.test(name ?? "")) return err(400, "BAD_REQUEST", `invalid project name ${name}`);
      if (this.projectByName(name)) return err(409, "CONFLICT", `The project named ${name} already exists`);
      if (body.registry_id !== undefined && !this.registries.has(body.registry_id)) {
        return err(400, "BAD_REQUEST", `registry ${body.registry_id} not found`);
      }
      const id = this.id();
      this.projects.set(id, {
        project_id: id,
        name,
        registry_id: body.registry_id ?? 0,
        metadata: { public: "false", ...(body.metadata ?? {}) },
        repo_count: 0,
      });
      const qid = this.id();
      this.quotas.set(qid, { id: qid, projectId: id, hard: { storage: body.storage_limit ?? -1 } });
      if (body.registry_id !== undefined) {
        // Observed on Harbor v2.15.2: a proxy-cache project gets a retention policy of its own, bound through
        // `retention_id`. Its rules here (keep what was pulled in the last 7 days, daily) stand for Harbor's.
        const rid = this.id();
        this.retentions.set(rid, proxyCacheRetention(rid, id));
        this.projects.get(id)!.metadata.retention_id = String(rid);
      }
      return { status: 201, headers: { Location: `${API}/projects/${id}` } };
    });
    r("PUT", /^\/projects\/([^/]+)$/, ({ params, body, headers }) => {
      const bad = this.validate("ProjectReq", body);
      if (bad) return bad;
      const p = this.findProject(params[0], headers);
      if (!p) return err(404, "NOT_FOUND", `project ${params[0]} not found`);
      Object.assign(p.metadata, body.metadata ?? {});
      return { status: 200 };
    });
    r("DELETE", /^\/projects\/([^/]+)$/, ({ params, headers }) => {
      const p = this.findProject(params[0], headers);
      if (!p) return err(404, "NOT_FOUND", `project ${params[0]} not found`);
      if (p.repo_count > 0) {
        return err(412, "PRECONDITION", `the project contains repositories, can not be deleted`);
      }
      this.projects.delete(p.project_id);
      for (const [id, q] of this.quotas) if (q.projectId === p.project_id) this.quotas.delete(id);
      for (const [id, rb] of this.robots) if (rb.projectId === p.project_id) this.robots.delete(id);
      for (const [id, x] of this.immutableRules)
        if (x.projectId === p.project_id) this.immutableRules.delete(id);
      return { status: 200 };
    });
    r("DELETE", /^\/projects\/([^/]+)\/metadatas\/([^/]+)$/, ({ params, headers }) => {
      const p = this.findProject(params[0], headers);
      if (!p || p.metadata[params[1]] === undefined) return err(404, "NOT_FOUND", "metadata not found");
      delete p.metadata[params[1]];
      return { status: 200 };
    });

    // quotas
    r("GET", /^\/quotas$/, ({ query }) => {
      const list = [...this.quotas.values()]
        .filter((q) => query.reference === "project" && String(q.projectId) === query.reference_id)
        .map((q) => ({ id: q.id, ref: { id: q.projectId }, hard: { ...q.hard }, used: { storage: 0 } }));
      return { status: 200, body: list };
    });
    r("PUT", /^\/quotas\/(\d+)$/, ({ params, body }) => {
      const bad = this.validate("QuotaUpdateReq", body);
      if (bad) return bad;
      const q = this.quotas.get(Number(params[0]));
      if (!q) return err(404, "NOT_FOUND", "quota not found");
      Object.assign(q.hard, body.hard);
      return { status: 200 };
    });

    // robots
    r("GET", /^\/robots$/, ({ query }) => {
      const kv = Object.fromEntries((query.q ?? "").split(",").map((s) => s.split("=") as [string, string]));
      if (kv.Level === "project" && kv.ProjectID === undefined) {
        return err(400, "BAD_REQUEST", "must with project ID when to query project robots");
      }
      const list = [...this.robots.values()]
        .filter((x) => kv.ProjectID === undefined || String(x.projectId) === kv.ProjectID)
        .map((x) => this.robotJson(x));
      return this.page(list, query);
    });
    r("POST", /^\/robots$/, ({ body }) => {
      const bad = this.validate("RobotCreate", body);
      if (bad) return bad;
      if (body.level !== "project") return err(400, "BAD_REQUEST", "only project robots in this fake");
      if (!NAME_RE.test(body.name ?? "")) return err(400, "BAD_REQUEST", `invalid robot name ${body.name}`);
      const perms = body.permissions ?? [];
      if (perms.length !== 1 || perms[0].kind !== "project") {
        return err(400, "BAD_REQUEST", "a project robot needs exactly one project permission");
      }
      const project = this.projectByName(perms[0].namespace);
      if (!project) return err(404, "NOT_FOUND", `project ${perms[0].namespace} not found`);
      const full = `robot$${project.name}+${body.name}`;
      if ([...this.robots.values()].some((x) => x.name === full)) {
        return err(409, "CONFLICT", `robot account ${full} already exists`);
      }
      const id = this.id();
      const secret = `Sec${id}x${Math.random().toString(36).slice(2, 12)}`;
      this.robots.set(id, {
        id,
        name: full,
        projectId: project.project_id,
        description: body.description ?? "",
        duration: body.duration ?? -1,
        disable: body.disable ?? false,
        permissions: perms,
        secret,
      });
      return { status: 201, body: { id, name: full, secret }, headers: { Location: `${API}/robots/${id}` } };
    });
    r("GET", /^\/robots\/(\d+)$/, ({ params }) => {
      const x = this.robots.get(Number(params[0]));
      return x
        ? { status: 200, body: this.robotJson(x) }
        : err(404, "NOT_FOUND", `robot ${params[0]} not found`);
    });
    r("PUT", /^\/robots\/(\d+)$/, ({ params, body }) => {
      const bad = this.validate("Robot", body);
      if (bad) return bad;
      const x = this.robots.get(Number(params[0]));
      if (!x) return err(404, "NOT_FOUND", `robot ${params[0]} not found`);
      if (body.name !== x.name || body.level !== "project") {
        return err(400, "BAD_REQUEST", "cannot update the level or name of robot");
      }
      x.description = body.description ?? x.description;
      x.duration = body.duration ?? x.duration;
      x.disable = body.disable ?? x.disable;
      x.permissions = body.permissions ?? x.permissions;
      return { status: 200 };
    });
    r("PATCH", /^\/robots\/(\d+)$/, ({ params, body }) => {
      const bad = this.validate("RobotSec", body);
      if (bad) return bad;
      const x = this.robots.get(Number(params[0]));
      if (!x) return err(404, "NOT_FOUND", `robot ${params[0]} not found`);
      x.secret = body.secret || `Sec${x.id}r${Math.random().toString(36).slice(2, 12)}`;
      return { status: 200, body: { secret: x.secret } };
    });
    r("DELETE", /^\/robots\/(\d+)$/, ({ params }) => {
      if (!this.robots.delete(Number(params[0])))
        return err(404, "NOT_FOUND", `robot ${params[0]} not found`);
      return { status: 200 };
    });

    // immutable tag rules
    const ruleProject = (ref: string, headers: http.IncomingHttpHeaders) => this.findProject(ref, headers);
    r("GET", /^\/projects\/([^/]+)\/immutabletagrules$/, ({ params, query, headers }) => {
      const p = ruleProject(params[0], headers);
      if (!p) return err(404, "NOT_FOUND", `project ${params[0]} not found`);
      const list = [...this.immutableRules.entries()]
        .filter(([, x]) => x.projectId === p.project_id)
        .map(([id, x]) => {
          // Observed on Harbor v2.15.2: an enabled rule is returned without `disabled` (false is omitted).
          const { disabled, ...rule } = x.rule as Record<string, unknown>;
          return { id, ...rule, ...(disabled === true ? { disabled } : {}) };
        });
      return this.page(list, query);
    });
    r("POST", /^\/projects\/([^/]+)\/immutabletagrules$/, ({ params, body, headers }) => {
      const bad = this.validate("ImmutableRule", body);
      if (bad) return bad;
      const p = ruleProject(params[0], headers);
      if (!p) return err(404, "NOT_FOUND", `project ${params[0]} not found`);
      if (body.template !== "immutable_template" || body.action !== "immutable") {
        return err(400, "BAD_REQUEST", "template must be immutable_template, action immutable");
      }
      const same = [...this.immutableRules.values()].some(
        (x) =>
          x.projectId === p.project_id &&
          JSON.stringify(x.rule.tag_selectors) === JSON.stringify(body.tag_selectors),
      );
      if (same) return err(409, "CONFLICT", "the immutable tag rule already exists");
      const id = this.id();
      this.immutableRules.set(id, { projectId: p.project_id, rule: { ...body, project_id: p.project_id } });
      return {
        status: 201,
        headers: { Location: `${API}/projects/${p.project_id}/immutabletagrules/${id}` },
      };
    });
    r("PUT", /^\/projects\/([^/]+)\/immutabletagrules\/(\d+)$/, ({ params, body, headers }) => {
      const bad = this.validate("ImmutableRule", body);
      if (bad) return bad;
      const p = ruleProject(params[0], headers);
      const x = this.immutableRules.get(Number(params[1]));
      if (!p || !x || x.projectId !== p.project_id) return err(404, "NOT_FOUND", "rule not found");
      const { id: _id, ...rule } = body;
      x.rule = { ...rule, project_id: p.project_id };
      return { status: 200 };
    });
    r("DELETE", /^\/projects\/([^/]+)\/immutabletagrules\/(\d+)$/, ({ params, headers }) => {
      const p = ruleProject(params[0], headers);
      const x = this.immutableRules.get(Number(params[1]));
      if (!p || !x || x.projectId !== p.project_id) return err(404, "NOT_FOUND", "rule not found");
      this.immutableRules.delete(Number(params[1]));
      return { status: 200 };
    });

    // retention
    const checkRetention = (body: any): Reply | undefined => {
      const bad = this.validate("RetentionPolicy", body);
      if (bad) return bad;
      if (body.algorithm !== "or") return err(400, "BAD_REQUEST", "algorithm must be or");
      if ((body.rules ?? []).length > 15) return err(400, "BAD_REQUEST", "only 15 rules are allowed at most");
      for (const rule of body.rules ?? []) {
        if (!RETENTION_TEMPLATES.includes(rule.template))
          return err(400, "BAD_REQUEST", `unknown template ${rule.template}`);
        if (rule.template !== "always" && typeof rule.params?.[rule.template] !== "number") {
          return err(400, "BAD_REQUEST", `rule ${rule.template} needs params.${rule.template}`);
        }
        if (rule.action !== "retain") return err(400, "BAD_REQUEST", "action must be retain");
      }
      const seen = new Set((body.rules ?? []).map((x: unknown) => JSON.stringify(x)));
      if (seen.size !== (body.rules ?? []).length)
        return err(409, "CONFLICT", "rule conflicts with another rule");
      if (body.scope?.level !== "project") return err(400, "BAD_REQUEST", "scope must be project");
      return undefined;
    };
    r("POST", /^\/retentions$/, ({ body }) => {
      const bad = checkRetention(body);
      if (bad) return bad;
      const p = this.projects.get(body.scope.ref);
      if (!p) return err(400, "BAD_REQUEST", `invalid Project id ${body.scope.ref}`);
      if (p.metadata.retention_id) {
        return err(
          400,
          "BAD_REQUEST",
          `project ${p.project_id} already has retention policy ${p.metadata.retention_id}`,
        );
      }
      const id = this.id();
      this.retentions.set(id, { ...body, id });
      p.metadata.retention_id = String(id);
      return { status: 201, headers: { Location: `${API}/retentions/${id}` } };
    });
    r("GET", /^\/retentions\/(\d+)$/, ({ params }) => {
      const x = this.retentions.get(Number(params[0]));
      if (!x) return err(404, "NOT_FOUND", `retention ${params[0]} not found`);
      // Harbor numbers the rules it stores and adds a priority.
      const rules = (x.rules ?? []).map((rule: any, i: number) => ({ id: i + 1, priority: 0, ...rule }));
      return { status: 200, body: { ...x, rules } };
    });
    r("PUT", /^\/retentions\/(\d+)$/, ({ params, body }) => {
      const bad = checkRetention(body);
      if (bad) return bad;
      const id = Number(params[0]);
      const p = this.projects.get(body.scope.ref);
      if (!p || p.metadata.retention_id !== String(id) || !this.retentions.has(id)) {
        return err(404, "NOT_FOUND", `the retention policy id ${id} does not match`);
      }
      this.retentions.set(id, { ...body, id });
      return { status: 200 };
    });
    r("DELETE", /^\/retentions\/(\d+)$/, ({ params }) => {
      if (!this.retentions.delete(Number(params[0]))) return err(404, "NOT_FOUND", "retention not found");
      return { status: 200 };
    });

    // system schedules, audit log
    r("GET", /^\/system\/gc\/schedule$/, () => this.scheduleJson("gc"));
    r("POST", /^\/system\/gc\/schedule$/, ({ body }) => this.schedule("gc", body, true));
    r("PUT", /^\/system\/gc\/schedule$/, ({ body }) => this.schedule("gc", body, false));
    r("GET", /^\/system\/purgeaudit\/schedule$/, () => this.scheduleJson("purge"));
    r("POST", /^\/system\/purgeaudit\/schedule$/, ({ body }) => this.schedule("purge", body, true));
    r("PUT", /^\/system\/purgeaudit\/schedule$/, ({ body }) => this.schedule("purge", body, false));
    r("GET", /^\/auditlog-exts\/events$/, () => ({
      status: 200,
      body: this.auditEventTypes.map((event_type) => ({ event_type })),
    }));
    r("GET", /^\/configurations$/, () => ({
      status: 200,
      body: {
        audit_log_forward_endpoint: { value: this.configurations.audit_log_forward_endpoint, editable: true },
        skip_audit_log_database: { value: this.configurations.skip_audit_log_database, editable: true },
      },
    }));
    r("PUT", /^\/configurations$/, async ({ body }) => {
      const bad = this.validate("Configurations", body);
      if (bad) return bad;
      const endpoint = body.audit_log_forward_endpoint;
      if (typeof endpoint === "string" && endpoint !== "" && !(await this.auditEndpointReachable(endpoint))) {
        // Observed on Harbor v2.15.2: setting a forward endpoint makes Harbor core dial it first.
        return err(400, "BAD_REQUEST", "could not connect to the audit endpoint");
      }
      const next = { ...this.configurations, ...body };
      if (next.skip_audit_log_database && !next.audit_log_forward_endpoint) {
        return err(400, "BAD_REQUEST", "skip_audit_log_database needs audit_log_forward_endpoint");
      }
      this.configurations = next;
      return { status: 200 };
    });

    // registries
    r("GET", /^\/registries$/, ({ query }) => {
      const m = /^name=(.*)$/.exec(query.q ?? "");
      const list = [...this.registries.values()]
        .filter((x) => !m || x.name === m[1])
        .map((x) => registryJson(x));
      return this.page(list, query);
    });
    r("POST", /^\/registries$/, ({ body }) => {
      const bad = this.validate("Registry", body);
      if (bad) return bad;
      const url = harborRegistryUrl(body.url ?? "");
      if ("error" in url) return err(400, "BAD_REQUEST", url.error);
      if (this.unhealthyRegistryUrls.has(url.url))
        return err(400, "BAD_REQUEST", "the registry is unhealthy");
      if ([...this.registries.values()].some((x) => x.name === body.name)) {
        return err(409, "CONFLICT", `registry ${body.name} already exists`);
      }
      const id = this.id();
      this.registries.set(id, { ...body, url: url.url, id, status: "healthy" });
      return { status: 201, headers: { Location: `${API}/registries/${id}` } };
    });
    r("GET", /^\/registries\/(\d+)$/, ({ params }) => {
      const x = this.registries.get(Number(params[0]));
      if (!x) return err(404, "NOT_FOUND", "registry not found");
      return { status: 200, body: registryJson(x) };
    });
    r("PUT", /^\/registries\/(\d+)$/, ({ params, body }) => {
      const bad = this.validate("RegistryUpdate", body);
      if (bad) return bad;
      const x = this.registries.get(Number(params[0]));
      if (!x) return err(404, "NOT_FOUND", "registry not found");
      const next = { ...x, credential: { ...(x.credential ?? {}) } };
      for (const k of ["name", "url", "description", "insecure", "ca_certificate"])
        if (k in body) next[k] = body[k];
      // Observed on Harbor v2.15.2: each credential field sent replaces the stored one, so empty strings clear
      // the credentials; fields left out keep their old values.
      if ("credential_type" in body) next.credential.type = body.credential_type;
      if ("access_key" in body) next.credential.access_key = body.access_key;
      if ("access_secret" in body) next.credential.access_secret = body.access_secret;
      const url = harborRegistryUrl(next.url ?? "");
      if ("error" in url) return err(400, "BAD_REQUEST", url.error);
      next.url = url.url;
      if (this.unhealthyRegistryUrls.has(url.url))
        return err(400, "BAD_REQUEST", "the registry is unhealthy");
      this.registries.set(x.id, next);
      return { status: 200 };
    });
    r("DELETE", /^\/registries\/(\d+)$/, ({ params }) => {
      const id = Number(params[0]);
      if (!this.registries.has(id)) return err(404, "NOT_FOUND", "registry not found");
      if ([...this.projects.values()].some((p) => p.registry_id === id)) {
        return err(412, "PRECONDITION", "the registry is referenced by proxy cache projects");
      }
      this.registries.delete(id);
      return { status: 200 };
    });
  }
}

/**
 * Observed on Harbor v2.15.2: a robot's permissions come back in Harbor's order, not in the order sent (sent
 * repository:pull, repository:push, artifact:read, tag:list, tag:create; got repository:pull, artifact:read,
 * repository:push, ...). The fake orders by action: pull, read, push, list, create, then the rest.
 */
function harborAccessOrder(access: { resource: string; action: string }[]): typeof access {
  const rank = ["pull", "read", "push", "list", "create"];
  const r = (a: { action: string }) => (rank.includes(a.action) ? rank.indexOf(a.action) : rank.length);
  return [...access].sort((a, b) => r(a) - r(b));
}

/**
 * Observed on Harbor v2.15.2: the registry URL Harbor stores and returns is the one sent with spaces and
 * trailing `/` trimmed, `http://` added when there is no scheme, and only scheme://host/path kept (query,
 * fragment and user info dropped); schemes other than http and https are refused.
 */
export function harborRegistryUrl(raw: string): { url: string } | { error: string } {
  let s = raw.trim().replace(/\/+$/, "");
  if (s === "") return { error: "empty string" };
  if (!s.includes("://")) s = `http://${s}`;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/.exec(s);
  if (!m) return { error: `malformed URL: ${raw}` };
  const scheme = m[1].toLowerCase();
  if (scheme !== "http" && scheme !== "https") return { error: `invalid HTTP scheme: ${scheme}` };
  const host = m[2].slice(m[2].lastIndexOf("@") + 1);
  return { url: `${scheme}://${host}${m[3]}` };
}

/**
 * A registry endpoint as Harbor v2.15.2 returns it (observed): `insecure` only when true, the access secret
 * masked, `ca_certificate` as stored.
 */
function registryJson(x: any): unknown {
  const { credential, insecure, ca_certificate, ...rest } = x;
  return {
    ...rest,
    ...(insecure === true ? { insecure } : {}),
    ...(typeof ca_certificate === "string" && ca_certificate !== "" ? { ca_certificate } : {}),
    ...(credential
      ? {
          credential: {
            type: credential.type ?? "",
            access_key: credential.access_key ?? "",
            access_secret: credential.access_secret ? "*****" : "",
          },
        }
      : {}),
  };
}

/** The retention policy of a new proxy-cache project (see the POST /projects route). */
function proxyCacheRetention(id: number, projectId: number): any {
  const all = (decoration: string) => [{ kind: "doublestar", decoration, pattern: "**" }];
  return {
    id,
    algorithm: "or",
    rules: [
      {
        disabled: false,
        action: "retain",
        template: "nDaysSinceLastPull",
        params: { nDaysSinceLastPull: 7 },
        tag_selectors: all("matches"),
        scope_selectors: { repository: all("repoMatches") },
      },
    ],
    trigger: { kind: "Schedule", settings: { cron: "0 0 0 * * *" }, references: {} },
    scope: { level: "project", ref: projectId },
  };
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
