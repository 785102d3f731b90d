/**
 * Digest pinning through the OCI distribution API: `host/project/repo:tag` → `sha256:…`.
 *
 * 1. `HEAD /v2/<repo>/manifests/<tag>` with the OCI and Docker index/manifest media types in `Accept` (so a
 *    multi-arch tag resolves to its index, not to one platform's manifest);
 * 2. on `401` with `WWW-Authenticate: Bearer realm=…,service=…`, a token for `repository:<repo>:pull` from the
 *    realm with the robot's Basic credentials, then the request again with that token (`Basic` challenges
 *    get Basic credentials directly);
 * 3. the digest from `Docker-Content-Digest`;
 * 4. unless `verify: false`, `GET` of the same manifest: its body's sha256 must equal the digest every
 *    response claimed (a proxy or registry that reports a wrong digest is caught, not pinned).
 *
 * TLS is verified against the platform CA (plus the public roots); 5xx/429 and network errors are retried.
 * Errors name the image and the HTTP status; credentials and tokens never appear in them.
 */
import { createHash } from "crypto";
import * as http from "http";
import * as https from "https";
import * as tls from "tls";

export const MANIFEST_MEDIA_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
] as const;

export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface ResolveRequest {
  /** Registry `host[:port]`. */
  host: string;
  /** Repository path on the registry (`project/repo`). */
  repository: string;
  /** A tag, or a `sha256:` digest (then only checked to exist, when verifying). */
  reference: string;
  credentials?: RegistryCredentials;
  /** Extra CA certificates (PEM) to trust, e.g. the platform CA bundle. */
  caPem?: string;
  /** Per HTTP request. Default 15 s. */
  timeoutMs?: number;
  /** Fetch the manifest and check its sha256. Default true. */
  verify?: boolean;
  /** Attempts on 5xx/429/network errors. Default 3. */
  attempts?: number;
}

/** Resolves a tag to a digest; what {@link RegistryAccess} calls (tests substitute their own). */
export type DigestResolver = (req: ResolveRequest) => Promise<string>;

export class DigestError extends Error {
  constructor(
    public readonly image: string,
    message: string,
    public readonly status?: number,
  ) {
    super(`${image}: ${message}`);
    this.name = "DigestError";
  }
}

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const REPO_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/** Problems with a repository path or tag, before any request. */
export function referenceProblems(repository: string, reference: string): string[] {
  const out: string[] = [];
  if (!REPO_RE.test(repository))
    out.push(
      `repository ${JSON.stringify(repository)} is not a lowercase path (a-z, 0-9, . _ - separators, /)`,
    );
  if (!TAG_RE.test(reference) && !DIGEST_RE.test(reference))
    out.push(
      `reference ${JSON.stringify(reference)} is neither a tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}) nor a sha256 digest`,
    );
  return out;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Status codes worth another attempt. */
const RETRY = new Set([429, 500, 502, 503, 504]);

class Http {
  private readonly ca?: string[];
  constructor(
    private readonly timeoutMs: number,
    caPem?: string,
  ) {
    this.ca = caPem ? [...tls.rootCertificates, caPem] : undefined;
  }

  request(method: string, url: string, headers: Record<string, string>): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const u = new URL(url);
      const mod = u.protocol === "http:" ? http : https;
      const req = mod.request(
        u,
        {
          method,
          headers,
          timeout: this.timeoutMs,
          ...(this.ca && u.protocol === "https:" ? { ca: this.ca } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on("error", reject);
      req.end();
    });
  }
}

/** Parses `Bearer realm="…",service="…",scope="…"` (quoted or bare values). */
export function parseChallenge(
  header: string | undefined,
): { scheme: string; params: Record<string, string> } | undefined {
  if (!header) return undefined;
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  let p: RegExpExecArray | null;
  while ((p = re.exec(m[2])) !== null)
    params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, "$1") : p[3];
  return { scheme: m[1].toLowerCase(), params };
}

/** The registry's error text from a `{"errors":[{code,message}]}` body, if any. */
function registryMessage(body: Buffer): string {
  try {
    const j = JSON.parse(body.toString("utf8")) as { errors?: { code?: string; message?: string }[] };
    const e = j.errors?.[0];
    if (e) return ` (${[e.code, e.message].filter(Boolean).join(": ")})`;
  } catch {
    // not JSON
  }
  return "";
}

const basic = (c: RegistryCredentials) =>
  `Basic ${Buffer.from(`${c.username}:${c.password}`, "utf8").toString("base64")}`;

/** Resolves `host/repository:reference` to the `sha256:` digest of its manifest or index. */
export async function resolveDigest(req: ResolveRequest): Promise<string> {
  const image = `${req.host}/${req.repository}${DIGEST_RE.test(req.reference) ? "@" : ":"}${req.reference}`;
  const problems = referenceProblems(req.repository, req.reference);
  if (problems.length) throw new DigestError(image, problems.join("; "));
  const client = new Http(req.timeoutMs ?? 15_000, req.caPem);
  const attempts = Math.max(1, req.attempts ?? 3);
  const url = `https://${req.host}/v2/${req.repository}/manifests/${req.reference}`;
  const accept = MANIFEST_MEDIA_TYPES.join(", ");
  let authorization: string | undefined;

  const send = async (method: string): Promise<Reply> => {
    let last: unknown;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 200 * 2 ** (i - 1)));
      try {
        const r = await client.request(method, url, {
          Accept: accept,
          ...(authorization ? { Authorization: authorization } : {}),
        });
        if (!RETRY.has(r.status) || i === attempts - 1) return r;
        last = new DigestError(image, `HTTP ${r.status}`, r.status);
      } catch (e) {
        last = e;
      }
    }
    throw new DigestError(image, `${method} ${url} failed: ${(last as Error).message}`);
  };

  /** Answers a 401 challenge once; false when there is nothing more to try. */
  const authenticate = async (r: Reply): Promise<boolean> => {
    if (authorization !== undefined) return false;
    const ch = parseChallenge(r.headers["www-authenticate"]);
    if (ch?.scheme === "basic") {
      if (!req.credentials) return false;
      authorization = basic(req.credentials);
      return true;
    }
    if (ch?.scheme !== "bearer" || !ch.params.realm) return false;
    const tokenUrl = new URL(ch.params.realm);
    if (ch.params.service) tokenUrl.searchParams.set("service", ch.params.service);
    tokenUrl.searchParams.set("scope", `repository:${req.repository}:pull`);
    let t: Reply;
    try {
      t = await client.request(
        "GET",
        tokenUrl.toString(),
        req.credentials ? { Authorization: basic(req.credentials) } : {},
      );
    } catch (e) {
      throw new DigestError(
        image,
        `token service ${tokenUrl.origin}${tokenUrl.pathname} failed: ${(e as Error).message}`,
      );
    }
    if (t.status !== 200)
      throw new DigestError(
        image,
        `token service ${tokenUrl.origin}${tokenUrl.pathname} answered HTTP ${t.status}${registryMessage(t.body)}` +
          (t.status === 401
            ? req.credentials
              ? ": the pull credentials were rejected"
              : ": the registry requires credentials and none were given"
            : ""),
        t.status,
      );
    let token: string | undefined;
    try {
      const j = JSON.parse(t.body.toString("utf8")) as { token?: string; access_token?: string };
      token = j.token ?? j.access_token;
    } catch {
      token = undefined;
    }
    if (!token) throw new DigestError(image, "token service answered without a token");
    authorization = `Bearer ${token}`;
    return true;
  };

  const call = async (method: string): Promise<Reply> => {
    let r = await send(method);
    if (r.status === 401 && (await authenticate(r))) r = await send(method);
    if (r.status >= 200 && r.status < 300) return r;
    // HEAD answers carry no body: fetch the error text with GET.
    const detail = registryMessage(method === "HEAD" ? (await send("GET")).body : r.body);
    const hint =
      r.status === 401
        ? req.credentials
          ? ": the credentials do not grant pull on this repository"
          : ": the registry requires credentials"
        : r.status === 404
          ? ": no such tag or repository"
          : r.status === 403
            ? ": pull is not allowed"
            : "";
    throw new DigestError(image, `HTTP ${r.status}${detail}${hint}`, r.status);
  };

  const headerDigest = (r: Reply): string | undefined => {
    const d = r.headers["docker-content-digest"];
    return typeof d === "string" && d !== "" ? d : undefined;
  };

  const head = await call("HEAD");
  const claimed = headerDigest(head);
  if (claimed !== undefined && !DIGEST_RE.test(claimed))
    throw new DigestError(
      image,
      `Docker-Content-Digest ${JSON.stringify(claimed)} is not a sha256 digest`,
      head.status,
    );
  if (req.verify === false && claimed) return claimed;

  const got = await call("GET");
  const type = String(got.headers["content-type"] ?? "")
    .split(";")[0]
    .trim();
  if (!(MANIFEST_MEDIA_TYPES as readonly string[]).includes(type))
    throw new DigestError(
      image,
      `the registry answered a manifest of type ${JSON.stringify(type)}; expected one of ${MANIFEST_MEDIA_TYPES.join(", ")}`,
      got.status,
    );
  const actual = `sha256:${createHash("sha256").update(got.body).digest("hex")}`;
  for (const [what, d] of [
    ["HEAD", claimed],
    ["GET", headerDigest(got)],
    ["the reference", DIGEST_RE.test(req.reference) ? req.reference : undefined],
  ] as const)
    if (d !== undefined && d !== actual)
      throw new DigestError(
        image,
        `digest mismatch: ${what} claims ${d} but the manifest's sha256 is ${actual} (a proxy or the registry reports a wrong Docker-Content-Digest)`,
        got.status,
      );
  return actual;
}
