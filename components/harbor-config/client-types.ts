/**
 * Types and constants of the Harbor API client ({@link ./client}): connection, retry policy, requests and
 * responses. Node built-ins only (see client.ts on closure serialization).
 */
import type * as http from "http";

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
