/**
 * The rules of `registry-platform:harborConfig` that span entries or keys: unique project names, the pull Secrets
 * the projects write (one name per namespace, short enough to name), proxy-cache URLs Harbor would cut, and the
 * public project a Trivy DB mirror in this registry needs.
 */
import { pullSecretProblems } from "../../components/harbor-config/payloads";
import { keyPath } from "../errors";
import type { PlatformConfig } from "../parse";

interface Issue {
  path: PropertyKey[];
  found: unknown;
  /** Shown instead of the value (a URL holding user info is never echoed). */
  described?: string;
  allowed: string;
}

/** Problems of the Harbor config that involve several entries or other sections. */
export function harborConfigIssues(c: PlatformConfig): Issue[] {
  const out: Issue[] = [];
  const add = (path: PropertyKey[], found: unknown, allowed: string) => out.push({ path, found, allowed });
  const hc = c.harborConfig;
  const h = c.harbor;
  const tls = c.tls;
  const seen = new Map<string, string>();
  hc.projects.forEach((p, i) => {
    const prev = seen.get(p.name);
    if (prev) add(["harborConfig", "projects", i, "name"], p.name, `a name not already used by ${prev}`);
    seen.set(p.name, keyPath(["harborConfig", "projects", i]));
  });
  hc.proxyCaches.forEach((p, i) => {
    const prev = seen.get(p.name);
    if (prev) add(["harborConfig", "proxyCaches", i, "name"], p.name, `a name not already used by ${prev}`);
    seen.set(p.name, keyPath(["harborConfig", "proxyCaches", i]));
  });
  const pullEntries = [
    ...hc.projects.map((p, i) => ({ ...p, path: ["harborConfig", "projects", i, "name"] })),
    ...hc.proxyCaches.map((p, i) => ({ ...p, path: ["harborConfig", "proxyCaches", i, "name"] })),
  ];
  for (const p of pullSecretProblems(pullEntries))
    add(pullEntries[p.index].path, pullEntries[p.index].name, p.allowed);

  // Harbor keeps only scheme://host[:port]/path of an endpoint URL. User info may hold a password: not echoed.
  hc.proxyCaches.forEach((p, i) => {
    const path: PropertyKey[] = ["harborConfig", "proxyCaches", i, "url"];
    const allowed =
      "https://host[:port][/path] without query, fragment or user info (Harbor drops them; credentials belong in the endpoint's credential)";
    if (/^https:\/\/[^/?#]*@/.test(p.url))
      out.push({ path, found: undefined, described: "a URL with user info", allowed });
    else if (/[?#@]/.test(p.url)) add(path, p.url, allowed);
  });

  // Trivy pulls its DB mirrors without credentials (chart 1.19.1 has no setting for them): a mirror in this
  // registry must sit in a public project this config declares.
  if (h.trivy.enabled && hc.enabled) {
    const byProject = new Map<string, string[]>();
    for (const k of ["dbRepository", "javaDbRepository"] as const) {
      const repo = h.trivy[k];
      if (!repo) continue;
      const [registry, project] = repo.split("/");
      const host = registry.replace(/:443$/, "");
      if (host !== c.host && !tls.extraSans.includes(host)) continue;
      byProject.set(project, [...(byProject.get(project) ?? []), `${repo} (harbor.trivy.${k})`]);
      const declared = hc.projects.some((p) => p.name === project);
      if (!declared)
        add(
          ["harbor", "trivy", k],
          repo,
          `a repository in a project of harborConfig.projects with public: true (Trivy pulls it without credentials; "${project}" is ${
            hc.proxyCaches.some((p) => p.name === project)
              ? "a proxy-cache project, which is private"
              : "not declared"
          })`,
        );
    }
    hc.projects.forEach((p, i) => {
      const repos = byProject.get(p.name);
      if (repos && !p.public)
        add(
          ["harborConfig", "projects", i, "public"],
          false,
          `true: Trivy pulls ${repos.join(" and ")} from this registry without credentials (the chart gives it none), so the mirror project must be public (readable by anyone who reaches the registry)`,
        );
      if (repos && p.tagRetention)
        add(
          ["harborConfig", "projects", i, "tagRetention"],
          true,
          `false: the mirror project holds ${repos.join(" and ")}, whose tags (2, 1) are no releases: the project's daily tag retention deletes them and scans lose their vulnerability DB`,
        );
    });
  }

  return out;
}
