/**
 * The few read-only S3 API calls `verify` makes (bucket versioning, Object Lock, encryption, public access
 * block, policy), signed with AWS Signature Version 4, over node's https. Works against AWS (virtual-hosted
 * style) and S3-compatible endpoints (path style). No SDK: the project has none, and six GETs do not need one.
 */
import { createHash, createHmac } from "crypto";
import * as http from "http";
import * as https from "https";
import * as tls from "tls";

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3ClientOptions {
  region: string;
  credentials: S3Credentials;
  /** S3-compatible endpoint URL (path-style requests). Absent: AWS S3 in `region`. */
  endpoint?: string;
  /** Extra CA (PEM) for the endpoint. */
  caPem?: string;
  timeoutMs?: number;
}

export interface S3Reply {
  status: number;
  body: string;
}

export class S3Error extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "S3Error";
  }
}

const sha256 = (s: string | Buffer) => createHash("sha256").update(s).digest("hex");
const hmac = (key: string | Buffer, s: string) => createHmac("sha256", key).update(s).digest();

/** RFC 3986 encoding as SigV4 wants it (`/` kept in paths). */
export function uriEncode(s: string, keepSlash: boolean): string {
  return Array.from(Buffer.from(s, "utf8"))
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === "/")) return c;
      return `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");
}

/** The `Authorization` header and the other signed headers of a request (SigV4, empty payload). */
export function signV4(a: {
  method: string;
  host: string;
  path: string;
  query: Record<string, string>;
  region: string;
  credentials: S3Credentials;
  now: Date;
  /** sha256 hex of the body; default: of the empty body. */
  payloadHash?: string;
  /** More headers to send and sign (lowercase names). */
  headers?: Record<string, string>;
}): Record<string, string> {
  const amzDate = a.now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const payloadHash = a.payloadHash ?? sha256("");
  const headers: Record<string, string> = {
    ...(a.headers ?? {}),
    host: a.host,
    "x-amz-content-sha256": payloadHash,
    "x-amz-date": amzDate,
    ...(a.credentials.sessionToken ? { "x-amz-security-token": a.credentials.sessionToken } : {}),
  };
  const names = Object.keys(headers).sort();
  const canonicalQuery = Object.keys(a.query)
    .sort()
    .map((k) => `${uriEncode(k, false)}=${uriEncode(a.query[k], false)}`)
    .join("&");
  const canonical = [
    a.method,
    uriEncode(a.path, true),
    canonicalQuery,
    names.map((n) => `${n}:${headers[n].trim()}\n`).join(""),
    names.join(";"),
    payloadHash,
  ].join("\n");
  const scope = `${day}/${a.region}/s3/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  const key = hmac(
    hmac(hmac(hmac(`AWS4${a.credentials.secretAccessKey}`, day), a.region), "s3"),
    "aws4_request",
  );
  const signature = createHmac("sha256", key).update(toSign).digest("hex");
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${a.credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`,
  };
}

/** The text of the first `<tag>` element (no namespaces, no nesting of the same tag). */
export function xmlText(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`).exec(xml);
  return m ? m[1].trim() : undefined;
}

export class S3Client {
  constructor(private readonly o: S3ClientOptions) {}

  /** `GET` of a bucket subresource (`versioning`, `object-lock`, …). */
  getBucketSubresource(bucket: string, subresource: string): Promise<S3Reply> {
    return this.send("GET", bucket, subresource);
  }

  /** A signed request on a bucket (or one of its subresources); verify itself only ever sends GETs. */
  send(
    method: string,
    bucket: string,
    subresource?: string,
    body?: string,
    extraHeaders: Record<string, string> = {},
  ): Promise<S3Reply> {
    let base: URL;
    let path: string;
    if (this.o.endpoint) {
      base = new URL(this.o.endpoint);
      path = `${base.pathname.replace(/\/$/, "")}/${bucket}`;
    } else {
      const dotted = bucket.includes(".");
      base = new URL(
        dotted
          ? `https://s3.${this.o.region}.amazonaws.com`
          : `https://${bucket}.s3.${this.o.region}.amazonaws.com`,
      );
      path = dotted ? `/${bucket}` : "/";
    }
    const query: Record<string, string> = subresource ? { [subresource]: "" } : {};
    const payload = body === undefined ? undefined : Buffer.from(body, "utf8");
    const headers = signV4({
      method,
      host: base.host,
      path,
      query,
      region: this.o.region,
      credentials: this.o.credentials,
      now: new Date(),
      ...(payload ? { payloadHash: sha256(payload) } : {}),
      headers: {
        ...extraHeaders,
        ...(payload
          ? {
              "content-md5": createHash("md5").update(payload).digest("base64"),
              "content-length": String(payload.length),
            }
          : {}),
      },
    });
    const isHttps = base.protocol === "https:";
    return new Promise((resolve, reject) => {
      const req = (isHttps ? https : http).request(
        {
          method,
          hostname: base.hostname,
          port: base.port || (isHttps ? 443 : 80),
          path: `${uriEncode(path, true)}${subresource ? `?${uriEncode(subresource, false)}=` : ""}`,
          headers,
          timeout: this.o.timeoutMs ?? 15_000,
          ...(isHttps && this.o.caPem ? { ca: [...tls.rootCertificates, this.o.caPem] } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
          );
          res.on("error", reject);
        },
      );
      req.on("timeout", () =>
        req.destroy(
          new Error(`${method} ${bucket}${subresource ? `?${subresource}` : ""}: no answer in time`),
        ),
      );
      req.on("error", reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  /** Like {@link getBucketSubresource}; throws {@link S3Error} (code + message) on any non-200 answer. */
  async get(bucket: string, subresource: string): Promise<string> {
    const r = await this.getBucketSubresource(bucket, subresource);
    if (r.status === 200) return r.body;
    const code = xmlText(r.body, "Code") ?? `HTTP${r.status}`;
    throw new S3Error(
      r.status,
      code,
      `GET ${bucket}?${subresource}: HTTP ${r.status} ${code}${xmlText(r.body, "Message") ? `: ${xmlText(r.body, "Message")}` : ""}`,
    );
  }
}
