/**
 * Replication endpoints of the fake Harbor (test/harbor-config/support/fake-harbor.ts): system-level robots
 * and replication policies, answering as Harbor v2.15 does per its API definitions —
 * - a system robot is `robot$<name>`, its permissions come back in an order of Harbor's own (here: reversed),
 *   its secret only on create and refresh;
 * - a policy comes back with `src_registry` = the local registry, `dest_registry` = the whole endpoint object
 *   (credentials masked `*****`), and a trigger whose non-scheduled cron is empty;
 * - its deletion flag is taken from the deprecated `deletion` of the body only (`replicate_deletion` is ignored),
 *   and comes back as both `deletion` and `replicate_deletion`, left out when false — as real Harbor v2.15.1 did
 *   (src/server/v2.0/handler/replication.go reads `params.Policy.Deletion`; a body with
 *   `replicate_deletion: true` alone was stored without it);
 * - every body is checked against Harbor's API definitions (test/fixtures/harbor-config: the fake's
 *   `schemaErrors`);
 * - creating a policy checks the name (409 when taken), the destination endpoint (400 when unknown), the
 *   trigger type and a scheduled trigger's 6-field cron (seconds 0, minutes not `*`); a policy with running
 *   executions cannot be deleted (412).
 */
import { ExtraRoute, FakeHarbor, Reply } from "../../harbor-config/support/fake-harbor";

const API = "/api/v2.0";
const NAME_RE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const CRON6 = /^(\S+\s+){5}\S+$/;

function err(status: number, code: string, message: string): Reply {
  return { status, body: { errors: [{ code, message }] } };
}

function page<T>(items: T[], query: Record<string, string>): Reply {
  const size = Math.min(Number(query.page_size ?? 10), 100);
  const n = Number(query.page ?? 1);
  return {
    status: 200,
    body: items.slice((n - 1) * size, n * size),
    headers: { "X-Total-Count": String(items.length) },
  };
}

interface SystemRobot {
  id: number;
  name: string;
  description: string;
  duration: number;
  disable: boolean;
  permissions: any[];
  secret: string;
}

export class ReplicationFake {
  readonly systemRobots = new Map<number, SystemRobot>();
  readonly policies = new Map<number, any>();
  /** Policy ids with a running execution (delete answers 412). */
  readonly running = new Set<number>();
  private nextId = 10000;

  constructor(private readonly fake: FakeHarbor) {
    fake.addRoutes(this.routes());
  }

  robotByName(name: string): SystemRobot | undefined {
    return [...this.systemRobots.values()].find((r) => r.name === `robot$${name}`);
  }

  policyByName(name: string): any {
    return [...this.policies.values()].find((p) => p.name === name);
  }

  private robotJson(r: SystemRobot): unknown {
    return {
      id: r.id,
      name: r.name,
      description: r.description,
      level: "system",
      duration: r.duration,
      disable: r.disable,
      editable: true,
      expires_at: -1,
      // Harbor returns permissions (and their access lists) in an order of its own.
      permissions: [...r.permissions]
        .reverse()
        .map((p) => ({ ...p, access: [...(p.access ?? [])].reverse() })),
    };
  }

  /** A policy as Harbor stores it: the deletion flag from the deprecated `deletion` alone. */
  private stored(body: any, id: number): any {
    const { deletion, replicate_deletion: _ignored, ...rest } = body;
    void _ignored;
    return { ...rest, id, replicateDeletion: deletion === true };
  }

  private policyJson(p: any): unknown {
    const reg = this.fake.registries.get(p.dest_registry?.id);
    const { replicateDeletion, ...rest } = p;
    return {
      ...rest,
      src_registry: {
        id: 0,
        name: "Local",
        type: "harbor",
        url: "http://harbor-core:80",
        insecure: true,
        status: "healthy",
      },
      dest_registry: reg
        ? {
            ...reg,
            credential: reg.credential ? { ...reg.credential, access_secret: "*****" } : undefined,
          }
        : null,
      // omitempty: false is left out.
      ...(replicateDeletion ? { deletion: true, replicate_deletion: true } : {}),
      trigger: {
        type: p.trigger?.type ?? "manual",
        trigger_settings: { cron: p.trigger?.type === "scheduled" ? p.trigger.trigger_settings?.cron : "" },
      },
      creation_time: "2026-01-01T00:00:00Z",
      update_time: "2026-01-01T00:00:00Z",
    };
  }

  private checkPolicy(body: any, id?: number): Reply | undefined {
    const invalid = this.fake.validate("ReplicationPolicy", body);
    if (invalid) return invalid;
    if (typeof body?.name !== "string" || body.name === "")
      return err(400, "BAD_REQUEST", "name is required");
    const same = this.policyByName(body.name);
    if (same && same.id !== id) return err(409, "CONFLICT", `policy ${body.name} already exists`);
    if (!this.fake.registries.has(body.dest_registry?.id))
      return err(400, "BAD_REQUEST", `registry ${body.dest_registry?.id} not found`);
    const t = body.trigger?.type;
    if (!["manual", "event_based", "scheduled"].includes(t))
      return err(400, "BAD_REQUEST", `invalid trigger type ${t}`);
    if (t === "scheduled" && !CRON6.test(body.trigger?.trigger_settings?.cron ?? ""))
      return err(
        400,
        "BAD_REQUEST",
        `invalid cron string for scheduled trigger: ${body.trigger?.trigger_settings?.cron}`,
      );
    // Harbor also refuses a seconds field other than 0 and `*` minutes (a policy running every minute).
    const [seconds, minutes] = String(body.trigger?.trigger_settings?.cron ?? "").split(" ");
    if (t === "scheduled" && (seconds !== "0" || minutes === "*"))
      return err(400, "BAD_REQUEST", `cron of a replication policy: seconds must be 0, minutes not *`);
    for (const f of body.filters ?? [])
      if (!["name", "tag", "label", "resource"].includes(f.type))
        return err(400, "BAD_REQUEST", `invalid filter type ${f.type}`);
    return undefined;
  }

  private routes(): ExtraRoute[] {
    const system = (id: string) => this.systemRobots.get(Number(id));
    return [
      [
        "GET",
        /^\/robots$/,
        ({ query }) =>
          /(^|,)Level=system(,|$)/.test(query.q ?? "")
            ? page(
                [...this.systemRobots.values()].map((r) => this.robotJson(r)),
                query,
              )
            : undefined,
      ],
      [
        "POST",
        /^\/robots$/,
        ({ body }) => {
          if (body?.level !== "system") return undefined;
          const invalid = this.fake.validate("RobotCreate", body);
          if (invalid) return invalid;
          if (!NAME_RE.test(body.name ?? ""))
            return err(400, "BAD_REQUEST", `invalid robot name ${body.name}`);
          for (const p of body.permissions ?? []) {
            if (p.kind !== "project") return err(400, "BAD_REQUEST", `unsupported permission kind ${p.kind}`);
            if (p.namespace !== "*" && !this.fake.projectByName(p.namespace))
              return err(404, "NOT_FOUND", `project ${p.namespace} not found`);
          }
          const full = `robot$${body.name}`;
          if (this.robotByName(body.name))
            return err(409, "CONFLICT", `robot account ${full} already exists`);
          const id = this.nextId++;
          const secret = `Sys${id}x${Math.random().toString(36).slice(2, 12)}`;
          this.systemRobots.set(id, {
            id,
            name: full,
            description: body.description ?? "",
            duration: body.duration ?? -1,
            disable: body.disable ?? false,
            permissions: body.permissions ?? [],
            secret,
          });
          return {
            status: 201,
            body: { id, name: full, secret },
            headers: { Location: `${API}/robots/${id}` },
          };
        },
      ],
      [
        "GET",
        /^\/robots\/(\d+)$/,
        ({ params }) => {
          const r = system(params[0]);
          return r ? { status: 200, body: this.robotJson(r) } : undefined;
        },
      ],
      [
        "PUT",
        /^\/robots\/(\d+)$/,
        ({ params, body }) => {
          const r = system(params[0]);
          if (!r) return undefined;
          const invalid = this.fake.validate("Robot", body);
          if (invalid) return invalid;
          if (body?.name !== r.name || body?.level !== "system")
            return err(400, "BAD_REQUEST", "cannot update the level or name of robot");
          r.description = body.description ?? r.description;
          r.duration = body.duration ?? r.duration;
          r.disable = body.disable ?? r.disable;
          r.permissions = body.permissions ?? r.permissions;
          return { status: 200 };
        },
      ],
      [
        "PATCH",
        /^\/robots\/(\d+)$/,
        ({ params, body }) => {
          const r = system(params[0]);
          if (!r) return undefined;
          const invalid = this.fake.validate("RobotSec", body);
          if (invalid) return invalid;
          r.secret = `Sys${r.id}r${Math.random().toString(36).slice(2, 12)}`;
          return { status: 200, body: { secret: r.secret } };
        },
      ],
      [
        "DELETE",
        /^\/robots\/(\d+)$/,
        ({ params }) => (this.systemRobots.delete(Number(params[0])) ? { status: 200 } : undefined),
      ],

      [
        "GET",
        /^\/replication\/policies$/,
        ({ query }) => {
          const list = [...this.policies.values()]
            .filter((p) => !query.name || String(p.name).includes(query.name))
            .map((p) => this.policyJson(p));
          return page(list, query);
        },
      ],
      [
        "POST",
        /^\/replication\/policies$/,
        ({ body }) => {
          const bad = this.checkPolicy(body);
          if (bad) return bad;
          const id = this.nextId++;
          this.policies.set(id, this.stored(body, id));
          return { status: 201, headers: { Location: `${API}/replication/policies/${id}` } };
        },
      ],
      [
        "GET",
        /^\/replication\/policies\/(\d+)$/,
        ({ params }) => {
          const p = this.policies.get(Number(params[0]));
          return p
            ? { status: 200, body: this.policyJson(p) }
            : err(404, "NOT_FOUND", `policy ${params[0]} not found`);
        },
      ],
      [
        "PUT",
        /^\/replication\/policies\/(\d+)$/,
        ({ params, body }) => {
          const id = Number(params[0]);
          if (!this.policies.has(id)) return err(404, "NOT_FOUND", `policy ${id} not found`);
          const bad = this.checkPolicy(body, id);
          if (bad) return bad;
          this.policies.set(id, this.stored(body, id));
          return { status: 200 };
        },
      ],
      [
        "DELETE",
        /^\/replication\/policies\/(\d+)$/,
        ({ params }) => {
          const id = Number(params[0]);
          if (!this.policies.has(id)) return err(404, "NOT_FOUND", `policy ${id} not found`);
          if (this.running.has(id))
            return err(412, "PRECONDITION", "the policy has running executions, can not be deleted");
          this.policies.delete(id);
          return { status: 200 };
        },
      ],
    ];
  }
}
