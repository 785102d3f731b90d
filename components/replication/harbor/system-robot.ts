/**
 * `harbor:SystemRobotAccount`: a system-level robot with project permissions on several projects — the
 * credential a primary's replication endpoint logs in with (one endpoint per peer, whatever the number of
 * projects). Identity: the short name (Harbor's login name is `robot$<name>`). An existing robot of that name
 * is adopted: permissions converged, secret refreshed (Harbor reveals a secret only on create or refresh).
 * Permissions are compared as sets: Harbor returns them in an order of its own.
 */
import { HARBOR_KIND } from "../../harbor-config/kinds";
import type { HarborClient } from "../../harbor-config/client";
import { BaseInputs, Crud, diffInputs, same } from "../../harbor-config/crud/common";
import { createOrAdoptRobot, refreshSecret } from "../../harbor-config/crud/robot";

export interface RobotPermission {
  /** Project name (`kind: project`, `namespace: <project>`). */
  project: string;
  access: { resource: string; action: string }[];
}

export interface SystemRobotSettings {
  /** Short name; Harbor's login name is `robot$<name>`. */
  name: string;
  description: string;
  /** Days until expiry; -1 = never (rotation is explicit). */
  duration: number;
  permissions: RobotPermission[];
}

export interface SystemRobotInputs extends BaseInputs, SystemRobotSettings {
  /** Any change refreshes the secret. */
  rotation: string;
}

export interface SystemRobotOutputs extends SystemRobotInputs {
  robotId: number;
  fullName: string;
  secret: string;
  adopted: boolean;
  /** Harbor holds the robot disabled (read by a refresh): a change, the update enables it again. */
  disabled?: boolean;
}

/** `RobotPermission` list → Harbor's `permissions` (kind project, one entry per project). */
export function systemRobotPermissions(perms: readonly RobotPermission[]): Record<string, unknown>[] {
  return perms.map((p) => ({
    kind: "project",
    namespace: p.project,
    access: p.access.map((a) => ({ resource: a.resource, action: a.action })),
  }));
}

/** `POST /robots` body (RobotCreate) of a system-level robot. */
export function systemRobotCreateBody(s: SystemRobotSettings): Record<string, unknown> {
  return {
    name: s.name,
    description: s.description,
    level: "system",
    disable: false,
    duration: s.duration,
    permissions: systemRobotPermissions(s.permissions),
  };
}

/** `PUT /robots/{id}` body (Robot): Harbor requires the unchanged full name and level. */
export function systemRobotUpdateBody(fullName: string, s: SystemRobotSettings): Record<string, unknown> {
  return { ...systemRobotCreateBody(s), name: fullName };
}

/** Order-free form of a permission list: sorted `project/resource:action` strings. */
export function permissionKeys(perms: readonly RobotPermission[]): string[] {
  return perms.flatMap((p) => p.access.map((a) => `${p.project}/${a.resource}:${a.action}`)).sort();
}

/** Harbor's login name ends with `$<name>` (the prefix `robot$` is a Harbor setting). */
export function isSystemRobotNamed(fullName: string, name: string): boolean {
  return fullName === name || fullName.endsWith(`$${name}`);
}

interface HarborRobot {
  id: number;
  name: string;
  level?: string;
  description?: string;
  duration?: number;
  disable?: boolean;
  permissions?: { kind?: string; namespace?: string; access?: { resource: string; action: string }[] }[];
}

export async function findSystemRobot(client: HarborClient, name: string): Promise<HarborRobot | undefined> {
  const robots = await client.listAll<HarborRobot>("/robots", { q: "Level=system" });
  return robots.find((r) => isSystemRobotNamed(r.name, name));
}

function settingsOf(i: SystemRobotInputs): SystemRobotSettings {
  return { name: i.name, description: i.description, duration: i.duration, permissions: i.permissions };
}

/**
 * Harbor's permissions → ours, sorted (what `read` stores). A permission of another kind (system-wide rights
 * granted in Harbor's UI) is kept as `<kind>:<namespace>` — no project name has a `:` — so that it shows as
 * drift and the update (which sends the declared permissions) removes it.
 */
export function permissionsFromHarbor(perms: HarborRobot["permissions"]): RobotPermission[] {
  return (perms ?? [])
    .map((p) => ({
      project: (p.kind ?? "project") === "project" ? (p.namespace ?? "") : `${p.kind}:${p.namespace ?? ""}`,
      access: (p.access ?? [])
        .map((a) => ({ resource: a.resource, action: a.action }))
        .sort((x, y) => `${x.resource}:${x.action}`.localeCompare(`${y.resource}:${y.action}`)),
    }))
    .sort((x, y) => x.project.localeCompare(y.project));
}

export const systemRobotCrud: Crud<SystemRobotInputs, SystemRobotOutputs> = {
  kind: HARBOR_KIND.systemRobot,

  diff(olds, news) {
    const d = diffInputs<SystemRobotInputs>(olds, news, ["description", "duration", "rotation"], ["name"]);
    const perms = !same(permissionKeys(olds.permissions ?? []), permissionKeys(news.permissions ?? []));
    return { ...d, changes: d.changes || perms || olds.disabled === true };
  },

  async create(client, inputs) {
    const s = settingsOf(inputs);
    const r = await createOrAdoptRobot(
      client,
      `system robot ${s.name}`,
      systemRobotCreateBody(s),
      async () => {
        const found = await findSystemRobot(client, s.name);
        return found ? { id: found.id, name: found.name } : undefined;
      },
      (fullName) => systemRobotUpdateBody(fullName, s),
    );
    return {
      id: String(r.id),
      outs: { ...inputs, robotId: r.id, fullName: r.name, secret: r.secret, adopted: r.adopted },
    };
  },

  async read(client, id, props) {
    const r = await client.find<HarborRobot>(`/robots/${Number(id)}`);
    if (!r) return {};
    return {
      id,
      props: {
        ...props,
        fullName: r.name,
        description: r.description ?? "",
        duration: r.duration ?? props.duration,
        permissions: permissionsFromHarbor(r.permissions),
        disabled: r.disable === true,
      },
    };
  },

  async update(client, id, olds, news) {
    const robotId = Number(id);
    const changed =
      !same(permissionKeys(olds.permissions), permissionKeys(news.permissions)) ||
      olds.description !== news.description ||
      olds.duration !== news.duration ||
      olds.disabled === true;
    if (changed)
      await client.request({
        method: "PUT",
        path: `/robots/${robotId}`,
        body: systemRobotUpdateBody(olds.fullName, settingsOf(news)),
      });
    const secret = olds.rotation !== news.rotation ? await refreshSecret(client, robotId) : olds.secret;
    return { outs: { ...news, robotId, fullName: olds.fullName, secret, adopted: olds.adopted } };
  },

  async delete(client, id) {
    await client.deleteIfExists(`/robots/${Number(id)}`);
  },
};
