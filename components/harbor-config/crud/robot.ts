/**
 * `harbor:RobotAccount`: a project-level robot with an explicit permission list. Identity: project + short
 * name (Harbor's full name is `robot$<project>+<name>`). An existing robot of that name is adopted: its
 * permissions are converged and its secret refreshed, because Harbor reveals a secret only when it creates
 * or refreshes one. Changing `rotation` refreshes the secret.
 */
import { HARBOR_KIND } from "../kinds";
import { HarborClient } from "../client";
import {
  accessKeys,
  isRobotNamed,
  robotCreateBody,
  robotUpdateBody,
  RobotAccess,
  RobotSettings,
} from "../payloads";
import { BaseInputs, Crud, diffInputs, same } from "./common";
import { findProject, requireProject } from "./project";

export interface RobotInputs extends BaseInputs, RobotSettings {
  /** Any change refreshes the secret. */
  rotation: string;
}

export interface RobotOutputs extends RobotInputs {
  robotId: number;
  /** Full name used to log in, e.g. `robot$platform+cluster-pull`. */
  fullName: string;
  /** The robot's secret (a secret output). */
  secret: string;
  adopted: boolean;
  /** Harbor holds the robot disabled (read by a refresh): a change, the update enables it again. */
  disabled?: boolean;
}

interface HarborRobot {
  id: number;
  name: string;
  description?: string;
  duration?: number;
  disable?: boolean;
  permissions?: { kind?: string; namespace?: string; access?: RobotAccess[] }[];
}

export async function findRobot(
  client: HarborClient,
  projectId: number,
  project: string,
  name: string,
): Promise<HarborRobot | undefined> {
  const robots = await client.listAll<HarborRobot>("/robots", { q: `Level=project,ProjectID=${projectId}` });
  return robots.find((r) => isRobotNamed(r.name, project, name));
}

export async function refreshSecret(client: HarborClient, robotId: number): Promise<string> {
  // Repeating a refresh is harmless: each one replaces the secret and the last answer is the valid one.
  const res = await client.request<{ secret?: string }>({
    method: "PATCH",
    path: `/robots/${robotId}`,
    body: {},
    retrySafe: true,
  });
  if (typeof res.body?.secret !== "string" || res.body.secret === "") {
    throw new Error(`Harbor did not return a new secret for robot ${robotId}`);
  }
  return res.body.secret;
}

/**
 * Creates a robot (project- or system-level) or adopts the one an interrupted create left behind, and returns it
 * with a usable secret: Harbor shows a secret only in the create answer, so an adopted robot is brought to the
 * declared settings and its secret refreshed.
 */
export async function createOrAdoptRobot(
  client: HarborClient,
  label: string,
  createBody: unknown,
  find: () => Promise<{ id: number; name: string } | undefined>,
  updateBody: (fullName: string) => unknown,
): Promise<{ id: number; name: string; secret: string; adopted: boolean }> {
  const { value, outcome } = await client.createGuarded<{ id: number; name: string; secret?: string }>(
    label,
    async () => {
      const res = await client.request<{ id: number; name: string; secret: string }>({
        method: "POST",
        path: "/robots",
        body: createBody,
      });
      return { id: res.body.id, name: res.body.name, secret: res.body.secret };
    },
    find,
  );
  let secret = value.secret;
  if (outcome !== "created" || !secret) {
    await client.request({ method: "PUT", path: `/robots/${value.id}`, body: updateBody(value.name) });
    secret = await refreshSecret(client, value.id);
  }
  return { id: value.id, name: value.name, secret, adopted: outcome === "existing" };
}

function settingsOf(i: RobotInputs): RobotSettings {
  return {
    project: i.project,
    name: i.name,
    description: i.description,
    access: i.access,
    duration: i.duration,
  };
}

export const robotCrud: Crud<RobotInputs, RobotOutputs> = {
  kind: HARBOR_KIND.robot,

  diff(olds, news) {
    // Permissions are a set: Harbor returns them in its own order (v2.15.2, observed).
    const base = diffInputs<RobotInputs>(
      olds,
      news,
      ["description", "duration", "rotation"],
      ["project", "name"],
    );
    const access = !same(accessKeys(olds.access ?? []), accessKeys(news.access ?? []));
    return { ...base, changes: base.changes || access || olds.disabled === true };
  },

  async create(client, inputs) {
    const s = settingsOf(inputs);
    const project = await requireProject(client, s.project);
    const r = await createOrAdoptRobot(
      client,
      `robot ${s.project}+${s.name}`,
      robotCreateBody(s),
      async () => {
        const found = await findRobot(client, project.project_id, s.project, s.name);
        return found ? { id: found.id, name: found.name } : undefined;
      },
      (fullName) => robotUpdateBody(fullName, s),
    );
    return {
      id: String(r.id),
      outs: { ...inputs, robotId: r.id, fullName: r.name, secret: r.secret, adopted: r.adopted },
    };
  },

  async read(client, id, props) {
    const r = await client.find<HarborRobot>(`/robots/${Number(id)}`);
    if (!r) return {};
    const perm = r.permissions?.find((p) => p.namespace === props.project) ?? r.permissions?.[0];
    const held = (perm?.access ?? []).map((a) => ({ resource: a.resource, action: a.action }));
    // The same set in Harbor's order is no change: keep the declared order in the state.
    const access = same(accessKeys(held), accessKeys(props.access ?? [])) ? props.access : held;
    return {
      id,
      props: {
        ...props,
        fullName: r.name,
        description: r.description ?? props.description,
        duration: r.duration ?? props.duration,
        access,
        disabled: r.disable === true,
      },
    };
  },

  async update(client, id, olds, news) {
    const robotId = Number(id);
    const permsChanged =
      !same(accessKeys(olds.access), accessKeys(news.access)) ||
      olds.description !== news.description ||
      olds.duration !== news.duration ||
      olds.disabled === true;
    if (permsChanged) {
      await client.request({
        method: "PUT",
        path: `/robots/${robotId}`,
        body: robotUpdateBody(olds.fullName, settingsOf(news)),
      });
    }
    const secret = olds.rotation !== news.rotation ? await refreshSecret(client, robotId) : olds.secret;
    return { outs: { ...news, robotId, fullName: olds.fullName, secret, adopted: olds.adopted } };
  },

  async delete(client, id, props) {
    // A deleted project takes its robots with it.
    if (!(await findProject(client, props.project))) return;
    await client.deleteIfExists(`/robots/${Number(id)}`);
  },
};
