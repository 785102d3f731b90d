/**
 * A fake Kubernetes API server on 127.0.0.1 speaking the few endpoints the restore drill uses: Velero
 * backups and restores, namespaces, configmaps, networkpolicies, pods, secrets, and Harbor behind the
 * service proxy (CSRF token, session login, health, repositories, artifacts, manifests by digest).
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { harborServiceNames, harborValues, HarborValues, resolveHarborArgs } from "../../components/harbor";
import { profileArgs } from "../harbor/profiles";
import { scratchDir } from "../harness/scratch";

export const TOKEN = "fake-bearer-token";
export const ADMIN_PASSWORD = "Adm1n-Pa55-do-not-print";
export const MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: {
    mediaType: "application/vnd.oci.image.config.v1+json",
    digest: `sha256:${"c".repeat(64)}`,
    size: 2,
  },
  layers: [],
});
export const DIGEST = `sha256:${createHash("sha256").update(MANIFEST).digest("hex")}`;

export type RestoreMode = "complete" | "partial" | "never";

type SecretData = Record<string, string>;
const b64 = (s: string) => Buffer.from(s).toString("base64");

/**
 * The Secrets of a Harbor namespace installed by the Harbor component, as they are really laid out.
 *
 * `<fullname>-core` is rendered by the chart (harbor-helm 1.19.1, templates/core/core-secret.yaml): each of its
 * keys is only present when the matching `existingSecret*` value is NOT set — notably `HARBOR_ADMIN_PASSWORD`
 * is left out once `existingSecretAdminPassword` is set, which the component always does. The admin password
 * then lives only in the component's own Secret named by `existingSecretAdminPassword`, under
 * `existingSecretAdminPasswordKey`.
 */
export function harborNamespaceSecrets(values: HarborValues, adminPassword: string): Map<string, SecretData> {
  const core: SecretData = {};
  if (!values.existingSecretSecretKey) core.secretKey = b64("not-a-real-secret-key");
  if (!values.core.existingSecret) core.secret = b64("core-secret");
  if (!values.core.secretName) Object.assign(core, { "tls.key": b64("key"), "tls.crt": b64("crt") });
  if (!values.existingSecretAdminPassword) core.HARBOR_ADMIN_PASSWORD = b64(adminPassword);
  if (!values.database.external?.existingSecret) core.POSTGRESQL_PASSWORD = b64("database-password");
  if (!values.registry.credentials.existingSecret) core.REGISTRY_CREDENTIAL_PASSWORD = b64("registry");
  if (!values.core.existingXsrfSecret) core.CSRF_KEY = b64("x".repeat(32));
  const secrets = new Map<string, SecretData>([[harborServiceNames("harbor").core, core]]);
  if (values.existingSecretAdminPassword)
    secrets.set(values.existingSecretAdminPassword, {
      [values.existingSecretAdminPasswordKey]: b64(adminPassword),
    });
  return secrets;
}

/** The values the Harbor component gives the chart for a dev-like stack (release `harbor`). */
export function componentHarborValues(): HarborValues {
  return harborValues(resolveHarborArgs("harbor", profileArgs("dev")), { internalDatabasePassword: "db" });
}

export interface FakeOptions {
  restore: RestoreMode;
  sourceArtifacts?: number;
  restoredArtifacts?: number;
  backups?: unknown[];
  /** Harbor on an external database: no database pod is restored. */
  externalDatabase?: boolean;
  /** Secrets of the `harbor` namespace; default {@link harborNamespaceSecrets} of the component's values. */
  harborSecrets?: Map<string, SecretData>;
}

export interface Call {
  method: string;
  path: string;
  auth?: string;
  body: string;
}

export class FakeKube {
  server!: http.Server;
  port = 0;
  calls: Call[] = [];
  namespaces = new Set<string>(["velero", "harbor"]);
  deleted: string[] = [];
  restores = new Map<string, Record<string, unknown>>();
  configMaps = new Set<string>();
  /** Secrets of the source Harbor namespace (`harbor`), by name. */
  harborSecrets: Map<string, SecretData>;
  private restoreGets = 0;
  private podGets = 0;

  constructor(public o: FakeOptions) {
    this.harborSecrets = o.harborSecrets ?? harborNamespaceSecrets(componentHarborValues(), ADMIN_PASSWORD);
  }

  static backupsDefault(): unknown[] {
    return [
      {
        metadata: { name: "velero-daily-20260101070000" },
        spec: { includedNamespaces: ["harbor"], storageLocation: "default" },
        status: { phase: "Completed", completionTimestamp: "2026-01-01T07:05:00Z" },
      },
      {
        metadata: { name: "velero-weekly-20260104070000" },
        spec: { includedNamespaces: ["harbor"], storageLocation: "default" },
        status: { phase: "Completed", completionTimestamp: "2026-01-04T07:09:00Z" },
      },
      {
        metadata: { name: "velero-daily-20260105070000" },
        spec: { includedNamespaces: ["harbor"], storageLocation: "default" },
        status: { phase: "PartiallyFailed", completionTimestamp: "2026-01-05T07:05:00Z" },
      },
      {
        metadata: { name: "other-app-20260106" },
        spec: { includedNamespaces: ["apps"], storageLocation: "default" },
        status: { phase: "Completed", completionTimestamp: "2026-01-06T07:05:00Z" },
      },
    ];
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        this.calls.push({
          method: req.method ?? "",
          path: req.url ?? "",
          auth: req.headers.authorization,
          body,
        });
        try {
          this.handle(req, body, res);
        } catch (e) {
          send(res, 500, { message: String(e) });
        }
      });
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", () => r()));
    this.port = (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** A kubeconfig file pointing at this server with a bearer token. */
  kubeconfigFile(): string {
    const dir = scratchDir("drill-kubeconfig");
    const file = path.join(dir, "config");
    fs.writeFileSync(
      file,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: fake",
        "  cluster:",
        `    server: http://127.0.0.1:${this.port}`,
        // client-node refuses a plain-http server unless TLS verification is explicitly off.
        "    insecure-skip-tls-verify: true",
        "users:",
        "- name: tester",
        "  user:",
        `    token: ${TOKEN}`,
        "contexts:",
        "- name: fake",
        "  context: {cluster: fake, user: tester}",
        "current-context: fake",
        "",
      ].join("\n"),
    );
    return file;
  }

  private handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(res, 401, { message: "Unauthorized" });
    const url = new URL(req.url ?? "/", "http://x");
    const p = url.pathname;
    const m = req.method;
    let g: RegExpExecArray | null;

    if (m === "GET" && p === "/apis/velero.io/v1/namespaces/velero/backups")
      return send(res, 200, { items: this.o.backups ?? FakeKube.backupsDefault() });
    if (m === "POST" && p === "/api/v1/namespaces") {
      const name = (JSON.parse(body) as { metadata: { name: string } }).metadata.name;
      if (this.namespaces.has(name))
        return send(res, 409, { message: `namespaces "${name}" already exists` });
      this.namespaces.add(name);
      return send(res, 201, JSON.parse(body));
    }
    if (m === "DELETE" && (g = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(p))) {
      if (!this.namespaces.delete(g[1])) return send(res, 404, { message: "not found" });
      this.deleted.push(`namespace/${g[1]}`);
      return send(res, 200, {});
    }
    if (
      m === "POST" &&
      (g = /^\/apis\/networking\.k8s\.io\/v1\/namespaces\/([^/]+)\/networkpolicies$/.exec(p))
    ) {
      if (!this.namespaces.has(g[1])) return send(res, 404, { message: "namespace not found" });
      return send(res, 201, JSON.parse(body));
    }
    if (m === "POST" && p === "/api/v1/namespaces/velero/configmaps") {
      this.configMaps.add((JSON.parse(body) as { metadata: { name: string } }).metadata.name);
      return send(res, 201, JSON.parse(body));
    }
    if (m === "DELETE" && (g = /^\/api\/v1\/namespaces\/velero\/configmaps\/([^/]+)$/.exec(p))) {
      if (!this.configMaps.delete(g[1])) return send(res, 404, { message: "not found" });
      this.deleted.push(`configmap/${g[1]}`);
      return send(res, 200, {});
    }
    if (m === "POST" && p === "/apis/velero.io/v1/namespaces/velero/restores") {
      const r = JSON.parse(body) as { metadata: { name: string } };
      this.restores.set(r.metadata.name, r);
      return send(res, 201, r);
    }
    if ((g = /^\/apis\/velero\.io\/v1\/namespaces\/velero\/restores\/([^/]+)$/.exec(p))) {
      if (m === "DELETE") {
        this.deleted.push(`restore/${g[1]}`);
        return send(res, 200, {});
      }
      if (!this.restores.has(g[1])) return send(res, 404, { message: "not found" });
      this.restoreGets++;
      const progress = { itemsRestored: Math.min(this.restoreGets * 40, 120), totalItems: 120 };
      if (this.o.restore === "never" || this.restoreGets < 2)
        return send(res, 200, { status: { phase: "InProgress", progress } });
      if (this.o.restore === "partial")
        return send(res, 200, {
          status: { phase: "PartiallyFailed", errors: 3, warnings: 1, progress, failureReason: "" },
        });
      return send(res, 200, { status: { phase: "Completed", errors: 0, warnings: 2, progress } });
    }
    if (m === "GET" && (g = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(p))) {
      this.podGets++;
      // Labels as the Harbor chart 1.19.1 sets them (templates/*: app: harbor, component: <component>).
      const ready = (name: string, component: string, ok: boolean) => ({
        metadata: { name, labels: { app: "harbor", component } },
        status: { phase: "Running", conditions: [{ type: "Ready", status: ok ? "True" : "False" }] },
      });
      return send(res, 200, {
        items: [
          ready("harbor-core-1", "core", true),
          ...(this.o.externalDatabase ? [] : [ready("harbor-database-0", "database", this.podGets > 1)]),
          ready("harbor-registry-1", "registry", true),
          { metadata: { name: "migrate-job-x" }, status: { phase: "Succeeded" } },
        ],
      });
    }
    if (m === "GET" && (g = /^\/api\/v1\/namespaces\/harbor\/secrets\/([^/]+)$/.exec(p))) {
      const data = this.harborSecrets.get(g[1]);
      if (!data)
        return send(res, 404, {
          kind: "Status",
          status: "Failure",
          reason: "NotFound",
          code: 404,
          message: `secrets "${g[1]}" not found`,
        });
      return send(res, 200, { kind: "Secret", metadata: { name: g[1], namespace: "harbor" }, data });
    }
    if ((g = /^\/api\/v1\/namespaces\/([^/]+)\/services\/harbor-core:80\/proxy(\/.*)$/.exec(p)))
      return this.harbor(g[1], g[2], url, req, body, res);
    return send(res, 404, { message: `fake: no route for ${m} ${p}` });
  }

  private harbor(
    ns: string,
    p: string,
    url: URL,
    req: http.IncomingMessage,
    body: string,
    res: http.ServerResponse,
  ): void {
    if (!this.namespaces.has(ns)) return send(res, 503, { message: "no endpoints available for service" });
    const cookie = req.headers.cookie ?? "";
    const m = req.method;
    if (m === "GET" && p === "/api/v2.0/health")
      return send(res, 200, {
        status: ns === "harbor" ? "healthy" : "unhealthy",
        components: [
          { name: "core", status: "healthy" },
          { name: "database", status: "healthy" },
          { name: "jobservice", status: ns === "harbor" ? "healthy" : "unhealthy", error: "no endpoints" },
          { name: "registry", status: "healthy" },
        ],
      });
    if (m === "GET" && p === "/api/v2.0/systeminfo")
      return send(
        res,
        200,
        { harbor_version: "v2.15.1" },
        {
          "X-Harbor-CSRF-Token": `csrf-${ns}`,
          "Set-Cookie": `_gorilla_csrf=gc-${ns}; Path=/; HttpOnly`,
        },
      );
    if (m === "POST" && p === "/c/login") {
      if (req.headers["x-harbor-csrf-token"] !== `csrf-${ns}` || !cookie.includes(`_gorilla_csrf=gc-${ns}`))
        return send(res, 403, { errors: [{ code: "FORBIDDEN", message: "CSRF token invalid" }] });
      const form = new URLSearchParams(body);
      if (form.get("principal") !== "admin" || form.get("password") !== ADMIN_PASSWORD)
        return send(res, 401, {});
      return send(res, 200, {}, { "Set-Cookie": `sid=session-${ns}; Path=/; HttpOnly` });
    }
    if (!cookie.includes(`sid=session-${ns}`))
      return send(res, 401, { errors: [{ message: "unauthorized" }] });
    if (m === "GET" && p === "/api/v2.0/repositories") {
      const total = ns === "harbor" ? (this.o.sourceArtifacts ?? 7) : (this.o.restoredArtifacts ?? 7);
      const page = Number(url.searchParams.get("page"));
      const size = Number(url.searchParams.get("page_size"));
      // Two pages when page_size is small: proves paging; counts split 5 + rest.
      const all = [
        { name: "platform/app/web", artifact_count: Math.min(5, total) },
        { name: "platform/base", artifact_count: Math.max(0, total - 5) },
      ];
      return send(res, 200, all.slice((page - 1) * size, page * size));
    }
    if (m === "GET" && p === "/api/v2.0/projects/platform/repositories/app%252Fweb/artifacts")
      return send(res, 200, [{ digest: DIGEST }]);
    if (m === "GET" && p === `/v2/platform/app/web/manifests/${DIGEST}`)
      return sendRaw(res, 200, MANIFEST, {
        "Content-Type": "application/vnd.oci.image.manifest.v1+json",
        "Docker-Content-Digest": DIGEST,
      });
    return send(res, 404, { errors: [{ message: `fake harbor: no route for ${m} ${p}` }] });
  }
}

function send(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendRaw(res, status, JSON.stringify(body), { "Content-Type": "application/json", ...headers });
}

function sendRaw(
  res: http.ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string>,
): void {
  res.writeHead(status, headers);
  res.end(body);
}
