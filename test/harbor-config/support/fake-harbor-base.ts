/**
 * What the fake Harbor's parts share (re-exported by ./fake-harbor): the records, request log and fault types,
 * the swagger validation, Harbor-style errors, and how Harbor v2.15.2 shapes what it returns.
 */
import Ajv, { ValidateFunction } from "ajv";
import * as fs from "fs";
import * as http from "http";
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

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ProjectRec {
  project_id: number;
  name: string;
  registry_id: number;
  metadata: Record<string, string>;
  repo_count: number;
}

export interface RobotRec {
  id: number;
  name: string;
  projectId: number;
  description: string;
  duration: number;
  disable: boolean;
  permissions: any[];
  secret: string;
}

export const API = "/api/v2.0";
/** The swagger definitions, found from this file up (it runs from test/ under ts or dist/test/ as JS). */
function fixture(): string {
  const rel = path.join("test", "fixtures", "harbor-config", "harbor-api-definitions.json");
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, rel))) return path.join(dir, rel);
    if (path.dirname(dir) === dir) throw new Error(`${rel} not found above ${__dirname}`);
  }
}

let ajv: Ajv | undefined;

export function validator(def: string): ValidateFunction {
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

export function err(status: number, code: string, message: string): Reply {
  return { status, body: { errors: [{ code, message }] } };
}

export const CODES: Record<number, string> = {
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

export const NAME_RE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
export const CRON6 = /^(\S+\s+){5}\S+$/;
export const RETENTION_TEMPLATES = [
  "latestPushedK",
  "latestPulledN",
  "nDaysSinceLastPush",
  "nDaysSinceLastPull",
  "always",
];

export type Handler = (ctx: {
  params: string[];
  query: Record<string, string>;
  body: any;
  headers: http.IncomingHttpHeaders;
}) => Reply | Promise<Reply>;

/** A route added by another capability's tests; returning `undefined` passes the request to the next route. */
export type ExtraRoute = [
  string,
  RegExp,
  (ctx: Parameters<Handler>[0]) => Reply | Promise<Reply> | undefined,
];

/**
 * Observed on Harbor v2.15.2: a robot's permissions come back in Harbor's order, not in the order sent (sent
 * repository:pull, repository:push, artifact:read, tag:list, tag:create; got repository:pull, artifact:read,
 * repository:push, ...). The fake orders by action: pull, read, push, list, create, then the rest.
 */
export function harborAccessOrder(access: { resource: string; action: string }[]): typeof access {
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
export function registryJson(x: any): unknown {
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
export function proxyCacheRetention(id: number, projectId: number): any {
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
