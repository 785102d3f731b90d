/**
 * Errors of the Harbor API client ({@link ./client}) and how failures are classified: Harbor's error body,
 * `Retry-After`, backoff, which connection failures are TLS or never reached the server.
 * Node built-ins only (see client.ts on closure serialization).
 */
import type { HttpMethod, RetryPolicy } from "./client-types";

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
    /** Harbor may have acted on the request although it failed (a 5xx other than 501/503/505 to a non-repeatable request). */
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
export const TLS_ERROR_CODES: readonly string[] = [
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
export const NOT_SENT_CODES: readonly string[] = [
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
];

export const REPEATABLE_METHODS: readonly HttpMethod[] = ["GET", "HEAD", "PUT", "DELETE"];

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

export function describeError(e: NodeJS.ErrnoException, url: URL): string {
  const code = e.code ?? "EUNKNOWN";
  if (code === "ECONNREFUSED") return `connection to ${url.host} refused (${code})`;
  if (code === "ECONNRESET") return `connection to ${url.host} dropped (${code})`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `cannot resolve ${url.hostname} (${code})`;
  return `${e.message} (${code})`;
}

export function describeTls(e: NodeJS.ErrnoException, url: URL, customCa: boolean): string {
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
