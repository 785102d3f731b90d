/**
 * Defaults and checks of the Harbor component's arguments: {@link HarborArgs} → {@link ResolvedHarborArgs}
 * (re-exported by ./args).
 */
import { IMAGE_MIRROR } from "../artifacts/images";
import type { HarborArgs, ResolvedHarborArgs } from "./args";
import { DEFAULT_HARBOR_RELEASE_NAME } from "./names";
import { shownValue } from "../redact";

export class HarborArgsError extends Error {
  constructor(
    public readonly component: string,
    public readonly problems: string[],
  ) {
    super(`Harbor "${component}": invalid arguments:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "HarborArgsError";
  }
}

const K8S_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const QUANTITY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/;
const ENDPOINT = /^https?:\/\/[^\s/:]+(:\d{1,5})?\/?$/;
const HOST_PORT = /^[^\s:/]+:\d{1,5}$/;
const SSL_MODES: readonly string[] = ["disable", "require", "verify-ca", "verify-full"];
/** The chart's default admin password; never accepted. */
export const CHART_DEFAULT_ADMIN_PASSWORD = "Harbor12345";

/**
 * Applies defaults and checks everything a plain value can be checked for. Secret and Output values are
 * never inspected or echoed, except that the chart's default admin password is refused when given as a
 * plain string. Throws {@link HarborArgsError} listing every problem.
 */
export function resolveHarborArgs(name: string, args: HarborArgs): ResolvedHarborArgs {
  const problems: string[] = [];
  const bad = (field: string, found: unknown, allowed: string) =>
    problems.push(`${field}: found ${shownValue(found)}; allowed: ${allowed}`);

  const production = args.production ?? false;
  const replicas = args.replicas ?? (production ? 2 : 1);
  const r: ResolvedHarborArgs = {
    namespace: args.namespace ?? "harbor",
    releaseName: args.releaseName ?? DEFAULT_HARBOR_RELEASE_NAME,
    host: args.host,
    expose: args.expose ?? "ingress",
    extraHosts: args.extraHosts ?? [],
    ingressClass: args.ingressClass ?? "nginx",
    ingressControllerNamespace: args.ingressControllerNamespace ?? "ingress-nginx",
    storageClass: args.storageClass,
    replicas,
    production,
    networkPolicy: args.networkPolicy ?? production,
    internalTLS: args.internalTLS ?? false,
    adminPassword: args.adminPassword,
    storage: args.storage,
    tls: args.tls,
    caBundlePem: args.caBundlePem,
    trustedCaBundlePem: args.trustedCaBundlePem,
    database: args.database ?? { type: "internal", size: "5Gi" },
    redis: args.redis ?? { type: "internal", size: "1Gi" },
    trivy: {
      enabled: args.trivy?.enabled ?? true,
      offline: args.trivy?.offline ?? false,
      dbRepository: args.trivy?.dbRepository,
      javaDbRepository: args.trivy?.javaDbRepository,
      size: args.trivy?.size ?? "5Gi",
    },
    metrics: {
      enabled: args.metrics?.enabled ?? true,
      serviceMonitor: args.metrics?.serviceMonitor ?? false,
      prometheusNamespace: args.metrics?.prometheusNamespace,
    },
    jobserviceLogSize: args.jobserviceLogSize ?? "1Gi",
    podSecurity: args.podSecurity ?? "restricted",
    timeoutSeconds: args.timeoutSeconds ?? 900,
    wait: args.wait ?? true,
    chart: args.chart,
    imageMirror: args.imageMirror,
  };

  for (const [field, v] of [
    ["namespace", r.namespace],
    ["releaseName", r.releaseName],
    ["ingressClass", r.ingressClass],
    ["ingressControllerNamespace", r.ingressControllerNamespace],
  ] as const) {
    if (typeof v !== "string" || !K8S_NAME.test(v)) bad(field, v, "a Kubernetes name ([a-z0-9-], 1-63)");
  }
  if (K8S_NAME.test(r.releaseName) && r.releaseName.length > 40)
    bad("releaseName", r.releaseName, "at most 40 characters (object names add suffixes)");
  if (r.storageClass !== undefined && !K8S_NAME.test(r.storageClass))
    bad("storageClass", r.storageClass, "a StorageClass name");
  if (typeof r.host !== "string" || !DNS_NAME.test(r.host))
    bad("host", r.host, "a lowercase DNS name such as registry.example.com (no scheme, no port)");
  r.extraHosts.forEach((h, i) => {
    if (typeof h !== "string" || !DNS_NAME.test(h)) bad(`extraHosts[${i}]`, h, "a lowercase DNS name");
    else if (h === r.host) bad(`extraHosts[${i}]`, h, "names other than host");
    else if (r.extraHosts.indexOf(h) !== i) bad(`extraHosts[${i}]`, h, "each name once");
  });
  if (r.expose !== "ingress" && r.expose !== "loadBalancer")
    bad("expose", r.expose, '"ingress" or "loadBalancer"');
  if (!Number.isInteger(r.replicas) || r.replicas < 1 || r.replicas > 20)
    bad("replicas", r.replicas, "a whole number from 1 to 20");
  else if (r.production && r.replicas < 2) bad("replicas", r.replicas, "at least 2 when production is true");
  if (r.podSecurity !== "restricted" && r.podSecurity !== "baseline")
    bad("podSecurity", r.podSecurity, '"restricted" or "baseline"');
  if (!Number.isInteger(r.timeoutSeconds) || r.timeoutSeconds < 60)
    bad("timeoutSeconds", r.timeoutSeconds, "a whole number of seconds >= 60");
  if (typeof r.wait !== "boolean") bad("wait", r.wait, "true or false");
  if (r.imageMirror !== undefined && !IMAGE_MIRROR.test(r.imageMirror))
    bad(
      "imageMirror",
      r.imageMirror,
      "a registry host[:port][/path], such as mirror.example.internal/platform",
    );
  if (r.adminPassword === CHART_DEFAULT_ADMIN_PASSWORD)
    problems.push("adminPassword: the chart's default admin password is not allowed");
  if (typeof r.adminPassword === "string" && r.adminPassword.length < 8)
    problems.push("adminPassword: at least 8 characters (Harbor's rule)");

  // Storage.
  const st = r.storage;
  if (!st) {
    bad("storage", st, "{ bucket, region, disableRedirect, credentials, ... }");
  } else {
    if (typeof st.region !== "string" || !/^[a-z0-9][a-z0-9-]{0,30}$/.test(st.region))
      bad("storage.region", st.region, "a region code such as ap-northeast-2 (or the endpoint's label)");
    if (typeof st.bucket === "string" && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(st.bucket))
      bad("storage.bucket", st.bucket, "an S3 bucket name");
    if (st.endpoint !== undefined && !ENDPOINT.test(st.endpoint))
      bad(
        "storage.endpoint",
        st.endpoint,
        "an http(s) URL with scheme and no path, such as https://minio.example:9000 (the chart drops `secure: false`)",
      );
    if (typeof st.disableRedirect !== "boolean")
      bad("storage.disableRedirect", st.disableRedirect, "true or false");
    if (
      !st.credentials ||
      st.credentials.accessKeyId === undefined ||
      st.credentials.secretAccessKey === undefined
    )
      problems.push("storage.credentials: accessKeyId and secretAccessKey are required");
    if (st.encrypt === false && st.kmsKeyId !== undefined)
      bad("storage.encrypt", false, "true or unset when kmsKeyId is set (keyid is ignored without encrypt)");
    if (st.rootDirectory !== undefined && !/^\/[A-Za-z0-9._\-/]*[A-Za-z0-9._-]$/.test(st.rootDirectory))
      bad("storage.rootDirectory", st.rootDirectory, "a key prefix starting with '/', such as /registry");
  }

  // TLS.
  const tls = r.tls as { kind?: unknown } | undefined;
  if (!tls || (tls.kind !== "pem" && tls.kind !== "existing-secret"))
    bad("tls.kind", tls?.kind, '"pem" or "existing-secret"');

  // Database.
  const db = r.database;
  if (db.type === "internal") {
    if (!QUANTITY.test(db.size)) bad("database.size", db.size, "a quantity such as 5Gi");
    if (db.storageClass !== undefined && !K8S_NAME.test(db.storageClass))
      bad("database.storageClass", db.storageClass, "a StorageClass name");
  } else if (db.type === "external") {
    if (typeof db.host !== "string" || !/^[A-Za-z0-9.-]+$/.test(db.host))
      bad("database.host", db.host, "a host name or IP address");
    if (!Number.isInteger(db.port) || db.port < 1 || db.port > 65535)
      bad("database.port", db.port, "a port from 1 to 65535");
    if (!SSL_MODES.includes(db.sslmode)) bad("database.sslmode", db.sslmode, SSL_MODES.join(", "));
    if (typeof db.username !== "string" || db.username === "")
      bad("database.username", db.username, "a user name");
    if (typeof db.coreDatabase !== "string" || db.coreDatabase === "")
      bad("database.coreDatabase", db.coreDatabase, "a database name");
    if (db.password === undefined)
      problems.push("database.password: required when database.type is external");
  } else {
    bad("database.type", (db as { type?: unknown }).type, '"internal" or "external"');
  }

  // Redis.
  const rd = r.redis;
  if (rd.type === "internal") {
    if (!QUANTITY.test(rd.size)) bad("redis.size", rd.size, "a quantity such as 1Gi");
  } else if (rd.type === "external") {
    if (typeof rd.addr !== "string" || !HOST_PORT.test(rd.addr)) bad("redis.addr", rd.addr, "host:port");
  } else {
    bad("redis.type", (rd as { type?: unknown }).type, '"internal" or "external"');
  }

  // Trivy, metrics, sizes.
  const tv = r.trivy;
  if (tv.offline && !tv.enabled) bad("trivy.offline", true, "false when trivy.enabled is false");
  if (!QUANTITY.test(tv.size)) bad("trivy.size", tv.size, "a quantity such as 5Gi");
  for (const [field, v] of [
    ["trivy.dbRepository", tv.dbRepository],
    ["trivy.javaDbRepository", tv.javaDbRepository],
  ] as const) {
    if (v !== undefined && !/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+$/.test(v))
      bad(field, v, "an OCI repository without tag, such as registry.internal/mirror/aquasec/trivy-db");
  }
  if (r.metrics.serviceMonitor && !r.metrics.enabled)
    bad("metrics.serviceMonitor", true, "false when metrics.enabled is false");
  if (r.metrics.prometheusNamespace !== undefined && !K8S_NAME.test(r.metrics.prometheusNamespace))
    bad("metrics.prometheusNamespace", r.metrics.prometheusNamespace, "a namespace name");
  if (!QUANTITY.test(r.jobserviceLogSize))
    bad("jobserviceLogSize", r.jobserviceLogSize, "a quantity such as 1Gi");

  if (problems.length > 0) throw new HarborArgsError(name, problems);
  return r;
}
