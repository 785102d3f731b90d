/** Benchmark variants' stack config. */
import type { StackConfig } from "../synth/stackfile";

/** The stack's config with `harborConfig.projects` replaced by `n` generated projects. */
export function withProjects(sc: StackConfig, n: number): StackConfig {
  const key = "registry-platform:harborConfig";
  const hc = JSON.parse(sc.config[key] ?? "{}") as Record<string, unknown>;
  const projects = Array.from({ length: n }, (_, i) => ({
    name: `bench-${String(i).padStart(3, "0")}`,
    pullSecretNamespaces: ["apps"],
  }));
  return { ...sc, config: { ...sc.config, [key]: JSON.stringify({ ...hc, enabled: true, projects }) } };
}
