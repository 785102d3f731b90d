/** Benchmark variants' stack config. */
import type { StackConfig } from "../synth/stackfile";

/**
 * The stack's config with `n` Harbor projects: the stack's own projects first (other keys refer to them, e.g.
 * `policy.signatures.projects`), then generated ones; without replication peers.
 */
export function withProjects(sc: StackConfig, n: number): StackConfig {
  const key = "registry-platform:harborConfig";
  const hc = JSON.parse(sc.config[key] ?? "{}") as Record<string, unknown>;
  const own = ((hc.projects as unknown[] | undefined) ?? []).slice(0, n);
  const projects = [
    ...own,
    ...Array.from({ length: n - own.length }, (_, i) => ({
      name: `bench-${String(i).padStart(3, "0")}`,
      pullSecretNamespaces: ["apps"],
    })),
  ];
  // Replication is left out of both scaling variants: a peer must hold every replicated project, and the
  // generated ones exist on no replica.
  const { ["registry-platform:replication"]: _replication, ...config } = sc.config;
  void _replication;
  return { ...sc, config: { ...config, [key]: JSON.stringify({ ...hc, enabled: true, projects }) } };
}

/** The stack's config with `n` replication peers `organization/<project>/bench-peer-<i>`. */
export function withPeers(sc: StackConfig, project: string, n: number): StackConfig {
  const peers = Array.from({ length: n }, (_, i) => ({
    stack: `organization/${project}/bench-peer-${i + 1}`,
    trigger: { eventBased: true, reconcileSchedule: "0 30 4 * * *" },
  }));
  return { ...sc, config: { ...sc.config, "registry-platform:replication": JSON.stringify({ peers }) } };
}
