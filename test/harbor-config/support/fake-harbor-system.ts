/**
 * The fake Harbor's system routes: GC and audit-log purge schedules, audit log forwarding, registry endpoints.
 */
import type { FakeHarbor } from "./fake-harbor";
import { API, CRON6, err, Handler, harborRegistryUrl, registryJson, Reply } from "./fake-harbor-base";

type Route = (m: string, re: RegExp, h: Handler) => void;

function schedule(f: FakeHarbor, which: "gc" | "purge", body: any, create: boolean): Reply {
  const bad = f.validate("Schedule", body);
  if (bad) return bad;
  if (which === "purge") {
    // Observed on Harbor v2.15.2: the purge schedule's parameters are checked for every schedule type, "None"
    // (switch off) included: {"schedule":{"type":"None","cron":""}} alone is refused with
    // 400 BAD_REQUEST "bad request: schedule parameter cann't be empty"; the same body with
    // audit_retention_hour, include_event_types and dry_run is accepted.
    const p = body?.parameters;
    if (p === undefined || p === null || Object.keys(p).length === 0) {
      return err(400, "BAD_REQUEST", "bad request: schedule parameter cann't be empty");
    }
    for (const key of ["audit_retention_hour", "include_event_types"]) {
      if (!(key in p)) return err(400, "BAD_REQUEST", `bad request: ${key} should provide`);
    }
  }
  const type = body?.schedule?.type;
  const cron = body?.schedule?.cron ?? "";
  const current = which === "gc" ? f.gcSchedule : f.purgeSchedule;
  // The swagger (v2.15.1) lists 409 for POST /system/gc/schedule (not for the purge schedule): a GC schedule
  // is created once, then changed with PUT.
  if (which === "gc" && create && current) {
    return err(409, "CONFLICT", "a GC schedule already exists; update it with PUT");
  }
  if (type === "None") {
    if (which === "gc") f.gcSchedule = undefined;
    else f.purgeSchedule = undefined;
    return { status: 200 };
  }
  if (type === "Custom" && !CRON6.test(cron)) return err(400, "BAD_REQUEST", `invalid cron ${cron}`);
  if (which === "purge") {
    const p = body?.parameters ?? {};
    if (typeof p.audit_retention_hour !== "number" || typeof p.include_event_types !== "string") {
      return err(400, "BAD_REQUEST", "audit_retention_hour and include_event_types are required");
    }
  }
  const rec = { type, cron, parameters: body?.parameters ?? {} };
  if (which === "gc") f.gcSchedule = rec;
  else f.purgeSchedule = rec;
  return { status: create && !current ? 201 : 200 };
}

function scheduleJson(f: FakeHarbor, which: "gc" | "purge"): Reply {
  const s = which === "gc" ? f.gcSchedule : f.purgeSchedule;
  if (!s) return { status: 200, body: {} };
  return {
    status: 200,
    body: {
      id: 1,
      job_name: which === "gc" ? "GARBAGE_COLLECTION" : "PURGE_AUDIT_LOG",
      job_kind: "SCHEDULE",
      job_parameters: JSON.stringify(s.parameters),
      schedule: { type: s.type, cron: s.cron },
      job_status: "",
      deleted: false,
    },
  };
}

export function systemRoutes(f: FakeHarbor, r: Route): void {
  // system schedules, audit log
  r("GET", /^\/system\/gc\/schedule$/, () => scheduleJson(f, "gc"));
  r("POST", /^\/system\/gc\/schedule$/, ({ body }) => schedule(f, "gc", body, true));
  r("PUT", /^\/system\/gc\/schedule$/, ({ body }) => schedule(f, "gc", body, false));
  r("GET", /^\/system\/purgeaudit\/schedule$/, () => scheduleJson(f, "purge"));
  r("POST", /^\/system\/purgeaudit\/schedule$/, ({ body }) => schedule(f, "purge", body, true));
  r("PUT", /^\/system\/purgeaudit\/schedule$/, ({ body }) => schedule(f, "purge", body, false));
  r("GET", /^\/auditlog-exts\/events$/, () => ({
    status: 200,
    body: f.auditEventTypes.map((event_type) => ({ event_type })),
  }));
  r("GET", /^\/configurations$/, () => ({
    status: 200,
    body: {
      audit_log_forward_endpoint: { value: f.configurations.audit_log_forward_endpoint, editable: true },
      skip_audit_log_database: { value: f.configurations.skip_audit_log_database, editable: true },
    },
  }));
  r("PUT", /^\/configurations$/, async ({ body }) => {
    const bad = f.validate("Configurations", body);
    if (bad) return bad;
    const endpoint = body.audit_log_forward_endpoint;
    if (typeof endpoint === "string" && endpoint !== "" && !(await f.auditEndpointReachable(endpoint))) {
      // Observed on Harbor v2.15.2: setting a forward endpoint makes Harbor core dial it first.
      return err(400, "BAD_REQUEST", "could not connect to the audit endpoint");
    }
    const next = { ...f.configurations, ...body };
    if (next.skip_audit_log_database && !next.audit_log_forward_endpoint) {
      return err(400, "BAD_REQUEST", "skip_audit_log_database needs audit_log_forward_endpoint");
    }
    f.configurations = next;
    return { status: 200 };
  });

  // registries
  r("GET", /^\/registries$/, ({ query }) => {
    const m = /^name=(.*)$/.exec(query.q ?? "");
    const list = [...f.registries.values()].filter((x) => !m || x.name === m[1]).map((x) => registryJson(x));
    return f.page(list, query);
  });
  r("POST", /^\/registries$/, ({ body }) => {
    const bad = f.validate("Registry", body);
    if (bad) return bad;
    const url = harborRegistryUrl(body.url ?? "");
    if ("error" in url) return err(400, "BAD_REQUEST", url.error);
    if (f.unhealthyRegistryUrls.has(url.url)) return err(400, "BAD_REQUEST", "the registry is unhealthy");
    if ([...f.registries.values()].some((x) => x.name === body.name)) {
      return err(409, "CONFLICT", `registry ${body.name} already exists`);
    }
    const id = f.id();
    f.registries.set(id, { ...body, url: url.url, id, status: "healthy" });
    return { status: 201, headers: { Location: `${API}/registries/${id}` } };
  });
  r("GET", /^\/registries\/(\d+)$/, ({ params }) => {
    const x = f.registries.get(Number(params[0]));
    if (!x) return err(404, "NOT_FOUND", "registry not found");
    return { status: 200, body: registryJson(x) };
  });
  r("PUT", /^\/registries\/(\d+)$/, ({ params, body }) => {
    const bad = f.validate("RegistryUpdate", body);
    if (bad) return bad;
    const x = f.registries.get(Number(params[0]));
    if (!x) return err(404, "NOT_FOUND", "registry not found");
    const next = { ...x, credential: { ...(x.credential ?? {}) } };
    for (const k of ["name", "url", "description", "insecure", "ca_certificate"])
      if (k in body) next[k] = body[k];
    // Observed on Harbor v2.15.2: each credential field sent replaces the stored one, so empty strings clear
    // the credentials; fields left out keep their old values.
    if ("credential_type" in body) next.credential.type = body.credential_type;
    if ("access_key" in body) next.credential.access_key = body.access_key;
    if ("access_secret" in body) next.credential.access_secret = body.access_secret;
    const url = harborRegistryUrl(next.url ?? "");
    if ("error" in url) return err(400, "BAD_REQUEST", url.error);
    next.url = url.url;
    if (f.unhealthyRegistryUrls.has(url.url)) return err(400, "BAD_REQUEST", "the registry is unhealthy");
    f.registries.set(x.id, next);
    return { status: 200 };
  });
  r("DELETE", /^\/registries\/(\d+)$/, ({ params }) => {
    const id = Number(params[0]);
    if (!f.registries.has(id)) return err(404, "NOT_FOUND", "registry not found");
    if ([...f.projects.values()].some((p) => p.registry_id === id)) {
      return err(412, "PRECONDITION", "the registry is referenced by proxy cache projects");
    }
    f.registries.delete(id);
    return { status: 200 };
  });
}
