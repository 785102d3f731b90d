/**
 * `harbor:Project`: a project with its security metadata and storage quota. Identity: the project name.
 * An existing project of that name is adopted and converged (`adopted: true` in the state).
 */
import { HARBOR_KIND } from "../kinds";
import { HarborApiError, HarborClient, UNKNOWN } from "../client";
import {
  changedMetadata,
  ProjectMetadata,
  projectCreateBody,
  projectMetadata,
  ProjectSettings,
  quotaBytes,
  Severity,
} from "../payloads";
import { BaseInputs, BY_NAME, Crud, diffInputs, seg } from "./common";

export interface ProjectInputs extends BaseInputs, ProjectSettings {}

export interface ProjectOutputs extends ProjectInputs {
  projectId: number;
  /** The project existed before this resource created it and was taken over. */
  adopted: boolean;
}

export interface HarborProject {
  project_id: number;
  name: string;
  registry_id?: number;
  metadata?: ProjectMetadata;
}

interface HarborQuota {
  id: number;
  hard?: Record<string, number>;
}

/** A project by name (or numeric id); `undefined` when it does not exist. */
export async function findProject(
  client: HarborClient,
  nameOrId: string | number,
): Promise<HarborProject | undefined> {
  return typeof nameOrId === "number"
    ? client.find<HarborProject>(`/projects/${nameOrId}`)
    : client.find<HarborProject>(`/projects/${seg(nameOrId)}`, undefined, BY_NAME);
}

export async function requireProject(client: HarborClient, name: string): Promise<HarborProject> {
  const p = await findProject(client, name);
  if (!p) throw new Error(`Harbor project "${name}" does not exist`);
  return p;
}

async function projectQuota(client: HarborClient, projectId: number): Promise<HarborQuota | undefined> {
  const quotas = await client.get<HarborQuota[] | undefined>("/quotas", {
    reference: "project",
    reference_id: String(projectId),
  });
  return Array.isArray(quotas) ? quotas[0] : undefined;
}

async function setQuota(
  client: HarborClient,
  projectId: number,
  bytes: number,
  known?: HarborQuota,
): Promise<void> {
  const quota = known ?? (await projectQuota(client, projectId));
  if (!quota) throw new Error(`Harbor project ${projectId} has no quota record`);
  if (quota.hard?.storage === bytes) return;
  await client.request({ method: "PUT", path: `/quotas/${quota.id}`, body: { hard: { storage: bytes } } });
}

function checkProxy(project: HarborProject, s: ProjectSettings): void {
  const actual = project.registry_id && project.registry_id > 0 ? project.registry_id : undefined;
  if (actual !== s.registryId) {
    const want =
      s.registryId === undefined ? "a regular project" : `a proxy cache of registry ${s.registryId}`;
    const have = actual === undefined ? "a regular project" : `a proxy cache of registry ${actual}`;
    throw new Error(
      `Harbor project "${s.name}" already exists as ${have}, but ${want} is configured; ` +
        `Harbor cannot convert it: rename the configured project or delete the existing one`,
    );
  }
}

/** Brings an existing project to the desired metadata and quota, sending only what differs. */
async function converge(client: HarborClient, project: HarborProject, s: ProjectSettings): Promise<void> {
  checkProxy(project, s);
  const changes = changedMetadata(project.metadata, projectMetadata(s));
  if (Object.keys(changes).length > 0) {
    await client.request({
      method: "PUT",
      path: `/projects/${project.project_id}`,
      body: { metadata: changes },
    });
  }
  await setQuota(client, project.project_id, quotaBytes(s.quotaGiB));
}

function settingsOf(i: ProjectInputs): ProjectSettings {
  return {
    name: i.name,
    public: i.public,
    scanOnPush: i.scanOnPush,
    preventVulnerable: i.preventVulnerable,
    severity: i.severity,
    cosign: i.cosign,
    quotaGiB: i.quotaGiB,
    ...(i.registryId !== undefined ? { registryId: i.registryId } : {}),
  };
}

const UPDATABLE = ["public", "scanOnPush", "preventVulnerable", "severity", "cosign", "quotaGiB"] as const;

export const projectCrud: Crud<ProjectInputs, ProjectOutputs> = {
  kind: HARBOR_KIND.project,

  diff(olds, news) {
    const d = diffInputs<ProjectInputs>(olds, news, UPDATABLE, ["name", "registryId"]);
    // A proxy cache's registryId is its endpoint's output, unknown in the preview of any update of the
    // endpoint (its URL, or a connection change such as an admin password rotation). That is no replacement:
    // `pulumi up` diffs again with the id known (the same id: no change; a new endpoint: a replacement).
    if (olds.registryId !== undefined && news.registryId === (UNKNOWN as unknown)) {
      return { changes: true, replaces: d.replaces.filter((k) => k !== "registryId") };
    }
    return d;
  },

  async create(client, inputs) {
    const s = settingsOf(inputs);
    const { value, outcome } = await client.createGuarded(
      `project ${s.name}`,
      async () => {
        await client.request({ method: "POST", path: "/projects", body: projectCreateBody(s) });
        return requireProject(client, s.name);
      },
      () => findProject(client, s.name),
    );
    if (outcome !== "created") await converge(client, value, s);
    return {
      id: String(value.project_id),
      outs: { ...inputs, projectId: value.project_id, adopted: outcome === "existing" },
    };
  },

  async read(client, id, props) {
    const p = await findProject(client, Number(id));
    if (!p) return {};
    const m = p.metadata ?? {};
    const quota = await projectQuota(client, p.project_id);
    const bytes = quota?.hard?.storage;
    return {
      id,
      props: {
        ...props,
        name: p.name,
        public: m.public === "true",
        scanOnPush: m.auto_scan === "true",
        preventVulnerable: m.prevent_vul === "true",
        // Kept as read, even outside the five values Harbor documents: the refresh shows it and the next `up`
        // writes the declared one (reading such a value as the declared one hid that drift).
        severity: (m.severity || props.severity) as Severity,
        cosign: m.enable_content_trust_cosign === "true",
        quotaGiB: bytes === undefined ? props.quotaGiB : bytes < 0 ? -1 : bytes / 1024 ** 3,
        projectId: p.project_id,
      },
    };
  },

  async update(client, id, olds, news) {
    const projectId = Number(id);
    // Only what changed between the old and the new inputs is sent.
    const changes = changedMetadata(projectMetadata(settingsOf(olds)), projectMetadata(settingsOf(news)));
    if (Object.keys(changes).length > 0) {
      await client.request({ method: "PUT", path: `/projects/${projectId}`, body: { metadata: changes } });
    }
    if (olds.quotaGiB !== news.quotaGiB) await setQuota(client, projectId, quotaBytes(news.quotaGiB));
    return { outs: { ...news, projectId, adopted: olds.adopted } };
  },

  async delete(client, id, props) {
    try {
      await client.deleteIfExists(`/projects/${Number(id)}`);
    } catch (e) {
      if (e instanceof HarborApiError && (e.status === 412 || e.status === 400 || e.status === 403)) {
        const proxy = props.registryId !== undefined ? " (for a proxy cache: the cached images)" : "";
        throw new Error(
          `Harbor refused to delete project "${props.name}" (HTTP ${e.status}: ${e.harborMessage}). ` +
            `Harbor only deletes empty projects. Either delete its repositories first${proxy} — in Harbor's UI, ` +
            `or DELETE /api/v2.0/projects/${props.name}/repositories/<repository> for each — and run ` +
            `pulumi destroy (or pulumi up) again; or keep the project and its images: mark the resource ` +
            `retainOnDelete, or drop it from the stack with pulumi state delete <urn of this resource>`,
        );
      }
      throw e;
    }
  },
};
