/**
 * Harbor, reached through the API server's service proxy
 * (`/api/v1/namespaces/<ns>/services/<svc>:<port>/proxy/...`), so the drill works from outside the cluster.
 *
 * The API server consumes the `Authorization` header of every request it authenticates, so Harbor's basic
 * auth cannot pass through the proxy. The drill signs in the way Harbor's UI does instead: a GET returns the
 * CSRF token (`X-Harbor-CSRF-Token` header + cookie), `POST /c/login` with `principal`/`password` returns
 * the session cookie `sid`, and cookies do pass through the proxy.
 */
import { createHash } from "crypto";
import { KubeApi, KubeError, KubeResponse, statusMessage } from "./kube";

export const MANIFEST_ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

export interface HarborHealth {
  status: string;
  components?: { name: string; status: string; error?: string }[];
}

export class HarborViaProxy {
  private readonly cookies = new Map<string, string>();
  private csrf?: string;

  constructor(
    private readonly kube: KubeApi,
    public readonly namespace: string,
    /** `name:port` of Harbor core's Service (the `/api`, `/c` and `/v2` endpoints). */
    public readonly service: string,
  ) {}

  proxyPath(path: string): string {
    return `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/services/${this.service}/proxy${path}`;
  }

  private remember(res: KubeResponse): void {
    const set = res.headers["set-cookie"];
    for (const c of Array.isArray(set) ? set : set ? [set] : []) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      if (i > 0) this.cookies.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
    }
    const t = res.headers["x-harbor-csrf-token"];
    if (typeof t === "string" && t !== "") this.csrf = t;
  }

  async raw(
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: string,
  ): Promise<KubeResponse> {
    const h: Record<string, string> = { ...headers };
    if (this.cookies.size > 0) h.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (method !== "GET" && this.csrf) h["X-Harbor-CSRF-Token"] = this.csrf;
    const res = await this.kube.request(method, this.proxyPath(path), { headers: h, body });
    this.remember(res);
    return res;
  }

  async json<T>(path: string): Promise<T> {
    const res = await this.raw("GET", path);
    if (res.status !== 200)
      throw new KubeError("GET", this.proxyPath(path), res.status, statusMessage(res.body));
    return JSON.parse(res.body) as T;
  }

  health(): Promise<HarborHealth> {
    return this.json<HarborHealth>("/api/v2.0/health");
  }

  /** Signs in with a session cookie (see the module comment). The password never leaves this function. */
  async login(user: string, password: string): Promise<void> {
    await this.raw("GET", "/api/v2.0/systeminfo");
    const form = `principal=${encodeURIComponent(user)}&password=${encodeURIComponent(password)}`;
    const res = await this.raw(
      "POST",
      "/c/login",
      { "Content-Type": "application/x-www-form-urlencoded" },
      form,
    );
    if (res.status !== 200)
      throw new Error(`Harbor sign-in as "${user}" in ${this.namespace} failed: HTTP ${res.status}`);
    if (!this.cookies.has("sid"))
      throw new Error(`Harbor sign-in in ${this.namespace} returned no session cookie`);
  }

  /** Every repository (paged) and the sum of their artifact counts. */
  async artifacts(
    pageSize = 100,
  ): Promise<{ total: number; repositories: { name: string; artifact_count: number }[] }> {
    const repositories: { name: string; artifact_count: number }[] = [];
    for (let page = 1; page < 10_000; page++) {
      const batch = await this.json<{ name: string; artifact_count?: number }[]>(
        `/api/v2.0/repositories?page=${page}&page_size=${pageSize}`,
      );
      for (const r of batch) repositories.push({ name: r.name, artifact_count: r.artifact_count ?? 0 });
      if (batch.length < pageSize) break;
    }
    return { total: repositories.reduce((n, r) => n + r.artifact_count, 0), repositories };
  }

  /** The digest of one artifact of `repository` (`project/name...`). */
  async firstDigest(repository: string): Promise<string> {
    const [project, ...rest] = repository.split("/");
    // Harbor wants the repository name URL-encoded twice when it contains a slash.
    const repo = encodeURIComponent(encodeURIComponent(rest.join("/")));
    const list = await this.json<{ digest: string }[]>(
      `/api/v2.0/projects/${encodeURIComponent(project)}/repositories/${repo}/artifacts?page=1&page_size=1`,
    );
    if (list.length === 0 || !/^sha256:[a-f0-9]{64}$/.test(list[0].digest))
      throw new Error(`repository ${repository} lists no artifact with a sha256 digest`);
    return list[0].digest;
  }

  /** Fetches a manifest by digest through the registry API and checks the bytes hash to that digest. */
  async manifestByDigest(repository: string, digest: string): Promise<{ mediaType: string; bytes: number }> {
    const path = `/v2/${repository}/manifests/${digest}`;
    const res = await this.raw("GET", path, { Accept: MANIFEST_ACCEPT });
    if (res.status !== 200)
      throw new KubeError("GET", this.proxyPath(path), res.status, statusMessage(res.body));
    const got = `sha256:${createHash("sha256").update(res.body, "utf8").digest("hex")}`;
    if (got !== digest) throw new Error(`manifest ${repository}@${digest} hashes to ${got}`);
    const ct = res.headers["content-type"];
    return { mediaType: typeof ct === "string" ? ct : "", bytes: Buffer.byteLength(res.body, "utf8") };
  }
}
