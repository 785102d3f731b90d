/**
 * The drill's whole view of Kubernetes: one `request` over the API server's REST paths (including the
 * service proxy), so that the drill logic runs against a real cluster, an in-cluster service account, or a
 * fake API server in tests. Only node built-ins here.
 */
import * as http from "http";
import * as https from "https";

export interface KubeResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface KubeRequest {
  /** JSON-serialised unless a string. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface KubeApi {
  request(method: string, path: string, req?: KubeRequest): Promise<KubeResponse>;
}

/** An API call that did not return 2xx; carries the status and the server's message (never request bodies). */
export class KubeError extends Error {
  constructor(
    public readonly method: string,
    public readonly path: string,
    public readonly status: number,
    detail: string,
  ) {
    super(`${method} ${path} → HTTP ${status}${detail ? `: ${detail}` : ""}`);
    this.name = "KubeError";
  }
}

/** Sends a request and parses a JSON answer; throws {@link KubeError} on a non-2xx status. */
export async function kubeJson<T>(kube: KubeApi, method: string, path: string, body?: unknown): Promise<T> {
  const res = await kube.request(method, path, body === undefined ? {} : { body });
  if (res.status < 200 || res.status > 299)
    throw new KubeError(method, path, res.status, statusMessage(res.body));
  return (res.body === "" ? {} : JSON.parse(res.body)) as T;
}

/** The `message` of a Kubernetes Status (or Harbor error) body, shortened. */
export function statusMessage(body: string): string {
  try {
    const j = JSON.parse(body) as { message?: string; errors?: { message?: string }[] };
    const m = j.message ?? j.errors?.map((e) => e.message).join("; ");
    if (m) return m.slice(0, 300);
  } catch {
    // not JSON
  }
  return body.slice(0, 200).replace(/\s+/g, " ").trim();
}

export interface HttpKubeOptions {
  /** API server URL, e.g. https://10.0.0.1:6443 (http:// in tests). */
  server: string;
  ca?: string | Buffer | (string | Buffer)[];
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Extra headers on every request (the bearer token). */
  headers?: Record<string, string>;
  rejectUnauthorized?: boolean;
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
}

/** {@link KubeApi} over node's http/https. */
export class HttpKube implements KubeApi {
  private readonly base: URL;
  constructor(private readonly o: HttpKubeOptions) {
    this.base = new URL(o.server);
  }

  request(method: string, path: string, req: KubeRequest = {}): Promise<KubeResponse> {
    const url = new URL(this.base.pathname.replace(/\/$/, "") + path, this.base);
    const isHttps = url.protocol === "https:";
    const payload =
      req.body === undefined ? undefined : typeof req.body === "string" ? req.body : JSON.stringify(req.body);
    const headers: Record<string, string> = {
      Accept: "application/json",
      ...(payload !== undefined && typeof req.body !== "string"
        ? { "Content-Type": "application/json" }
        : {}),
      ...(this.o.headers ?? {}),
      ...(req.headers ?? {}),
    };
    if (payload !== undefined) headers["Content-Length"] = String(Buffer.byteLength(payload));
    const options: https.RequestOptions = {
      method,
      hostname: url.hostname,
      port: url.port || (isHttps ? 443 : 80),
      path: url.pathname + url.search,
      headers,
      ...(isHttps
        ? {
            ca: this.o.ca,
            cert: this.o.cert,
            key: this.o.key,
            rejectUnauthorized: this.o.rejectUnauthorized ?? true,
          }
        : {}),
    };
    return new Promise((resolve, reject) => {
      const r = (isHttps ? https : http).request(options, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      });
      r.setTimeout(this.o.timeoutMs ?? 30_000, () =>
        r.destroy(new Error(`${method} ${path}: request timed out`)),
      );
      r.on("error", reject);
      if (payload !== undefined) r.write(payload);
      r.end();
    });
  }
}
