/**
 * System-wide singletons. There is exactly one of each in a Harbor, so create always adopts whatever is
 * configured (`adopted: true` when a schedule or endpoint was already set) and delete resets it.
 *
 * - `harbor:GcSchedule`: garbage collection schedule (`/system/gc/schedule`).
 * - `harbor:PurgeAuditSchedule`: audit log purge schedule (`/system/purgeaudit/schedule`).
 * - `harbor:AuditLogForwarding`: syslog endpoint audit logs are forwarded to (`/configurations`).
 */
import { HARBOR_KIND } from "../kinds";
import { HarborClient, hasStatus } from "../client";
import {
  auditForwardingBody,
  FALLBACK_AUDIT_EVENT_TYPES,
  gcScheduleBody,
  NO_SCHEDULE_BODY,
  purgeAuditOffBody,
  purgeAuditScheduleBody,
} from "../payloads";
import { BaseInputs, Crud, diffInputs } from "./common";

interface HarborExecHistory {
  schedule?: { type?: string; cron?: string };
  job_parameters?: string;
}

function isScheduled(h: HarborExecHistory | undefined): boolean {
  const t = h?.schedule?.type;
  return typeof t === "string" && t !== "" && t !== "None";
}

function jobParameters(h: HarborExecHistory | undefined): Record<string, unknown> {
  try {
    const p: unknown = JSON.parse(h?.job_parameters ?? "{}");
    return p !== null && typeof p === "object" ? (p as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Creates or replaces a schedule: PUT when one exists, else POST. Harbor answers a POST when a GC schedule
 * exists with 409 (swagger), so a POST whose outcome is unknown (reply lost) is not simply re-sent: the schedule
 * is looked up first and, when Harbor stored it, written with PUT.
 */
async function putSchedule(
  client: HarborClient,
  path: string,
  body: Record<string, unknown>,
): Promise<{ adopted: boolean }> {
  const scheduled = async () =>
    isScheduled(await client.get<HarborExecHistory | undefined>(path)) ? true : undefined;
  const adopted = (await scheduled()) === true;
  if (adopted) {
    await client.request({ method: "PUT", path, body });
    return { adopted };
  }
  const { outcome } = await client.createGuarded(
    path,
    async () => {
      await client.request({ method: "POST", path, body });
      return true;
    },
    scheduled,
  );
  if (outcome !== "created") await client.request({ method: "PUT", path, body });
  return { adopted };
}

// ── garbage collection ────────────────────────────────────────────────────────────────────────────────────

export interface GcInputs extends BaseInputs {
  /** 6-field cron. */
  schedule: string;
  deleteUntagged: boolean;
  /** GC workers (1-5). */
  workers: number;
}

export interface GcOutputs extends GcInputs {
  adopted: boolean;
}

const GC_PATH = "/system/gc/schedule";

export const gcCrud: Crud<GcInputs, GcOutputs> = {
  kind: HARBOR_KIND.gc,

  diff(olds, news) {
    return diffInputs<GcInputs>(olds, news, ["schedule", "deleteUntagged", "workers"], []);
  },

  async create(client, inputs) {
    const { adopted } = await putSchedule(
      client,
      GC_PATH,
      gcScheduleBody(inputs.schedule, inputs.deleteUntagged, inputs.workers),
    );
    return { id: "gc-schedule", outs: { ...inputs, adopted } };
  },

  async read(client, id, props) {
    const h = await client.get<HarborExecHistory | undefined>(GC_PATH);
    if (!isScheduled(h)) return {};
    const p = jobParameters(h);
    return {
      id,
      props: {
        ...props,
        schedule: h?.schedule?.cron ?? props.schedule,
        deleteUntagged: typeof p.delete_untagged === "boolean" ? p.delete_untagged : props.deleteUntagged,
        workers: typeof p.workers === "number" ? p.workers : props.workers,
      },
    };
  },

  async update(client, _id, olds, news) {
    await client.request({
      method: "PUT",
      path: GC_PATH,
      body: gcScheduleBody(news.schedule, news.deleteUntagged, news.workers),
    });
    return { outs: { ...news, adopted: olds.adopted } };
  },

  async delete(client) {
    await client.request({ method: "PUT", path: GC_PATH, body: NO_SCHEDULE_BODY, accept: [404] });
  },
};

// ── audit log purge ───────────────────────────────────────────────────────────────────────────────────────

export interface PurgeAuditInputs extends BaseInputs {
  schedule: string;
  /** Audit log entries older than this are purged. */
  retentionHours: number;
  /** Event types to purge; empty = every type Harbor reports (`/auditlog-exts/events`). */
  eventTypes: string[];
}

export interface PurgeAuditOutputs extends PurgeAuditInputs {
  /** The event types actually configured. */
  purgedEventTypes: string[];
  adopted: boolean;
}

const PURGE_PATH = "/system/purgeaudit/schedule";

async function resolveEventTypes(client: HarborClient, wanted: string[]): Promise<string[]> {
  if (wanted.length > 0) return [...wanted].sort();
  const res = await client.request<{ event_type?: string }[]>({
    method: "GET",
    path: "/auditlog-exts/events",
    accept: [404],
  });
  const listed =
    res.status === 404 || !Array.isArray(res.body) ? [] : res.body.map((e) => e.event_type ?? "");
  const types = listed.filter((t) => t !== "");
  return (types.length > 0 ? types : [...FALLBACK_AUDIT_EVENT_TYPES]).sort();
}

export const purgeAuditCrud: Crud<PurgeAuditInputs, PurgeAuditOutputs> = {
  kind: HARBOR_KIND.purgeAudit,

  diff(olds, news) {
    return diffInputs<PurgeAuditInputs>(olds, news, ["schedule", "retentionHours", "eventTypes"], []);
  },

  async create(client, inputs) {
    const purgedEventTypes = await resolveEventTypes(client, inputs.eventTypes);
    const { adopted } = await putSchedule(
      client,
      PURGE_PATH,
      purgeAuditScheduleBody(inputs.schedule, inputs.retentionHours, purgedEventTypes),
    );
    return { id: "purge-audit-schedule", outs: { ...inputs, purgedEventTypes, adopted } };
  },

  async read(client, id, props) {
    const h = await client.get<HarborExecHistory | undefined>(PURGE_PATH);
    if (!isScheduled(h)) return {};
    const p = jobParameters(h);
    // Event types changed in Harbor are drift: they replace the declared ones in the state, so `diff` sees a
    // change and the update puts the declared (or every listed) type back.
    const held =
      typeof p.include_event_types === "string"
        ? p.include_event_types
            .split(",")
            .map((t) => t.trim())
            .filter((t) => t !== "")
            .sort()
        : undefined;
    const known = props.purgedEventTypes && [...props.purgedEventTypes].sort();
    const drift = held !== undefined && known !== undefined && held.join(",") !== known.join(",");
    return {
      id,
      props: {
        ...props,
        schedule: h?.schedule?.cron ?? props.schedule,
        retentionHours:
          typeof p.audit_retention_hour === "number" ? p.audit_retention_hour : props.retentionHours,
        ...(drift ? { eventTypes: held, purgedEventTypes: held } : {}),
      },
    };
  },

  async update(client, _id, olds, news) {
    const purgedEventTypes = await resolveEventTypes(client, news.eventTypes);
    await client.request({
      method: "PUT",
      path: PURGE_PATH,
      body: purgeAuditScheduleBody(news.schedule, news.retentionHours, purgedEventTypes),
    });
    return { outs: { ...news, purgedEventTypes, adopted: olds.adopted } };
  },

  async delete(client, _id, props) {
    // Harbor refuses to switch the purge schedule off without its parameters (v2.15.2, observed).
    await client.request({
      method: "PUT",
      path: PURGE_PATH,
      body: purgeAuditOffBody(props.retentionHours, props.purgedEventTypes ?? props.eventTypes ?? []),
      accept: [404],
    });
  },
};

// ── audit log forwarding ──────────────────────────────────────────────────────────────────────────────────

export interface AuditForwardingInputs extends BaseInputs {
  /** syslog endpoint `host:port`. */
  endpoint: string;
  /** Stop writing audit logs to Harbor's database (forward only). Default false. */
  skipDatabase: boolean;
}

export interface AuditForwardingOutputs extends AuditForwardingInputs {
  adopted: boolean;
}

interface ConfigItem<T> {
  value?: T;
}

async function currentForwarding(client: HarborClient): Promise<{ endpoint: string; skipDatabase: boolean }> {
  const c = await client.get<Record<string, ConfigItem<unknown> | undefined> | undefined>("/configurations");
  const endpoint = c?.audit_log_forward_endpoint?.value;
  const skip = c?.skip_audit_log_database?.value;
  return { endpoint: typeof endpoint === "string" ? endpoint : "", skipDatabase: skip === true };
}

/**
 * Sets the forward endpoint. Harbor core dials the endpoint before it accepts it (v2.15.2, observed:
 * `400 could not connect to the audit endpoint`), so the syslog receiver must be up and reachable from Harbor
 * core when the update runs.
 */
async function putForwarding(client: HarborClient, endpoint: string, skipDatabase: boolean): Promise<void> {
  try {
    await client.request({
      method: "PUT",
      path: "/configurations",
      body: auditForwardingBody(endpoint, skipDatabase),
    });
  } catch (e) {
    if (hasStatus(e, 400) && /could not connect/i.test(e.harborMessage)) {
      throw new Error(
        `${e.message}. Harbor dials the audit log forward endpoint ${endpoint} when it is set and refuses it ` +
          `when the connection fails: start the syslog receiver first and let Harbor core reach it (DNS, ` +
          `NetworkPolicy egress, firewall on the port), then run the update again; or leave ` +
          `harborConfig.auditLog.forwardEndpoint unset until it is reachable`,
      );
    }
    throw e;
  }
}

export const auditForwardingCrud: Crud<AuditForwardingInputs, AuditForwardingOutputs> = {
  kind: HARBOR_KIND.auditForwarding,

  diff(olds, news) {
    return diffInputs<AuditForwardingInputs>(olds, news, ["endpoint", "skipDatabase"], []);
  },

  async create(client, inputs) {
    const current = await currentForwarding(client);
    await putForwarding(client, inputs.endpoint, inputs.skipDatabase);
    return { id: "audit-log-forwarding", outs: { ...inputs, adopted: current.endpoint !== "" } };
  },

  async read(client, id, props) {
    const current = await currentForwarding(client);
    if (current.endpoint === "") return {};
    return { id, props: { ...props, endpoint: current.endpoint, skipDatabase: current.skipDatabase } };
  },

  async update(client, _id, olds, news) {
    await putForwarding(client, news.endpoint, news.skipDatabase);
    return { outs: { ...news, adopted: olds.adopted } };
  },

  async delete(client) {
    await client.request({ method: "PUT", path: "/configurations", body: auditForwardingBody("", false) });
  },
};
