/**
 * `HarborConfig`: Harbor configured as code (SPEC R4) on top of the dynamic resources in `./dynamic`.
 *
 * Per project: the project (private, scan on push, vulnerability gate, cosign, quota), a pull-only robot for
 * clusters, a separate push robot for CI, a tag immutability rule for semver release tags, the seed's tag
 * retention policy, and a `kubernetes.io/dockerconfigjson` pull secret (pull robot) in each listed namespace.
 * System-wide: the GC schedule, the audit log purge schedule, audit log forwarding (when an endpoint is
 * configured). Optional proxy-cache projects with their upstream registry endpoints and pull robots.
 *
 * Only the dynamic providers hold the admin credentials (a secret connection input); workloads get robots.
 */
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as pulumi from "@pulumi/pulumi";
import { HarborApiArgs, harborConnection } from "./connection";
import {
  AuditLogForwarding,
  GcSchedule,
  ImmutableTagRule,
  Project,
  PurgeAuditSchedule,
  Registry,
  RetentionPolicy,
  RobotAccount,
} from "./dynamic";
import {
  dockerConfigJson,
  PULL_ROBOT_ACCESS,
  pullSecretName,
  pullSecretProblems,
  PUSH_ROBOT_ACCESS,
  RELEASE_TAG_PATTERN,
  registryHostOf,
  RetentionSettings,
  Severity,
} from "./payloads";
import { suspendPromiseStacks } from "../promise-stacks";
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
}

/** Robot short names. */
export const PULL_ROBOT_NAME = "cluster-pull";
export const PUSH_ROBOT_NAME = "ci-push";

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
  };
}

/** Child resource names: `${name}-<project>-<role>`; Kubernetes names are sanitised. */
function childName(component: string, ...parts: string[]): string {
  return [component, ...parts].join("-");
}

/** Per-project outputs. */
export interface HarborProjectOutputs {
  projectId: pulumi.Output<number>;
  /** Pull robot login name, e.g. `robot$platform+cluster-pull`. */
  pullRobotName: pulumi.Output<string>;
  /** Push robot login name (CI); absent for proxy caches. */
  pushRobotName?: pulumi.Output<string>;
  /** `namespace/name` of each pull secret. */
  pullSecrets: string[];
  proxyCache: boolean;
}

export class HarborConfig extends pulumi.ComponentResource {
  /** Outputs per project name (regular and proxy-cache projects). */
  readonly projects: Record<string, HarborProjectOutputs>;
  /** Pull robot secret per project (secret). */
  readonly pullRobotSecrets: Record<string, pulumi.Output<string>>;
  /** Push robot secret per project (secret); hand to CI. */
  readonly pushRobotSecrets: Record<string, pulumi.Output<string>>;
  /** `.dockerconfigjson` of the pull robot per project (secret), as put into the pull secrets. */
  readonly pullDockerConfigJson: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: HarborConfigArgs, opts?: pulumi.ComponentResourceOptions) {
    // Refuses bad arguments (every problem at once) before anything is registered.
    const plan = harborConfigPlan(args);
    super("registry-platform:harbor-config:HarborConfig", name, {}, opts);
    const restoreStacks = suspendPromiseStacks();
    try {
      // Children do not inherit the component's dependsOn: pass it on so nothing calls Harbor before it is up.
      // `deletedWith` goes to the Harbor API resources only (HarborApiArgs.deletedWith), not the pull Secrets.
      const childOpts: pulumi.CustomResourceOptions = {
        parent: this,
        dependsOn: opts?.dependsOn,
        deletedWith: args.deletedWith,
      };
      const connection = harborConnection(args);
      const host = args.registryHost
        ? pulumi.output(args.registryHost)
        : pulumi.output(args.url).apply(registryHostOf);

      this.projects = {};
      this.pullRobotSecrets = {};
      this.pushRobotSecrets = {};
      this.pullDockerConfigJson = {};

      const pullAccess = (projectName: string, project: Project, proxy: boolean, namespaces: string[]) => {
        const robot = new RobotAccount(
          childName(name, projectName, "pull-robot"),
          {
            connection,
            project: project.name,
            name: PULL_ROBOT_NAME,
            description: `Pull-only robot for Kubernetes clusters (${proxy ? "proxy cache" : "project"} ${projectName})`,
            access: PULL_ROBOT_ACCESS.map((a) => ({ ...a })),
            rotation: plan.robotRotation,
          },
          childOpts,
        );
        const secret = pulumi.secret(robot.secret);
        const configJson = pulumi.secret(
          pulumi
            .all([host, robot.fullName, secret])
            .apply(([h, user, pass]) => dockerConfigJson(h, user, pass)),
        );
        const pullSecrets = namespaces.map((ns) => {
          new corev1.Secret(
            childName(name, projectName, "pull-secret", ns),
            {
              metadata: {
                name: pullSecretName(projectName),
                namespace: ns,
                labels: {
                  "app.kubernetes.io/managed-by": "pulumi",
                  "app.kubernetes.io/part-of": "registry-platform",
                  "registry-platform/harbor-project": projectName,
                },
              },
              type: "kubernetes.io/dockerconfigjson",
              stringData: { ".dockerconfigjson": configJson },
            },
            { parent: this },
          );
          return `${ns}/${pullSecretName(projectName)}`;
        });
        this.pullRobotSecrets[projectName] = secret;
        this.pullDockerConfigJson[projectName] = configJson;
        return { robot, pullSecrets };
      };

      for (const p of plan.projects) {
        const project = new Project(
          childName(name, p.name, "project"),
          { connection, name: p.name, ...p.settings },
          childOpts,
        );
        const { robot, pullSecrets } = pullAccess(p.name, project, false, p.pullSecretNamespaces);
        const push = new RobotAccount(
          childName(name, p.name, "push-robot"),
          {
            connection,
            project: project.name,
            name: PUSH_ROBOT_NAME,
            description: `Push robot for CI (project ${p.name})`,
            access: PUSH_ROBOT_ACCESS.map((a) => ({ ...a })),
            rotation: plan.robotRotation,
          },
          childOpts,
        );
        if (p.immutableReleaseTags) {
          new ImmutableTagRule(
            childName(name, p.name, "immutable-releases"),
            { connection, project: project.name, tagPattern: RELEASE_TAG_PATTERN },
            childOpts,
          );
        }
        if (p.tagRetention)
          new RetentionPolicy(
            childName(name, p.name, "retention"),
            {
              connection,
              project: project.name,
              ...plan.retention,
              releasesImmutable: p.immutableReleaseTags,
            },
            childOpts,
          );
        this.projects[p.name] = {
          projectId: project.projectId,
          pullRobotName: robot.fullName,
          pushRobotName: push.fullName,
          pullSecrets,
          proxyCache: false,
        };
        this.pushRobotSecrets[p.name] = pulumi.secret(push.secret);
      }

      for (const c of plan.proxyCaches) {
        const registry = new Registry(
          childName(name, c.name, "upstream"),
          {
            connection,
            name: `${c.name}-upstream`,
            type: c.type,
            url: c.url,
            description: `Upstream of proxy cache ${c.name}`,
          },
          childOpts,
        );
        const project = new Project(
          childName(name, c.name, "project"),
          { connection, name: c.name, registryId: registry.registryId },
          childOpts,
        );
        const { robot, pullSecrets } = pullAccess(c.name, project, true, c.pullSecretNamespaces);
        this.projects[c.name] = {
          projectId: project.projectId,
          pullRobotName: robot.fullName,
          pullSecrets,
          proxyCache: true,
        };
      }

      new GcSchedule(childName(name, "gc"), { connection, ...plan.gc }, childOpts);
      new PurgeAuditSchedule(childName(name, "audit-purge"), { connection, ...plan.purge }, childOpts);
      if (plan.forwarding) {
        new AuditLogForwarding(
          childName(name, "audit-forwarding"),
          { connection, ...plan.forwarding },
          childOpts,
        );
      }

      this.registerOutputs({
        projects: this.projects,
        pullRobotSecrets: this.pullRobotSecrets,
        pushRobotSecrets: this.pushRobotSecrets,
        pullDockerConfigJson: this.pullDockerConfigJson,
      });
    } finally {
      restoreStacks();
    }
  }
}
