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
import { harborConnection } from "./connection";
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
  PUSH_ROBOT_ACCESS,
  RELEASE_TAG_PATTERN,
  registryHostOf,
} from "./payloads";
import { HarborConfigArgs, harborConfigPlan } from "./plan";
import { suspendPromiseStacks } from "../promise-stacks";

/** Robot short names. */
export const PULL_ROBOT_NAME = "cluster-pull";
export const PUSH_ROBOT_NAME = "ci-push";

export type { HarborConfigArgs, HarborConfigPlan, HarborProjectSpec, ProxyCacheSpec } from "./plan";
export { harborConfigPlan } from "./plan";

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
      const projectOpts: pulumi.CustomResourceOptions = { ...childOpts, protect: plan.protectProjects };
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
          projectOpts,
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
          projectOpts,
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
