/**
 * `harbor:ReplicationPolicy`: a push replication policy to a peer's registry endpoint. Identity: the policy
 * name (Harbor-unique); an existing policy of that name is adopted and converged. `read` brings back what Harbor
 * holds, normalized (see {@link normalizePolicy}), so drift shows and nothing shows a perpetual diff.
 */
import { HARBOR_KIND } from "../../harbor-config/kinds";
import { hasStatus, HarborClient } from "../../harbor-config/client";
import { BaseInputs, Crud, diffInputs, idFromLocation, same } from "../../harbor-config/crud/common";
import type { PolicyFilters } from "../plan";
import {
  HarborFilter,
  HarborPolicy,
  normalizePolicy,
  policyFilters,
  ReplicationPolicySettings,
  replicationPolicyBody,
} from "./payloads";

export interface ReplicationPolicyInputs extends BaseInputs, ReplicationPolicySettings {}

export interface ReplicationPolicyOutputs extends ReplicationPolicyInputs {
  policyId: number;
  adopted: boolean;
}

const SETTINGS: readonly (keyof ReplicationPolicySettings)[] = [
  "description",
  "destRegistryId",
  "destNamespace",
  "destNamespaceReplaceCount",
  "trigger",
  "filters",
  "deletion",
  "override",
  "enabled",
  "speed",
  "copyByChunk",
];

function settingsOf(i: ReplicationPolicyInputs): ReplicationPolicySettings {
  return {
    name: i.name,
    description: i.description,
    destRegistryId: i.destRegistryId,
    destNamespace: i.destNamespace,
    destNamespaceReplaceCount: i.destNamespaceReplaceCount,
    trigger: i.trigger,
    filters: i.filters,
    deletion: i.deletion,
    override: i.override,
    enabled: i.enabled,
    speed: i.speed,
    copyByChunk: i.copyByChunk,
  };
}

export async function findPolicy(client: HarborClient, name: string): Promise<HarborPolicy | undefined> {
  const all = await client.listAll<HarborPolicy>("/replication/policies", { name });
  return all.find((p) => p.name === name);
}

/** What Harbor holds, in our input shape (for `read`). */
export function settingsFromHarbor(h: HarborPolicy): ReplicationPolicySettings {
  const n = normalizePolicy(h);
  const trigger = n.trigger as { type: string; cron: string };
  const filters = n.filters as HarborFilter[];
  const name = filters.find((f) => f.type === "name")?.value;
  const tag = filters.find((f) => f.type === "tag")?.value;
  const parsed: PolicyFilters = {
    name: typeof name === "string" ? name : "",
    ...(typeof tag === "string" ? { tag } : {}),
  };
  // Filters the declared shape cannot express (a label or resource filter, a tag filter that excludes, a
  // second filter of a type, added in Harbor's UI) are kept as Harbor holds them, so that diff shows them.
  const expressible = same(normalizePolicy({ filters: policyFilters({ filters: parsed }) }).filters, filters);
  const readFilters: PolicyFilters & { heldInHarbor?: HarborFilter[] } = expressible
    ? parsed
    : { ...parsed, heldInHarbor: filters };
  return {
    name: h.name,
    description: n.description as string,
    destRegistryId: n.destRegistryId as number,
    destNamespace: n.destNamespace as string,
    destNamespaceReplaceCount: n.destNamespaceReplaceCount as number,
    trigger:
      trigger.type === "scheduled"
        ? { type: "scheduled", cron: trigger.cron }
        : trigger.type === "event_based"
          ? { type: "event_based" }
          : { type: "manual" },
    filters: readFilters,
    deletion: n.deletion as boolean,
    override: n.override as boolean,
    enabled: n.enabled as boolean,
    speed: n.speed as number,
    copyByChunk: n.copyByChunk as boolean,
  };
}

export const replicationPolicyCrud: Crud<ReplicationPolicyInputs, ReplicationPolicyOutputs> = {
  kind: HARBOR_KIND.replicationPolicy,

  diff(olds, news) {
    return diffInputs<ReplicationPolicyInputs>(olds, news, [...SETTINGS], ["name"]);
  },

  async create(client, inputs) {
    const s = settingsOf(inputs);
    const lookup = async () => {
      const p = await findPolicy(client, s.name);
      return p ? { id: p.id } : undefined;
    };
    const { value, outcome } = await client.createGuarded<{ id: number }>(
      `replication policy ${s.name}`,
      async () => {
        const r = await client.request({
          method: "POST",
          path: "/replication/policies",
          body: replicationPolicyBody(s),
        });
        const id = idFromLocation(r.headers.location);
        const found = id !== undefined ? { id } : await lookup();
        if (!found) throw new Error(`replication policy "${s.name}" was created but cannot be found`);
        return found;
      },
      lookup,
    );
    if (outcome !== "created") {
      const current = await client.get<HarborPolicy>(`/replication/policies/${value.id}`);
      if (!same(normalizePolicy(current), normalizePolicy(replicationPolicyBody(s))))
        await client.request({
          method: "PUT",
          path: `/replication/policies/${value.id}`,
          body: replicationPolicyBody(s),
        });
    }
    return { id: String(value.id), outs: { ...inputs, policyId: value.id, adopted: outcome === "existing" } };
  },

  async read(client, id, props) {
    const h = await client.find<HarborPolicy>(`/replication/policies/${Number(id)}`);
    if (!h) return {};
    return { id, props: { ...props, ...settingsFromHarbor(h) } };
  },

  async update(client, id, olds, news) {
    await client.request({
      method: "PUT",
      path: `/replication/policies/${Number(id)}`,
      body: replicationPolicyBody(settingsOf(news)),
    });
    return { outs: { ...news, policyId: Number(id), adopted: olds.adopted } };
  },

  async delete(client, id, props) {
    try {
      await client.deleteIfExists(`/replication/policies/${Number(id)}`);
    } catch (e) {
      if (hasStatus(e, 412))
        throw new Error(
          `Harbor refuses to delete replication policy "${props.name}" while it has running executions: ` +
            `stop them (Administration → Replications → the policy → Stop) and run the update again ` +
            `(${e.message})`,
        );
      throw e;
    }
  },
};
