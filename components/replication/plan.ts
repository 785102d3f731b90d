/**
 * Pure planning of geo-replication (SPEC R6): from the peers of a primary, the Harbor registry endpoint and
 * push replication policies per peer, and whether its backup bucket is replicated. Unit-tested; the
 * components only create what the plan says.
 */

/** A peer's Harbor registry endpoint is `peer-<stack name>` (the config bounds stack names by it). */
export const PEER_ENDPOINT_PREFIX = "peer-";

/** Harbor's policy trigger: one type per policy. */
export type PolicyTrigger =
  { type: "event_based" } | { type: "scheduled"; cron: string } | { type: "manual" };

/** Filters of a push policy. */
export interface PolicyFilters {
  /** Harbor `name` filter: `<project>/<repositories>`, or `{p1,p2}/<repositories>` for several projects. */
  name: string;
  /** Harbor `tag` filter (`matches`), if any. */
  tag?: string;
}

/** One push replication policy. */
export interface PolicySpec {
  /** Policy name (Harbor-unique): `to-<peer>`, the reconcile policy `to-<peer>-reconcile`. */
  name: string;
  description: string;
  filters: PolicyFilters;
  trigger: PolicyTrigger;
  /** `replicate_deletion`. */
  deletion: boolean;
  override: boolean;
  /** KB/s per task, -1 unlimited. */
  speed: number;
  copyByChunk: boolean;
  enabled: boolean;
  /**
   * `dest_namespace`: empty, so every repository keeps its path (`<project>/<repo>`) on the peer — the peer
   * holds projects of the same names (its own config), and `dest_namespace_replace_count` 0 replaces nothing.
   */
  destNamespace: string;
  destNamespaceReplaceCount: number;
}

export interface PeerInput {
  /** Fully qualified stack name `org/project/stack`. */
  stack: string;
  projects?: string[];
  repositories: string;
  tags?: string;
  deletion: boolean;
  trigger: { eventBased: boolean; reconcileSchedule?: string };
  speed: number;
  override: boolean;
  copyByChunk: boolean;
  enabled: boolean;
  backupReplication: { enabled?: boolean; replicationTime: boolean; storageClass?: string };
}

export interface PeerPlan {
  /** The peer's stack name (last part), which names its children. */
  name: string;
  stack: string;
  projects: string[];
  /** Harbor registry endpoint name: `peer-<name>`. */
  endpointName: string;
  policies: PolicySpec[];
  /** S3 replication of the backup bucket into the peer's (AWS only). */
  backupReplication?: { replicationTime: boolean; storageClass?: string };
}

/** `platform` + `**` → `platform/**`; several projects → `{apps,platform}/**`. */
export function nameFilter(projects: readonly string[], repositories: string): string {
  if (projects.length === 0) throw new Error("nameFilter: no project");
  const sorted = [...new Set(projects)].sort();
  const head = sorted.length === 1 ? sorted[0] : `{${sorted.join(",")}}`;
  return `${head}/${repositories}`;
}

/**
 * The plan of every peer. `projects` are the configured regular projects (the default of each peer);
 * `backupReplicationAvailable` is false on S3-compatible stacks (Harbor replication only).
 */
export function replicationPlan(
  peers: readonly PeerInput[],
  projects: readonly string[],
  backupReplicationAvailable: boolean,
): PeerPlan[] {
  const names = new Set<string>();
  return peers.map((p) => {
    const name = p.stack.split("/")[2];
    if (!name) throw new Error(`replication peer ${JSON.stringify(p.stack)}: not organization/project/stack`);
    if (names.has(name)) throw new Error(`replication peer ${p.stack}: stack name ${name} is used twice`);
    names.add(name);
    const peerProjects = [...new Set(p.projects ?? projects)].sort();
    if (peerProjects.length === 0) throw new Error(`replication peer ${p.stack}: no project to replicate`);
    const base = {
      description: `Push ${peerProjects.join(", ")} to ${p.stack} (registry-platform)`,
      filters: { name: nameFilter(peerProjects, p.repositories), ...(p.tags ? { tag: p.tags } : {}) },
      deletion: p.deletion,
      override: p.override,
      speed: p.speed,
      copyByChunk: p.copyByChunk,
      enabled: p.enabled,
      destNamespace: "",
      destNamespaceReplaceCount: 0,
    };
    const schedule = p.trigger.reconcileSchedule;
    const policies: PolicySpec[] = p.trigger.eventBased
      ? [
          { name: `to-${name}`, ...base, trigger: { type: "event_based" } },
          ...(schedule
            ? [
                {
                  name: `to-${name}-reconcile`,
                  ...base,
                  description: `Reconcile: ${base.description}`,
                  trigger: { type: "scheduled" as const, cron: schedule },
                },
              ]
            : []),
        ]
      : [
          {
            name: `to-${name}`,
            ...base,
            trigger: schedule ? { type: "scheduled", cron: schedule } : { type: "manual" },
          },
        ];
    const backup =
      backupReplicationAvailable && p.backupReplication.enabled !== false
        ? {
            replicationTime: p.backupReplication.replicationTime,
            ...(p.backupReplication.storageClass ? { storageClass: p.backupReplication.storageClass } : {}),
          }
        : undefined;
    return {
      name,
      stack: p.stack,
      projects: peerProjects,
      endpointName: `${PEER_ENDPOINT_PREFIX}${name}`,
      policies,
      ...(backup ? { backupReplication: backup } : {}),
    };
  });
}

/** Push-only rights of the replica's replication robot on each project (plus deletes when allowed). */
export const REPLICATION_ROBOT_ACCESS = [
  { resource: "repository", action: "pull" },
  { resource: "repository", action: "push" },
  { resource: "artifact", action: "read" },
  { resource: "tag", action: "list" },
  { resource: "tag", action: "create" },
] as const;

/** Added when the replica allows replicated deletions. */
export const REPLICATION_ROBOT_DELETE_ACCESS = [
  { resource: "repository", action: "delete" },
  { resource: "artifact", action: "delete" },
  { resource: "tag", action: "delete" },
] as const;
