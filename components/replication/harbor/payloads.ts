/**
 * Pure builders of the replication payloads sent to Harbor (swagger definition `ReplicationPolicy`), and
 * their normalization for read-back: what Harbor holds is compared with what is declared, so a refresh
 * shows drift and never a perpetual diff.
 */
import type { PolicySpec, PolicyTrigger } from "../plan";

/** Harbor's replication filter (`ReplicationFilter`). */
export interface HarborFilter {
  type: string;
  value: unknown;
  decoration?: string;
}

/** The declared settings of one push policy plus the destination endpoint id. */
export interface ReplicationPolicySettings extends Omit<PolicySpec, "trigger"> {
  trigger: PolicyTrigger;
  /** Harbor id of the registry endpoint of the peer (`dest_registry.id`). */
  destRegistryId: number;
}

export function policyFilters(s: Pick<PolicySpec, "filters">): HarborFilter[] {
  return [
    { type: "name", value: s.filters.name },
    ...(s.filters.tag ? [{ type: "tag", value: s.filters.tag, decoration: "matches" }] : []),
  ];
}

export function policyTrigger(t: PolicyTrigger): { type: string; trigger_settings: { cron: string } } {
  return { type: t.type, trigger_settings: { cron: t.type === "scheduled" ? t.cron : "" } };
}

/**
 * `POST /replication/policies` and `PUT /replication/policies/{id}` body (ReplicationPolicy): a push policy
 * (no `src_registry`: the local Harbor) to the peer's endpoint. The deletion flag is sent twice: Harbor's create
 * and update read only the deprecated `deletion` (src/server/v2.0/handler/replication.go, v2.13 to v2.15.2 and
 * main: `ReplicateDeletion: params.Policy.Deletion`), and answer it as both `deletion` and `replicate_deletion`.
 * Seen on a real Harbor v2.15.1 (core and jobservice built from its source): a policy sent with
 * `replicate_deletion: true` alone was stored without it, and deleting an artifact replicated nothing.
 */
export function replicationPolicyBody(s: ReplicationPolicySettings): Record<string, unknown> {
  return {
    name: s.name,
    description: s.description,
    dest_registry: { id: s.destRegistryId },
    dest_namespace: s.destNamespace,
    dest_namespace_replace_count: s.destNamespaceReplaceCount,
    trigger: policyTrigger(s.trigger),
    filters: policyFilters(s),
    deletion: s.deletion,
    replicate_deletion: s.deletion,
    override: s.override,
    enabled: s.enabled,
    speed: s.speed,
    copy_by_chunk: s.copyByChunk,
  };
}

/** What Harbor returns for a policy (`GET /replication/policies/{id}`), as far as we read it. */
export interface HarborPolicy {
  id: number;
  name: string;
  description?: string;
  src_registry?: { id?: number } | null;
  dest_registry?: { id?: number } | null;
  dest_namespace?: string;
  dest_namespace_replace_count?: number | null;
  trigger?: { type?: string; trigger_settings?: { cron?: string } | null } | null;
  filters?: HarborFilter[] | null;
  replicate_deletion?: boolean;
  deletion?: boolean;
  override?: boolean;
  enabled?: boolean;
  speed?: number | null;
  copy_by_chunk?: boolean | null;
}

/**
 * The comparable form of a policy body or of what Harbor returns: Harbor omits `false`, `0` and empty
 * values (`omitempty`), may return the deprecated `deletion` instead of `replicate_deletion`, reorders
 * filters, returns `null` for unset nullable fields and drops the cron of non-scheduled triggers.
 */
export function normalizePolicy(p: Record<string, unknown> | HarborPolicy): Record<string, unknown> {
  const h = p as HarborPolicy;
  const triggerType = h.trigger?.type ?? "manual";
  const filters = (h.filters ?? [])
    .map((f) => ({
      type: f.type,
      value: f.value,
      ...(f.type === "tag" || f.type === "label" ? { decoration: f.decoration || "matches" } : {}),
    }))
    .sort(
      (a, b) =>
        a.type.localeCompare(b.type) || JSON.stringify(a.value).localeCompare(JSON.stringify(b.value)),
    );
  return {
    name: h.name,
    description: h.description ?? "",
    destRegistryId: h.dest_registry?.id ?? 0,
    srcRegistryId: h.src_registry?.id ?? 0,
    destNamespace: h.dest_namespace ?? "",
    // -1 (legacy) and 0 both replace nothing when the destination namespace is empty.
    destNamespaceReplaceCount: (h.dest_namespace ?? "") === "" ? 0 : (h.dest_namespace_replace_count ?? -1),
    trigger: {
      type: triggerType,
      cron: triggerType === "scheduled" ? (h.trigger?.trigger_settings?.cron ?? "") : "",
    },
    filters,
    deletion: h.replicate_deletion ?? h.deletion ?? false,
    override: h.override ?? false,
    enabled: h.enabled ?? false,
    speed: h.speed === undefined || h.speed === null || h.speed === 0 ? -1 : h.speed,
    copyByChunk: h.copy_by_chunk ?? false,
  };
}
