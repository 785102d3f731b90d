/**
 * A small typed client for the Harbor REST API v2.0 (`/api/v2.0`).
 *
 * - Basic auth, JSON in and out, TLS verified against the given CA bundle (Node's roots when none is given).
 * - Errors carry the HTTP status and Harbor's own message (`{"errors":[{"code","message"}]}`), never a
 *   request body or a credential.
 * - Retries with exponential backoff and full jitter on 429, 5xx, timeouts and dropped connections, honouring
 *   `Retry-After`, within a per-request timeout and a bound on the total time of one client (= one provider
 *   operation).
 *
 * Which failures are retried (see {@link HarborClient.request}):
 * - requests that are safe to repeat (GET, HEAD, PUT, DELETE; or `retrySafe: true`): every retriable failure;
 * - other requests (POST, PATCH): only failures where Harbor certainly did not act on the request — 429, 503,
 *   and connections that were never established. After a dropped connection, a timeout or a 500/502/504 the
 *   outcome is unknown: repeating a POST could create a second object (or fail with 409 after the first one
 *   was created). Such errors are marked `outcomeUnknown` and {@link HarborClient.createGuarded} first looks
 *   the object up, and only re-sends the create when it does not exist.
 *
 * This module (and everything the dynamic providers call) uses Node built-ins only: the Pulumi engine
 * serializes the dynamic providers' code into the stack state and runs it in a separate process.
 */
import * as http from "http";
import * as https from "https";
import { randomUUID } from "crypto";

/** Path prefix of Harbor's v2.0 API. */
export const API_BASE_PATH = "/api/v2.0";

/** The value Pulumi passes for inputs that are not known yet (preview). Never sent to Harbor. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Timeouts and retry budget of one client. */
export interface RetryPolicy {
  /** Time allowed for one request, from connect to the last body byte. Default 30 000 ms. */
  requestTimeoutMs: number;
  /** Bound on the total time of one client, retries and waits included. Default 300 000 ms. */
  totalTimeoutMs: number;
  /** Attempts per request (first try included). Default 8. */
  maxAttempts: number;
  /** Backoff base: attempt n waits up to `baseDelayMs * 2^(n-1)` (full jitter). Default 500 ms. */
  baseDelayMs: number;
  /** Cap of one backoff wait (a longer `Retry-After` still wins while it fits the total bound). Default 20 000 ms. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  requestTimeoutMs: 30_000,
  totalTimeoutMs: 300_000,
  maxAttempts: 8,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
};

/** Where Harbor is and how to log in. Passed (as a secret) to every dynamic resource. */
export interface HarborConnection extends Partial<RetryPolicy> {
  /** Harbor's external URL, e.g. `https://registry.example.com` (the API path is appended). */
  url: string;
  /** Admin (or otherwise privileged) user name. */
  username: string;
  password: string;
  /** PEM bundle the server certificate must chain to; default: Node's built-in roots. */
  caPem?: string;
}

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RequestOptions {
  method: HttpMethod;
  /** Path below `/api/v2.0`, starting with `/`; callers encode path segments. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Safe to send again when the outcome of an attempt is unknown. Default: GET, HEAD, PUT, DELETE. */
  retrySafe?: boolean;
  /** Non-2xx statuses returned to the caller instead of thrown (e.g. `[404]`). */
  accept?: number[];
}

export interface HarborResponse<T = unknown> {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: T;
}

/** Injectable time and randomness (tests). */
export interface ClientHooks {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Called before each wait between attempts. */
  onRetry?: (info: {
    method: HttpMethod;
    path: string;
    attempt: number;
    delayMs: number;
    reason: string;
  }) => void;
}

/**
 * Sets `name` and `message` on an error of a class extending `Error`. Closure serialization (how Pulumi stores a
 * dynamic provider) rewrites `super(message)` into `Error.call(this, message)`, which returns a new object and
 * leaves `this` without a message: the engine then reports `error: undefined`. Setting both explicitly keeps
 * them whether the class runs as written or as serialized (test/harbor-config/serialized.test.ts).
 */
function keepMessage(e: Error, name: string, message: string): void {
  e.name = name;
  e.message = message;
  if (typeof e.stack !== "string") e.stack = `${name}: ${message}`;
}

/** Harbor answered with an error status. */
export class HarborApiError extends Error {
  constructor(
    readonly method: HttpMethod,
    readonly path: string,
    readonly status: number,
    /** Harbor's error code (e.g. `CONFLICT`), when it sent one. */
    readonly code: string | undefined,
    /** Harbor's message(s), or a short excerpt of a non-JSON body. */
    readonly harborMessage: string,
    readonly attempts: number,
    /** Harbor may have acted on the request although it failed (500/502/504 to a non-repeatable request). */
    readonly outcomeUnknown = false,
    readonly retryAfterMs?: number,
  ) {
    const message =
      `Harbor API ${method} ${path} failed: HTTP ${status}${code ? ` ${code}` : ""}: ${harborMessage || "(no message)"}` +
      (attempts > 1 ? ` (after ${attempts} attempts)` : "");
    super(message);
    keepMessage(this, "HarborApiError", message);
  }
}

/** No (complete) response: connection refused/reset, timeout, TLS failure. */
export class HarborConnectionError extends Error {
  constructor(
    readonly method: HttpMethod,
    readonly path: string,
    /** Node's error code (`ECONNRESET`, `SELF_SIGNED_CERT_IN_CHAIN`, ...) or `TIMEOUT`. */
    readonly code: string,
    detail: string,
    readonly attempts: number,
    /** The server may have received and acted on the request. */
    readonly outcomeUnknown: boolean,
    /** The server's certificate was rejected: never retried. */
    readonly tls: boolean,
  ) {
    const message =
      `Harbor API ${method} ${path}: ${detail}` + (attempts > 1 ? ` (after ${attempts} attempts)` : "");
    super(message);
    keepMessage(this, "HarborConnectionError", message);
  }
}

/** The total time bound or the attempt budget ran out; `cause` is the last failure. */
export class HarborRetryBudgetError extends Error {
  constructor(
    message: string,
    readonly lastError: Error | undefined,
  ) {
    const full = lastError ? `${message}; last error: ${lastError.message}` : message;
    super(full);
    keepMessage(this, "HarborRetryBudgetError", full);
  }
}

// Plain arrays, not Sets: module-level values are serialized with the dynamic providers' code, and the
// closure serializer does not preserve Set/Map contents.
const TLS_ERROR_CODES: readonly string[] = [
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "CERT_SIGNATURE_FAILURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "ERR_SSL_WRONG_VERSION_NUMBER",
  "EPROTO",
];

/** Connection errors where the request never reached the server: safe to retry any method. */
const NOT_SENT_CODES: readonly string[] = [
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
];

const REPEATABLE_METHODS: readonly HttpMethod[] = ["GET", "HEAD", "PUT", "DELETE"];

/** True for errors after which Harbor may or may not have acted on a non-repeatable request. */
export function isOutcomeUnknown(e: unknown): boolean {
  return (e instanceof HarborApiError || e instanceof HarborConnectionError) && e.outcomeUnknown;
}

/** True when `e` is a Harbor error response with one of the given statuses. */
export function hasStatus(e: unknown, ...statuses: number[]): e is HarborApiError {
  return e instanceof HarborApiError && statuses.includes(e.status);
}

/** Parses `Retry-After` (delay-seconds or HTTP-date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v.trim()) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Harbor's `{"errors":[{"code","message"}]}` → code and joined messages; other bodies → a short excerpt. */
export function parseHarborError(text: string): { code?: string; message: string } {
  try {
    const parsed = JSON.parse(text) as { errors?: { code?: unknown; message?: unknown }[] };
    if (Array.isArray(parsed?.errors) && parsed.errors.length > 0) {
      const code = typeof parsed.errors[0].code === "string" ? parsed.errors[0].code : undefined;
      const message = parsed.errors
        .map((e) => (typeof e.message === "string" ? e.message : ""))
        .filter((m) => m !== "")
        .join("; ");
      return { code, message };
    }
  } catch {
    // not JSON: fall through
  }
  const excerpt = text.replace(/\s+/g, " ").trim().slice(0, 200);
  return { message: excerpt };
}

/** Full-jitter exponential backoff for attempt `n` (1-based), honouring a server-requested delay. */
export function backoffDelay(
  policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs">,
  attempt: number,
  random: () => number,
  retryAfterMs?: number,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  return retryAfterMs === undefined ? jittered : Math.max(retryAfterMs, jittered);
}

/** One client = one provider operation: its total time bound starts when it is constructed. */
export class HarborClient {
  readonly policy: RetryPolicy;
  private readonly base: URL;
  private readonly auth: string;
  private readonly caPem?: string;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly onRetry?: ClientHooks["onRetry"];
  private readonly deadline: number;
  /** Requests sent (attempts), for tests and diagnostics. */
  attemptsSent = 0;

  constructor(conn: HarborConnection, hooks: ClientHooks = {}) {
    if (typeof conn.url !== "string" || conn.url === "" || conn.url.includes(UNKNOWN)) {
      throw new Error("Harbor URL is not known yet; the Harbor API is only called once the URL is known");
    }
    let base: URL;
    try {
      base = new URL(conn.url);
    } catch {
      throw new Error(`Harbor URL is not an absolute URL: ${JSON.stringify(conn.url)}`);
    }
    if (base.protocol !== "https:" && base.protocol !== "http:") {
      throw new Error(`Harbor URL must use https (or http for local tests): ${JSON.stringify(conn.url)}`);
    }
    this.base = base;
    this.auth = "Basic " + Buffer.from(`${conn.username}:${conn.password}`, "utf8").toString("base64");
    this.caPem = conn.caPem && conn.caPem.trim() !== "" ? conn.caPem : undefined;
    this.policy = {
      requestTimeoutMs: conn.requestTimeoutMs ?? DEFAULT_RETRY_POLICY.requestTimeoutMs,
      totalTimeoutMs: conn.totalTimeoutMs ?? DEFAULT_RETRY_POLICY.totalTimeoutMs,
      maxAttempts: conn.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
      baseDelayMs: conn.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
      maxDelayMs: conn.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    };
    this.now = hooks.now ?? (() => Date.now());
    this.sleep = hooks.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = hooks.random ?? Math.random;
    this.onRetry = hooks.onRetry;
    this.deadline = this.now() + this.policy.totalTimeoutMs;
  }

  /** Milliseconds left of the total time bound. */
  remainingMs(): number {
    return this.deadline - this.now();
  }

  /**
   * Sends a request, retrying per the policy in the module comment. Resolves with 2xx responses and with the
   * statuses listed in `accept`; throws {@link HarborApiError}, {@link HarborConnectionError} or
   * {@link HarborRetryBudgetError}.
   */
  async request<T = unknown>(opts: RequestOptions): Promise<HarborResponse<T>> {
    const retrySafe = opts.retrySafe ?? REPEATABLE_METHODS.includes(opts.method);
    const requestId = randomUUID();
    let lastError: Error | undefined;
    for (let attempt = 1; ; attempt++) {
      const remaining = this.remainingMs();
      if (remaining <= 0) {
        throw new HarborRetryBudgetError(
          `Harbor API ${opts.method} ${opts.path}: total time bound of ${this.policy.totalTimeoutMs} ms exceeded`,
          lastError,
        );
      }
      let retryAfterMs: number | undefined;
      let reason: string;
      try {
        const res = await this.send(
          opts,
          requestId,
          Math.min(this.policy.requestTimeoutMs, remaining),
          attempt,
        );
        if ((res.status >= 200 && res.status < 300) || opts.accept?.includes(res.status)) {
          return { status: res.status, headers: res.headers, body: parseBody(res.text) as T };
        }
        const { code, message } = parseHarborError(res.text);
        retryAfterMs = parseRetryAfter(res.headers["retry-after"], this.now());
        // 429 and 503 mean Harbor (or the proxy in front of it) refused the request without acting on it.
        const refused = res.status === 429 || res.status === 503;
        const maybeActed = res.status === 500 || res.status === 502 || res.status === 504;
        const err = new HarborApiError(
          opts.method,
          opts.path,
          res.status,
          code,
          message,
          attempt,
          maybeActed && !retrySafe,
          retryAfterMs,
        );
        if (!(refused || (maybeActed && retrySafe))) throw err;
        lastError = err;
        reason = `HTTP ${res.status}`;
      } catch (e) {
        if (e instanceof HarborApiError) throw e;
        if (!(e instanceof HarborConnectionError)) throw e;
        if (e.tls) throw e;
        if (e.outcomeUnknown && !retrySafe) throw e;
        lastError = e;
        reason = e.code;
      }
      if (attempt >= this.policy.maxAttempts) {
        throw new HarborRetryBudgetError(
          `Harbor API ${opts.method} ${opts.path}: gave up after ${attempt} attempts`,
          lastError,
        );
      }
      const delayMs = backoffDelay(this.policy, attempt, this.random, retryAfterMs);
      const left = this.remainingMs();
      if (delayMs >= left) {
        throw new HarborRetryBudgetError(
          retryAfterMs !== undefined && retryAfterMs >= left
            ? `Harbor API ${opts.method} ${opts.path}: Harbor asked to retry after ${Math.ceil(retryAfterMs / 1000)} s ` +
                `(Retry-After) but only ${Math.max(0, Math.floor(left / 1000))} s of the ${this.policy.totalTimeoutMs / 1000} s bound remain`
            : `Harbor API ${opts.method} ${opts.path}: total time bound of ${this.policy.totalTimeoutMs} ms exceeded`,
          lastError,
        );
      }
      this.onRetry?.({ method: opts.method, path: opts.path, attempt, delayMs, reason });
      await this.sleep(delayMs);
    }
  }

  /**
   * Creates an object exactly once. `create` is sent without automatic retries of unknown outcomes; when an
   * attempt's outcome is unknown (dropped connection, timeout, 500/502/504) `lookup` runs first and, when the
   * object exists, it is returned (`recovered`) instead of sending the create again. A 409 Conflict is
   * resolved with `lookup` too (`existing` on the first attempt: the object existed before we started).
   */
  async createGuarded<T>(
    what: string,
    create: () => Promise<T>,
    lookup: () => Promise<T | undefined>,
  ): Promise<{ value: T; outcome: "created" | "recovered" | "existing" }> {
    let lastError: Error | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        return { value: await create(), outcome: "created" };
      } catch (e) {
        if (hasStatus(e, 409)) {
          const found = await lookup();
          if (found !== undefined) return { value: found, outcome: attempt === 1 ? "existing" : "recovered" };
          throw e;
        }
        if (!isOutcomeUnknown(e)) throw e;
        lastError = e as Error;
      }
      const found = await lookup();
      if (found !== undefined) return { value: found, outcome: "recovered" };
      if (attempt >= this.policy.maxAttempts) {
        throw new HarborRetryBudgetError(`creating ${what}: gave up after ${attempt} attempts`, lastError);
      }
      const delayMs = backoffDelay(this.policy, attempt, this.random);
      if (delayMs >= this.remainingMs()) {
        throw new HarborRetryBudgetError(
          `creating ${what}: total time bound of ${this.policy.totalTimeoutMs} ms exceeded`,
          lastError,
        );
      }
      this.onRetry?.({ method: "POST", path: what, attempt, delayMs, reason: "outcome unknown, not found" });
      await this.sleep(delayMs);
    }
  }

  async get<T>(path: string, query?: RequestOptions["query"], headers?: Record<string, string>): Promise<T> {
    return (await this.request<T>({ method: "GET", path, query, headers })).body;
  }

  /** GET that resolves `undefined` on 404. */
  async find<T>(
    path: string,
    query?: RequestOptions["query"],
    headers?: Record<string, string>,
  ): Promise<T | undefined> {
    const res = await this.request<T>({ method: "GET", path, query, headers, accept: [404] });
    return res.status === 404 ? undefined : res.body;
  }

  /** Every page of a list endpoint (page_size 100). */
  async listAll<T>(
    path: string,
    query: RequestOptions["query"] = {},
    headers?: Record<string, string>,
  ): Promise<T[]> {
    const pageSize = 100;
    const out: T[] = [];
    for (let page = 1; page <= 1000; page++) {
      const res = await this.request<T[]>({
        method: "GET",
        path,
        query: { ...query, page, page_size: pageSize },
        headers,
      });
      const items = Array.isArray(res.body) ? res.body : [];
      out.push(...items);
      const totalHeader = res.headers["x-total-count"];
      const total = typeof totalHeader === "string" ? Number(totalHeader) : NaN;
      if (items.length < pageSize || (!Number.isNaN(total) && out.length >= total)) break;
    }
    return out;
  }

  /** DELETE that treats 404 (already gone) as success. Returns whether something was deleted. */
  async deleteIfExists(path: string, headers?: Record<string, string>): Promise<boolean> {
    const res = await this.request({ method: "DELETE", path, headers, accept: [404] });
    return res.status !== 404;
  }

  private url(opts: RequestOptions): URL {
    const u = new URL(this.base.toString());
    u.pathname = u.pathname.replace(/\/+$/, "") + API_BASE_PATH + opts.path;
    for (const [k, v] of Object.entries(opts.query ?? {})) {
      if (v !== undefined) u.searchParams.set(k, String(v));
    }
    return u;
  }

  private send(
    opts: RequestOptions,
    requestId: string,
    timeoutMs: number,
    attempt: number,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
    const url = this.url(opts);
    const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body), "utf8");
    const headers: Record<string, string> = {
      Accept: "application/json",
      Authorization: this.auth,
      "User-Agent": "registry-platform-harbor-config",
      "X-Request-Id": requestId,
      ...(opts.headers ?? {}),
    };
    if (payload) {
      headers["Content-Type"] = "application/json";
      headers["Content-Length"] = String(payload.length);
    }
    const isHttps = url.protocol === "https:";
    const reqOpts: https.RequestOptions = {
      method: opts.method,
      hostname: url.hostname.replace(/^\[|\]$/g, ""),
      port: url.port || (isHttps ? 443 : 80),
      path: url.pathname + url.search,
      headers,
      agent: false,
      ...(isHttps ? { ca: this.caPem, servername: isIp(url.hostname) ? undefined : url.hostname } : {}),
    };
    this.attemptsSent++;
    return new Promise((resolve, reject) => {
      let settled = false;
      let sent = false;
      // Declared before the closures that use it (the closure serializer does not follow TDZ hoisting).
      let timer: NodeJS.Timeout | undefined = undefined;
      const fail = (code: string, detail: string, tls: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const notSent = NOT_SENT_CODES.includes(code) || !sent;
        reject(
          new HarborConnectionError(opts.method, opts.path, code, detail, attempt, !notSent && !tls, tls),
        );
      };
      const req = (isHttps ? https : http).request(reqOpts, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString("utf8"),
          });
        });
        res.on("error", (e: NodeJS.ErrnoException) =>
          fail(e.code ?? "ERESPONSE", describeError(e, url), false),
        );
        res.on("close", () => {
          if (!res.complete) fail("ECONNRESET", "connection closed while reading the response", false);
        });
      });
      timer = setTimeout(() => {
        fail("TIMEOUT", `no complete response within ${timeoutMs} ms`, false);
        req.destroy();
      }, timeoutMs);
      req.on("socket", (socket) => {
        // Once the connection is up, the server may act on what we send.
        const markSent = () => {
          sent = true;
        };
        if (isHttps) socket.once("secureConnect", markSent);
        else socket.once("connect", markSent);
      });
      req.on("error", (e: NodeJS.ErrnoException) => {
        const code = e.code ?? "EUNKNOWN";
        const tls = TLS_ERROR_CODES.includes(code) || /certificate|SSL routines/i.test(e.message);
        fail(code, tls ? describeTls(e, url, this.caPem !== undefined) : describeError(e, url), tls);
      });
      if (payload) req.write(payload);
      req.end();
    });
  }
}

function isIp(host: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(":");
}

function parseBody(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describeError(e: NodeJS.ErrnoException, url: URL): string {
  const code = e.code ?? "EUNKNOWN";
  if (code === "ECONNREFUSED") return `connection to ${url.host} refused (${code})`;
  if (code === "ECONNRESET") return `connection to ${url.host} dropped (${code})`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `cannot resolve ${url.hostname} (${code})`;
  return `${e.message} (${code})`;
}

function describeTls(e: NodeJS.ErrnoException, url: URL, customCa: boolean): string {
  const code = e.code ?? "EUNKNOWN";
  const trust = customCa
    ? "the server certificate does not chain to the configured CA bundle (caBundlePem)"
    : "the server certificate is not trusted by Node's built-in roots; pass the platform CA bundle (caBundlePem)";
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return `TLS verification of ${url.host} failed (${code}): the certificate is not valid for ${url.hostname}`;
  }
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") {
    return `TLS verification of ${url.host} failed (${code}): the certificate is outside its validity period`;
  }
  if (code === "EPROTO" || code === "ERR_SSL_WRONG_VERSION_NUMBER") {
    return `TLS handshake with ${url.host} failed (${code}): ${e.message}`;
  }
  return `TLS verification of ${url.host} failed (${code}): ${trust}`;
}
