/**
 * The fake Harbor's project routes: projects, quotas, robot accounts, immutable tag rules and tag retention.
 */
import type * as http from "http";
import type { FakeHarbor } from "./fake-harbor";
import {
  API,
  err,
  Handler,
  harborAccessOrder,
  NAME_RE,
  proxyCacheRetention,
  ProjectRec,
  Reply,
  RETENTION_TEMPLATES,
  RobotRec,
} from "./fake-harbor-base";

type Route = (m: string, re: RegExp, h: Handler) => void;

function projectJson(p: ProjectRec): unknown {
  return {
    project_id: p.project_id,
    name: p.name,
    registry_id: p.registry_id,
    metadata: { ...p.metadata },
    repo_count: p.repo_count,
    owner_id: 1,
    owner_name: "admin",
  };
}

function robotJson(r: RobotRec): unknown {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    level: "project",
    duration: r.duration,
    disable: r.disable,
    editable: true,
    permissions: r.permissions.map((perm: any) => ({
      ...perm,
      access: harborAccessOrder(perm.access ?? []),
    })),
    expires_at: -1,
  };
}

export function projectRoutes(f: FakeHarbor, r: Route): void {
  // projects
  r("GET", /^\/projects\/([^/]+)$/, ({ params, headers }) => {
    const p = f.findProject(params[0], headers);
    return p
      ? { status: 200, body: projectJson(p) }
      : err(404, "NOT_FOUND", `project ${params[0]} not found`);
  });
  r("POST", /^\/projects$/, ({ body }) => {
    const bad = f.validate("ProjectReq", body);
    if (bad) return bad;
    const name = body.project_name as string;
    if (!NAME_RE.test(name ?? "")) return err(400, "BAD_REQUEST", `invalid project name ${name}`);
    if (f.projectByName(name)) return err(409, "CONFLICT", `The project named ${name} already exists`);
    if (body.registry_id !== undefined && !f.registries.has(body.registry_id)) {
      return err(400, "BAD_REQUEST", `registry ${body.registry_id} not found`);
    }
    const id = f.id();
    f.projects.set(id, {
      project_id: id,
      name,
      registry_id: body.registry_id ?? 0,
      metadata: { public: "false", ...(body.metadata ?? {}) },
      repo_count: 0,
    });
    const qid = f.id();
    f.quotas.set(qid, { id: qid, projectId: id, hard: { storage: body.storage_limit ?? -1 } });
    if (body.registry_id !== undefined) {
      // Observed on Harbor v2.15.2: a proxy-cache project gets a retention policy of its own, bound through
      // `retention_id`. Its rules here (keep what was pulled in the last 7 days, daily) stand for Harbor's.
      const rid = f.id();
      f.retentions.set(rid, proxyCacheRetention(rid, id));
      f.projects.get(id)!.metadata.retention_id = String(rid);
    }
    return { status: 201, headers: { Location: `${API}/projects/${id}` } };
  });
  r("PUT", /^\/projects\/([^/]+)$/, ({ params, body, headers }) => {
    const bad = f.validate("ProjectReq", body);
    if (bad) return bad;
    const p = f.findProject(params[0], headers);
    if (!p) return err(404, "NOT_FOUND", `project ${params[0]} not found`);
    Object.assign(p.metadata, body.metadata ?? {});
    return { status: 200 };
  });
  r("DELETE", /^\/projects\/([^/]+)$/, ({ params, headers }) => {
    const p = f.findProject(params[0], headers);
    if (!p) return err(404, "NOT_FOUND", `project ${params[0]} not found`);
    if (p.repo_count > 0) {
      return err(412, "PRECONDITION", `the project contains repositories, can not be deleted`);
    }
    f.projects.delete(p.project_id);
    for (const [id, q] of f.quotas) if (q.projectId === p.project_id) f.quotas.delete(id);
    for (const [id, rb] of f.robots) if (rb.projectId === p.project_id) f.robots.delete(id);
    for (const [id, x] of f.immutableRules) if (x.projectId === p.project_id) f.immutableRules.delete(id);
    return { status: 200 };
  });
  r("DELETE", /^\/projects\/([^/]+)\/metadatas\/([^/]+)$/, ({ params, headers }) => {
    const p = f.findProject(params[0], headers);
    if (!p || p.metadata[params[1]] === undefined) return err(404, "NOT_FOUND", "metadata not found");
    delete p.metadata[params[1]];
    return { status: 200 };
  });

  // quotas
  r("GET", /^\/quotas$/, ({ query }) => {
    const list = [...f.quotas.values()]
      .filter((q) => query.reference === "project" && String(q.projectId) === query.reference_id)
      .map((q) => ({ id: q.id, ref: { id: q.projectId }, hard: { ...q.hard }, used: { storage: 0 } }));
    return { status: 200, body: list };
  });
  r("PUT", /^\/quotas\/(\d+)$/, ({ params, body }) => {
    const bad = f.validate("QuotaUpdateReq", body);
    if (bad) return bad;
    const q = f.quotas.get(Number(params[0]));
    if (!q) return err(404, "NOT_FOUND", "quota not found");
    Object.assign(q.hard, body.hard);
    return { status: 200 };
  });

  // robots
  r("GET", /^\/robots$/, ({ query }) => {
    const kv = Object.fromEntries((query.q ?? "").split(",").map((s) => s.split("=") as [string, string]));
    if (kv.Level === "project" && kv.ProjectID === undefined) {
      return err(400, "BAD_REQUEST", "must with project ID when to query project robots");
    }
    const list = [...f.robots.values()]
      .filter((x) => kv.ProjectID === undefined || String(x.projectId) === kv.ProjectID)
      .map((x) => robotJson(x));
    return f.page(list, query);
  });
  r("POST", /^\/robots$/, ({ body }) => {
    const bad = f.validate("RobotCreate", body);
    if (bad) return bad;
    if (body.level !== "project") return err(400, "BAD_REQUEST", "only project robots in this fake");
    if (!NAME_RE.test(body.name ?? "")) return err(400, "BAD_REQUEST", `invalid robot name ${body.name}`);
    const perms = body.permissions ?? [];
    if (perms.length !== 1 || perms[0].kind !== "project") {
      return err(400, "BAD_REQUEST", "a project robot needs exactly one project permission");
    }
    const project = f.projectByName(perms[0].namespace);
    if (!project) return err(404, "NOT_FOUND", `project ${perms[0].namespace} not found`);
    const full = `robot$${project.name}+${body.name}`;
    if ([...f.robots.values()].some((x) => x.name === full)) {
      return err(409, "CONFLICT", `robot account ${full} already exists`);
    }
    const id = f.id();
    const secret = `Sec${id}x${Math.random().toString(36).slice(2, 12)}`;
    f.robots.set(id, {
      id,
      name: full,
      projectId: project.project_id,
      description: body.description ?? "",
      duration: body.duration ?? -1,
      disable: body.disable ?? false,
      permissions: perms,
      secret,
    });
    return { status: 201, body: { id, name: full, secret }, headers: { Location: `${API}/robots/${id}` } };
  });
  r("GET", /^\/robots\/(\d+)$/, ({ params }) => {
    const x = f.robots.get(Number(params[0]));
    return x ? { status: 200, body: robotJson(x) } : err(404, "NOT_FOUND", `robot ${params[0]} not found`);
  });
  r("PUT", /^\/robots\/(\d+)$/, ({ params, body }) => {
    const bad = f.validate("Robot", body);
    if (bad) return bad;
    const x = f.robots.get(Number(params[0]));
    if (!x) return err(404, "NOT_FOUND", `robot ${params[0]} not found`);
    if (body.name !== x.name || body.level !== "project") {
      return err(400, "BAD_REQUEST", "cannot update the level or name of robot");
    }
    x.description = body.description ?? x.description;
    x.duration = body.duration ?? x.duration;
    x.disable = body.disable ?? x.disable;
    x.permissions = body.permissions ?? x.permissions;
    return { status: 200 };
  });
  r("PATCH", /^\/robots\/(\d+)$/, ({ params, body }) => {
    const bad = f.validate("RobotSec", body);
    if (bad) return bad;
    const x = f.robots.get(Number(params[0]));
    if (!x) return err(404, "NOT_FOUND", `robot ${params[0]} not found`);
    x.secret = body.secret || `Sec${x.id}r${Math.random().toString(36).slice(2, 12)}`;
    return { status: 200, body: { secret: x.secret } };
  });
  r("DELETE", /^\/robots\/(\d+)$/, ({ params }) => {
    if (!f.robots.delete(Number(params[0]))) return err(404, "NOT_FOUND", `robot ${params[0]} not found`);
    return { status: 200 };
  });

  // immutable tag rules
  const ruleProject = (ref: string, headers: http.IncomingHttpHeaders) => f.findProject(ref, headers);
  r("GET", /^\/projects\/([^/]+)\/immutabletagrules$/, ({ params, query, headers }) => {
    const p = ruleProject(params[0], headers);
    if (!p) return err(404, "NOT_FOUND", `project ${params[0]} not found`);
    const list = [...f.immutableRules.entries()]
      .filter(([, x]) => x.projectId === p.project_id)
      .map(([id, x]) => {
        // Observed on Harbor v2.15.2: an enabled rule is returned without `disabled` (false is omitted).
        const { disabled, ...rule } = x.rule as Record<string, unknown>;
        return { id, ...rule, ...(disabled === true ? { disabled } : {}) };
      });
    return f.page(list, query);
  });
  r("POST", /^\/projects\/([^/]+)\/immutabletagrules$/, ({ params, body, headers }) => {
    const bad = f.validate("ImmutableRule", body);
    if (bad) return bad;
    const p = ruleProject(params[0], headers);
    if (!p) return err(404, "NOT_FOUND", `project ${params[0]} not found`);
    if (body.template !== "immutable_template" || body.action !== "immutable") {
      return err(400, "BAD_REQUEST", "template must be immutable_template, action immutable");
    }
    const same = [...f.immutableRules.values()].some(
      (x) =>
        x.projectId === p.project_id &&
        JSON.stringify(x.rule.tag_selectors) === JSON.stringify(body.tag_selectors),
    );
    if (same) return err(409, "CONFLICT", "the immutable tag rule already exists");
    const id = f.id();
    f.immutableRules.set(id, { projectId: p.project_id, rule: { ...body, project_id: p.project_id } });
    return {
      status: 201,
      headers: { Location: `${API}/projects/${p.project_id}/immutabletagrules/${id}` },
    };
  });
  r("PUT", /^\/projects\/([^/]+)\/immutabletagrules\/(\d+)$/, ({ params, body, headers }) => {
    const bad = f.validate("ImmutableRule", body);
    if (bad) return bad;
    const p = ruleProject(params[0], headers);
    const x = f.immutableRules.get(Number(params[1]));
    if (!p || !x || x.projectId !== p.project_id) return err(404, "NOT_FOUND", "rule not found");
    const { id: _id, ...rule } = body;
    x.rule = { ...rule, project_id: p.project_id };
    return { status: 200 };
  });
  r("DELETE", /^\/projects\/([^/]+)\/immutabletagrules\/(\d+)$/, ({ params, headers }) => {
    const p = ruleProject(params[0], headers);
    const x = f.immutableRules.get(Number(params[1]));
    if (!p || !x || x.projectId !== p.project_id) return err(404, "NOT_FOUND", "rule not found");
    f.immutableRules.delete(Number(params[1]));
    return { status: 200 };
  });

  // retention
  const checkRetention = (body: any): Reply | undefined => {
    const bad = f.validate("RetentionPolicy", body);
    if (bad) return bad;
    if (body.algorithm !== "or") return err(400, "BAD_REQUEST", "algorithm must be or");
    if ((body.rules ?? []).length > 15) return err(400, "BAD_REQUEST", "only 15 rules are allowed at most");
    for (const rule of body.rules ?? []) {
      if (!RETENTION_TEMPLATES.includes(rule.template))
        return err(400, "BAD_REQUEST", `unknown template ${rule.template}`);
      if (rule.template !== "always" && typeof rule.params?.[rule.template] !== "number") {
        return err(400, "BAD_REQUEST", `rule ${rule.template} needs params.${rule.template}`);
      }
      if (rule.action !== "retain") return err(400, "BAD_REQUEST", "action must be retain");
    }
    const seen = new Set((body.rules ?? []).map((x: unknown) => JSON.stringify(x)));
    if (seen.size !== (body.rules ?? []).length)
      return err(409, "CONFLICT", "rule conflicts with another rule");
    if (body.scope?.level !== "project") return err(400, "BAD_REQUEST", "scope must be project");
    return undefined;
  };
  r("POST", /^\/retentions$/, ({ body }) => {
    const bad = checkRetention(body);
    if (bad) return bad;
    const p = f.projects.get(body.scope.ref);
    if (!p) return err(400, "BAD_REQUEST", `invalid Project id ${body.scope.ref}`);
    if (p.metadata.retention_id) {
      return err(
        400,
        "BAD_REQUEST",
        `project ${p.project_id} already has retention policy ${p.metadata.retention_id}`,
      );
    }
    const id = f.id();
    f.retentions.set(id, { ...body, id });
    p.metadata.retention_id = String(id);
    return { status: 201, headers: { Location: `${API}/retentions/${id}` } };
  });
  r("GET", /^\/retentions\/(\d+)$/, ({ params }) => {
    const x = f.retentions.get(Number(params[0]));
    if (!x) return err(404, "NOT_FOUND", `retention ${params[0]} not found`);
    // Harbor numbers the rules it stores and adds a priority.
    const rules = (x.rules ?? []).map((rule: any, i: number) => ({ id: i + 1, priority: 0, ...rule }));
    return { status: 200, body: { ...x, rules } };
  });
  r("PUT", /^\/retentions\/(\d+)$/, ({ params, body }) => {
    const bad = checkRetention(body);
    if (bad) return bad;
    const id = Number(params[0]);
    const p = f.projects.get(body.scope.ref);
    if (!p || p.metadata.retention_id !== String(id) || !f.retentions.has(id)) {
      return err(404, "NOT_FOUND", `the retention policy id ${id} does not match`);
    }
    f.retentions.set(id, { ...body, id });
    return { status: 200 };
  });
  r("DELETE", /^\/retentions\/(\d+)$/, ({ params }) => {
    if (!f.retentions.delete(Number(params[0]))) return err(404, "NOT_FOUND", "retention not found");
    return { status: 200 };
  });
}
