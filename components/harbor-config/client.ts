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
 *   and connections that were never established. After a dropped connection, a timeout or a 5xx other than 501/503/505 the
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
import {
  API_BASE_PATH,
  ClientHooks,
  DEFAULT_RETRY_POLICY,
  HarborConnection,
  HarborResponse,
  RequestOptions,
  RetryPolicy,
  UNKNOWN,
} from "./client-types";
import {
  backoffDelay,
  describeError,
  describeTls,
  HarborApiError,
  HarborConnectionError,
  HarborRetryBudgetError,
  hasStatus,
  isOutcomeUnknown,
  NOT_SENT_CODES,
  parseHarborError,
  parseRetryAfter,
  REPEATABLE_METHODS,
  TLS_ERROR_CODES,
} from "./client-errors";

export * from "./client-types";
export {
  backoffDelay,
  HarborApiError,
  HarborConnectionError,
  HarborRetryBudgetError,
  hasStatus,
  isOutcomeUnknown,
  parseHarborError,
  parseRetryAfter,
} from "./client-errors";
import { shownValue } from "../redact";

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
      throw new Error(`Harbor URL is not an absolute URL: ${shownValue(conn.url)}`);
    }
    if (base.protocol !== "https:" && base.protocol !== "http:") {
      throw new Error(`Harbor URL must use https (or http for local tests): ${shownValue(conn.url)}`);
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
        // Any other 5xx (500, 502, 504, a proxy's 52x, ...) may come after Harbor acted; 501 and 505 are final.
        const maybeActed =
          res.status >= 500 && res.status !== 503 && res.status !== 501 && res.status !== 505;
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
   * attempt's outcome is unknown (dropped connection, timeout, a 5xx other than 501/503/505) `lookup` runs first and, when the
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
      // Harbor's total decides when it is given (an endpoint or proxy may serve shorter pages than asked);
      // without it, a short page is the last.
      if (items.length === 0) break;
      if (Number.isNaN(total) ? items.length < pageSize : out.length >= total) break;
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
