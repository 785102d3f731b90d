/**
 * `HarborConfig`'s arguments and what it makes of them: {@link harborConfigPlan} applies the defaults and checks the
 * args (pure, unit-tested); the component registers what the plan lists.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { HarborApiArgs } from "./connection";
import { pullSecretProblems, RetentionSettings, Severity } from "./payloads";
import { shownValue } from "../redact";

/** One project as configured. */
export interface HarborProjectSpec {
  name: string;
  /** Anonymous pull. Default false. */
  public?: boolean;
  /** Block pulls of artifacts with vulnerabilities at or above `severity`. Default true. */
  preventVulnerable?: boolean;
  /** Default `high`. */
  severity?: Severity;
  /** Only cosign-signed artifacts can be pulled. Default false. */
  cosign?: boolean;
  /** Storage quota in GiB; -1 = unlimited. Default -1. */
  quotaGiB?: number;
  /** Namespaces that get this project's pull secret. Default none. */
  pullSecretNamespaces?: string[];
  /**
   * Make semver release tags immutable. Default true. Harbor's retention never deletes immutable artifacts,
   * so the two settings are one choice per project: with this on, the project's retention policy retains every
   * release (`retention.keepLatestReleases` does not apply to it); with it off, releases beyond the latest N
   * are deleted and may be re-pushed under the same tag.
   */
  immutableReleaseTags?: boolean;
  /**
   * Give the project the tag retention policy (`HarborConfigArgs.retention`). Default true. Retention deletes
   * every artifact no rule keeps (anything but releases, recent build tags, `stable`/`lts`): set false for a
   * project holding other tags, such as a mirror.
   */
  tagRetention?: boolean;
}

/** A proxy-cache project for an upstream registry. */
export interface ProxyCacheSpec {
  name: string;
  /** Harbor adapter type: docker-hub, docker-registry, quay, github-ghcr, harbor. */
  type: string;
  /** Upstream URL (https). */
  url: string;
  /** Namespaces that get this proxy cache's pull secret. Default none. */
  pullSecretNamespaces?: string[];
}

/** Harbor to configure (`url`, `adminUsername`, `adminPassword`, `caBundlePem`, `retry`: see HarborApiArgs). */
export interface HarborConfigArgs extends HarborApiArgs {
  /** Registry host in pull secrets. Default: host[:port] of `url`. */
  registryHost?: pulumi.Input<string>;
  /** Projects to manage. Default none. */
  projects?: HarborProjectSpec[];
  /**
   * Tag retention of every (non-proxy) project. Defaults: 10 releases, 14 days, `0 0 2 * * *`, stable+lts.
   * `keepLatestReleases` applies only to projects with `immutableReleaseTags: false`.
   */
  retention?: Partial<RetentionSettings>;
  /** GC schedule. Defaults: `0 0 3 * * 0` (weekly), delete untagged, 1 worker. */
  gc?: { schedule?: string; deleteUntagged?: boolean; workers?: number };
  /** Audit log. Defaults: purge `0 0 4 * * *`, keep 2160 h, no forwarding. */
  auditLog?: {
    purgeSchedule?: string;
    retentionHours?: number;
    forwardEndpoint?: string;
    skipDatabase?: boolean;
  };
  /** Proxy-cache projects. Default none. */
  proxyCaches?: ProxyCacheSpec[];
  /** Change to rotate every robot secret. Default "1". */
  robotRotation?: string;
  /**
   * Give every project (regular and proxy cache) the `protect` option. Default false; `RegistryPlatform` sets it
   * from the stack's `protect` (true in prod). A project holds images, and Harbor refuses to delete one that still
   * has repositories (`412`) only after the engine has deleted its robots and pull Secrets (they depend on it). With
   * this on, a config that drops or renames a project fails at preview, before anything is deleted; to remove a
   * project on purpose, `pulumi state unprotect` it first. `pulumi up --skip-preview` skips that check: the engine
   * then deletes the project's robots and pull Secrets before it refuses the project (seen on the real engine).
   */
  protectProjects?: boolean;
}

/** Everything the component creates, derived from the args (pure, unit-tested). */
export interface HarborConfigPlan {
  projects: {
    name: string;
    settings: {
      public: boolean;
      preventVulnerable: boolean;
      severity: Severity;
      cosign: boolean;
      quotaGiB: number;
    };
    immutableReleaseTags: boolean;
    tagRetention: boolean;
    pullSecretNamespaces: string[];
  }[];
  proxyCaches: { name: string; type: string; url: string; pullSecretNamespaces: string[] }[];
  retention: RetentionSettings;
  gc: { schedule: string; deleteUntagged: boolean; workers: number };
  purge: { schedule: string; retentionHours: number };
  forwarding?: { endpoint: string; skipDatabase: boolean };
  robotRotation: string;
  protectProjects: boolean;
}

/** Applies defaults and checks the args; throws one error listing every problem. */
export function harborConfigPlan(args: HarborConfigArgs): HarborConfigPlan {
  const problems: string[] = [];
  const seen = new Set<string>();
  const claim = (name: string, where: string) => {
    if (seen.has(name)) problems.push(`${where}: project name "${name}" is used twice`);
    seen.add(name);
  };
  const projects = (args.projects ?? []).map((p, i) => {
    claim(p.name, `projects[${i}]`);
    const quotaGiB = p.quotaGiB ?? -1;
    if (!Number.isInteger(quotaGiB) || quotaGiB < -1)
      problems.push(`projects[${i}].quotaGiB: -1 or a whole number`);
    return {
      name: p.name,
      settings: {
        public: p.public ?? false,
        preventVulnerable: p.preventVulnerable ?? true,
        severity: p.severity ?? "high",
        cosign: p.cosign ?? false,
        quotaGiB,
      },
      immutableReleaseTags: p.immutableReleaseTags ?? true,
      tagRetention: p.tagRetention ?? true,
      pullSecretNamespaces: [...new Set(p.pullSecretNamespaces ?? [])],
    };
  });
  const proxyCaches = (args.proxyCaches ?? []).map((c, i) => {
    claim(c.name, `proxyCaches[${i}]`);
    if (!/^https:\/\//.test(c.url)) problems.push(`proxyCaches[${i}].url: an https URL`);
    // Harbor keeps only scheme://host/path of an endpoint URL: a query, fragment or user info would be dropped.
    else if (/[?#@]/.test(c.url))
      problems.push(
        `proxyCaches[${i}].url: found ${shownValue(c.url)}; allowed: scheme://host[:port][/path] without ` +
          `query, fragment or user info (Harbor drops them; credentials belong in the endpoint's credential)`,
      );
    return {
      name: c.name,
      type: c.type,
      url: c.url,
      pullSecretNamespaces: [...new Set(c.pullSecretNamespaces ?? [])],
    };
  });
  const where = [
    ...projects.map((_, i) => `projects[${i}]`),
    ...proxyCaches.map((_, i) => `proxyCaches[${i}]`),
  ];
  for (const p of pullSecretProblems([...projects, ...proxyCaches]))
    problems.push(`${where[p.index]}.name: ${p.allowed}`);
  const retention: RetentionSettings = {
    keepLatestReleases: args.retention?.keepLatestReleases ?? 10,
    buildTagDays: args.retention?.buildTagDays ?? 14,
    schedule: args.retention?.schedule ?? "0 0 2 * * *",
    foreverTags: args.retention?.foreverTags ?? ["stable", "lts"],
  };
  if (retention.keepLatestReleases < 1) problems.push("retention.keepLatestReleases: at least 1");
  if (retention.buildTagDays < 1) problems.push("retention.buildTagDays: at least 1");
  const endpoint = args.auditLog?.forwardEndpoint;
  if (problems.length > 0)
    throw new Error(`HarborConfig: invalid arguments:\n  - ${problems.join("\n  - ")}`);
  return {
    projects,
    proxyCaches,
    retention,
    gc: {
      schedule: args.gc?.schedule ?? "0 0 3 * * 0",
      deleteUntagged: args.gc?.deleteUntagged ?? true,
      workers: args.gc?.workers ?? 1,
    },
    purge: {
      schedule: args.auditLog?.purgeSchedule ?? "0 0 4 * * *",
      retentionHours: args.auditLog?.retentionHours ?? 2160,
    },
    ...(endpoint ? { forwarding: { endpoint, skipDatabase: args.auditLog?.skipDatabase ?? false } } : {}),
    robotRotation: args.robotRotation ?? "1",
    protectProjects: args.protectProjects ?? false,
  };
}
