/**
 * Pure builders of the Harbor API v2.0 payloads this capability sends, and of the Kubernetes pull secret.
 * Shapes follow the swagger definitions (ProjectReq, RobotCreate, ImmutableRule, RetentionPolicy, Schedule,
 * Registry, Configurations); the tests validate them against those definitions.
 */

export const SEVERITY_LEVELS = ["none", "low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITY_LEVELS)[number];

export * from "./payloads-tags";

// ── projects ──────────────────────────────────────────────────────────────────────────────────────────────

/** The project settings we manage. */
export interface ProjectSettings {
  name: string;
  /** Anonymous pull. Default false. */
  public: boolean;
  /** Scan every pushed artifact (Trivy). Default true. */
  scanOnPush: boolean;
  /** Refuse pulls of artifacts with vulnerabilities at or above `severity`. Default true. */
  preventVulnerable: boolean;
  severity: Severity;
  /** Refuse pulls of artifacts without a cosign signature. Default false. */
  cosign: boolean;
  /** Storage quota in GiB; -1 = unlimited. */
  quotaGiB: number;
  /** Proxy-cache projects: the id of the upstream registry endpoint. */
  registryId?: number;
}

/** Harbor's ProjectMetadata: every value is a string ("true"/"false"). */
export type ProjectMetadata = Record<string, string>;

export function projectMetadata(s: ProjectSettings): ProjectMetadata {
  return {
    public: String(s.public),
    auto_scan: String(s.scanOnPush),
    prevent_vul: String(s.preventVulnerable),
    severity: s.severity,
    enable_content_trust_cosign: String(s.cosign),
  };
}

/** Quota in bytes as Harbor stores it (`storage_limit`, quota `hard.storage`); -1 = unlimited. */
export function quotaBytes(gib: number): number {
  return gib < 0 ? -1 : gib * 1024 ** 3;
}

/** `POST /projects` body (ProjectReq). */
export function projectCreateBody(s: ProjectSettings): Record<string, unknown> {
  return {
    project_name: s.name,
    metadata: projectMetadata(s),
    storage_limit: quotaBytes(s.quotaGiB),
    ...(s.registryId !== undefined ? { registry_id: s.registryId } : {}),
  };
}

/** Metadata keys whose desired value differs from `current` (missing keys count as different). */
export function changedMetadata(
  current: ProjectMetadata | undefined,
  desired: ProjectMetadata,
): ProjectMetadata {
  const out: ProjectMetadata = {};
  for (const [k, v] of Object.entries(desired)) {
    if (current?.[k] !== v) out[k] = v;
  }
  return out;
}

// ── robot accounts ────────────────────────────────────────────────────────────────────────────────────────

export interface RobotAccess {
  resource: string;
  action: string;
}

/** Cluster pull robot: pull images and read artifact metadata (digest resolution). Nothing else. */
export const PULL_ROBOT_ACCESS: readonly RobotAccess[] = [
  { resource: "repository", action: "pull" },
  { resource: "artifact", action: "read" },
];

/** CI push robot: push and pull, read artifacts, list and add tags (promotion). No delete, no admin. */
export const PUSH_ROBOT_ACCESS: readonly RobotAccess[] = [
  { resource: "repository", action: "pull" },
  { resource: "repository", action: "push" },
  { resource: "artifact", action: "read" },
  { resource: "tag", action: "list" },
  { resource: "tag", action: "create" },
];

/** Actions a pull-only robot may hold. */
export const READ_ONLY_ACTIONS: readonly string[] = ["pull", "read", "list"];

export interface RobotSettings {
  project: string;
  /** Short name; Harbor names the robot `robot$<project>+<name>` (prefix configurable in Harbor). */
  name: string;
  description: string;
  access: RobotAccess[];
  /** Days until expiry; -1 = never (rotation is explicit). */
  duration: number;
}

function robotPermissions(s: RobotSettings): Record<string, unknown>[] {
  return [
    {
      kind: "project",
      namespace: s.project,
      access: s.access.map((a) => ({ resource: a.resource, action: a.action })),
    },
  ];
}

/** `POST /robots` body (RobotCreate): one project-level permission set. */
export function robotCreateBody(s: RobotSettings): Record<string, unknown> {
  return {
    name: s.name,
    description: s.description,
    level: "project",
    disable: false,
    duration: s.duration,
    permissions: robotPermissions(s),
  };
}

/** `PUT /robots/{id}` body (Robot): Harbor requires the unchanged full name and level. */
export function robotUpdateBody(fullName: string, s: RobotSettings): Record<string, unknown> {
  return {
    name: fullName,
    description: s.description,
    level: "project",
    disable: false,
    duration: s.duration,
    permissions: robotPermissions(s),
  };
}

/** Sorted `resource:action` strings, for comparing permission sets. */
export function accessKeys(access: readonly RobotAccess[]): string[] {
  return [...new Set(access.map((a) => `${a.resource}:${a.action}`))].sort();
}

/**
 * Whether a robot's full name (`<prefix><project>+<name>`, prefix `robot$` unless Harbor is configured
 * otherwise) is `project` + `name`. Used on lists already filtered by project id.
 */
export function isRobotNamed(fullName: string, project: string, name: string): boolean {
  return fullName.endsWith(`${project}+${name}`);
}

// ── system schedules ──────────────────────────────────────────────────────────────────────────────────────

/** `/system/gc/schedule` body (Schedule): a custom cron, untagged artifacts deleted when asked. */
export function gcScheduleBody(
  cron: string,
  deleteUntagged: boolean,
  workers: number,
): Record<string, unknown> {
  return {
    schedule: { type: "Custom", cron },
    parameters: { delete_untagged: deleteUntagged, workers, dry_run: false },
  };
}

/** `/system/purgeaudit/schedule` body (Schedule). */
export function purgeAuditScheduleBody(
  cron: string,
  retentionHours: number,
  eventTypes: readonly string[],
): Record<string, unknown> {
  return {
    schedule: { type: "Custom", cron },
    parameters: {
      audit_retention_hour: retentionHours,
      include_event_types: [...eventTypes].sort().join(","),
      dry_run: false,
    },
  };
}

/** Cancels a system schedule. */
export const NO_SCHEDULE_BODY: Readonly<Record<string, unknown>> = { schedule: { type: "None", cron: "" } };

/**
 * Cancels the audit log purge schedule. Harbor (v2.15.2, observed) checks the purge parameters for every
 * schedule type and refuses `{"schedule":{"type":"None"}}` alone ("schedule parameter cann't be empty").
 */
export function purgeAuditOffBody(
  retentionHours: number,
  eventTypes: readonly string[],
): Record<string, unknown> {
  return {
    schedule: { type: "None", cron: "" },
    parameters: {
      audit_retention_hour: retentionHours,
      include_event_types: [...eventTypes].sort().join(","),
      dry_run: false,
    },
  };
}

/** Audit event types purged when Harbor cannot list them (`/auditlog-exts/events` missing). */
export const FALLBACK_AUDIT_EVENT_TYPES: readonly string[] = [
  "create_artifact",
  "delete_artifact",
  "pull_artifact",
];

/** `PUT /configurations` body for audit log forwarding (empty endpoint = off). */
export function auditForwardingBody(endpoint: string, skipDatabase: boolean): Record<string, unknown> {
  return { audit_log_forward_endpoint: endpoint, skip_audit_log_database: skipDatabase };
}

// ── registry endpoints (proxy cache upstreams) ────────────────────────────────────────────────────────────

export interface RegistrySettings {
  name: string;
  /** Harbor adapter type: docker-hub, docker-registry, quay, github-ghcr, harbor, ... */
  type: string;
  url: string;
  description: string;
  insecure: boolean;
  caCertificate?: string;
  accessKey?: string;
  accessSecret?: string;
}

/**
 * A registry URL as Harbor stores it (v2.15.2, observed; Harbor's own URL check does the same): spaces and
 * trailing `/` trimmed, `http://` added when there is no scheme, scheme lower-cased, and only
 * `scheme://host/path` kept — query, fragment and user info are dropped. Sending and comparing this form keeps
 * a refresh from showing a change that is only Harbor's rewriting. A string that is no such URL is returned
 * as given (Harbor refuses it).
 */
export function normalizeRegistryUrl(url: string): string {
  let s = url.trim().replace(/\/+$/, "");
  if (s === "") return url;
  if (!s.includes("://")) s = `http://${s}`;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/.exec(s);
  if (!m) return url;
  const host = m[2].slice(m[2].lastIndexOf("@") + 1);
  return `${m[1].toLowerCase()}://${host}${m[3]}`;
}

/** `POST /registries` body (Registry). */
export function registryCreateBody(s: RegistrySettings): Record<string, unknown> {
  return {
    name: s.name,
    type: s.type,
    url: normalizeRegistryUrl(s.url),
    description: s.description,
    insecure: s.insecure,
    ...(s.caCertificate ? { ca_certificate: s.caCertificate } : {}),
    ...(s.accessKey
      ? { credential: { type: "basic", access_key: s.accessKey, access_secret: s.accessSecret ?? "" } }
      : {}),
  };
}

/**
 * `PUT /registries/{id}` body (RegistryUpdate). Every field is sent: Harbor keeps the stored value of a field
 * left out, so credentials are cleared with empty `access_key` / `access_secret` (v2.15.2, observed).
 */
export function registryUpdateBody(s: RegistrySettings): Record<string, unknown> {
  return {
    name: s.name,
    url: normalizeRegistryUrl(s.url),
    description: s.description,
    insecure: s.insecure,
    ca_certificate: s.caCertificate ?? "",
    credential_type: "basic",
    access_key: s.accessKey ?? "",
    access_secret: s.accessKey ? (s.accessSecret ?? "") : "",
  };
}

// ── Kubernetes pull secrets ───────────────────────────────────────────────────────────────────────────────

/** `host[:port]` of a URL, as container runtimes key registry credentials. */
export function registryHostOf(url: string): string {
  return new URL(url).host;
}

/**
 * The `.dockerconfigjson` of a `kubernetes.io/dockerconfigjson` Secret, built as data: robot names contain `$`
 * (`robot$platform+cluster-pull`), which shell-built secrets mangle.
 */
export function dockerConfigJson(host: string, username: string, password: string): string {
  const auth = Buffer.from(`${username}:${password}`, "utf8").toString("base64");
  return JSON.stringify({ auths: { [host]: { username, password, auth } } });
}

/** Name of the pull secret of `project` in each listed namespace: `harbor-<project>-pull` (DNS-safe). */
export function pullSecretName(project: string): string {
  return `harbor-${project.replace(/[^a-z0-9.-]/g, "-")}-pull`.slice(0, 253);
}

/** The longest project name whose pull Secret name is not cut (253 less `harbor-` and `-pull`). */
export const PULL_SECRET_PROJECT_MAX = 253 - "harbor-".length - "-pull".length;

/**
 * Problems of the pull Secrets a list of projects (and proxy caches) asks for, by index in `entries`: a name
 * too long for the Secret name, or a Secret name another entry already writes into the same namespace (`team_a`
 * and `team-a` both give `harbor-team-a-pull`).
 */
export function pullSecretProblems(
  entries: { name: string; pullSecretNamespaces: readonly string[] }[],
): { index: number; allowed: string }[] {
  const out: { index: number; allowed: string }[] = [];
  const owner = new Map<string, number>();
  entries.forEach((e, index) => {
    if (e.pullSecretNamespaces.length === 0) return;
    if (e.name.length > PULL_SECRET_PROJECT_MAX) {
      out.push({
        index,
        allowed: `a name of at most ${PULL_SECRET_PROJECT_MAX} characters when pullSecretNamespaces is set (the pull Secret is harbor-<name>-pull)`,
      });
      return;
    }
    const secret = pullSecretName(e.name);
    for (const ns of e.pullSecretNamespaces) {
      const prev = owner.get(`${ns}/${secret}`);
      if (prev !== undefined && prev !== index) {
        out.push({
          index,
          allowed: `a name whose pull Secret is not ${secret}, which "${entries[prev].name}" already writes into namespace ${ns}`,
        });
        return;
      }
    }
    for (const ns of e.pullSecretNamespaces) owner.set(`${ns}/${secret}`, index);
  });
  return out;
}
