/**
 * Pulumi dynamic resources for Harbor, one class per kind (`pulumi-nodejs:dynamic:Resource`, dispatch on the
 * `kind` input). They are registered the way `pulumi.dynamic.Resource` registers a resource, except that the
 * `__provider` input is the fixed loader text of `./provider-loader.ts` instead of a closure serialization of
 * the provider: the engine runs the implementation (`./provider.ts`, over `./crud` and `./client`) from the
 * installed package, the state holds no client code, and registering costs no serialization.
 *
 * Secrets: the connection (admin password) is a secret input and a secret output; robot secrets and registry
 * credentials are listed in `additionalSecretOutputs`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { HarborConnection } from "./client";
import { HARBOR_KIND } from "./kinds";
import { ALL_REPOSITORIES, RELEASE_TAG_PATTERN, RobotAccess, Severity } from "./payloads";
import { secretConnection } from "./connection";
import { HARBOR_PROVIDER_TEXT } from "./provider-loader";
import { nestInputs } from "./shape";

export { HARBOR_PROVIDER_TEXT, IMPLEMENTATION, PACKAGE } from "./provider-loader";

/** The resource type of every Harbor resource: the engine's dynamic provider runs them. */
export const DYNAMIC_RESOURCE_TYPE = "pulumi-nodejs:dynamic:Resource";

/** How a Harbor resource registers its properties. */
export interface HarborResourceShape {
  /** Outputs stored as secrets besides `connection`. Default none. */
  secretOutputs?: readonly string[];
  /** Inputs registered top-level instead of under `spec` (those the class also declares as outputs). */
  topLevel?: readonly string[];
}

/**
 * Base of the Harbor resources: a dynamic resource whose `__provider` is {@link HARBOR_PROVIDER_TEXT}.
 * (`pulumi.dynamic.Resource` would serialize a provider object into it instead.) The base makes `connection` a
 * secret and lists it, and `shape.secretOutputs`, in `additionalSecretOutputs`.
 */
export abstract class HarborResource extends pulumi.CustomResource {
  /**
   * `props`: the resource's inputs, and its declared outputs as `undefined`; registered with the inputs under
   * `spec` ({@link nestInputs}) except `kind`, `connection` and `shape.topLevel`.
   */
  constructor(
    name: string,
    props: pulumi.Inputs & { kind: string; connection: pulumi.Input<HarborConnection> },
    opts?: pulumi.CustomResourceOptions,
    shape: HarborResourceShape = {},
  ) {
    if ("__provider" in props) throw new Error("a Harbor resource must not define the __provider input");
    super(
      DYNAMIC_RESOURCE_TYPE,
      name,
      {
        ...nestInputs({ ...props, connection: secretConnection(props.connection) }, shape.topLevel ?? []),
        __provider: HARBOR_PROVIDER_TEXT,
      },
      harborOptions(opts, shape.secretOutputs ?? []),
    );
  }
}

/** Every Harbor dynamic resource takes the connection. */
export interface HarborResourceArgs {
  /** Harbor URL, admin credentials, CA bundle, retry policy. Always stored as a secret. */
  connection: pulumi.Input<HarborConnection>;
}

/** `opts` with `connection` and `secretOutputs` added to `additionalSecretOutputs`. */
function harborOptions(
  opts: pulumi.CustomResourceOptions | undefined,
  secretOutputs: readonly string[],
): pulumi.CustomResourceOptions {
  return {
    ...opts,
    additionalSecretOutputs: [
      ...new Set([...(opts?.additionalSecretOutputs ?? []), "connection", ...secretOutputs]),
    ],
  };
}

// ── Project ───────────────────────────────────────────────────────────────────────────────────────────────

export interface ProjectArgs extends HarborResourceArgs {
  /** Project name (identity: a change replaces the project). */
  name: pulumi.Input<string>;
  /** Anonymous pull. Default false. */
  public?: pulumi.Input<boolean>;
  /** Scan on push. Default true. */
  scanOnPush?: pulumi.Input<boolean>;
  /** Block pulls of vulnerable artifacts at or above `severity`. Default true. */
  preventVulnerable?: pulumi.Input<boolean>;
  /** Default `high`. */
  severity?: pulumi.Input<Severity>;
  /** Require cosign signatures to pull. Default false. */
  cosign?: pulumi.Input<boolean>;
  /** Storage quota in GiB, -1 = unlimited. Default -1. */
  quotaGiB?: pulumi.Input<number>;
  /** Makes this a proxy-cache project of that registry endpoint (replaces on change). */
  registryId?: pulumi.Input<number>;
}

/** A Harbor project (`harbor:Project`). */
export class Project extends HarborResource {
  declare readonly name: pulumi.Output<string>;
  declare readonly projectId: pulumi.Output<number>;

  constructor(name: string, args: ProjectArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      name,
      {
        kind: HARBOR_KIND.project,
        connection: args.connection,
        name: args.name,
        public: args.public ?? false,
        scanOnPush: args.scanOnPush ?? true,
        preventVulnerable: args.preventVulnerable ?? true,
        severity: args.severity ?? "high",
        cosign: args.cosign ?? false,
        quotaGiB: args.quotaGiB ?? -1,
        registryId: args.registryId,
        projectId: undefined,
      },
      opts,
      // `name` is also an output (robots' `project` input takes it): it stays a top-level property.
      { topLevel: ["name"] },
    );
  }
}

// ── RobotAccount ──────────────────────────────────────────────────────────────────────────────────────────

export interface RobotAccountArgs extends HarborResourceArgs {
  /** Project name. */
  project: pulumi.Input<string>;
  /** Short name; Harbor's login name is `robot$<project>+<name>`. */
  name: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  /** Permissions in the project. */
  access: pulumi.Input<RobotAccess[]>;
  /** Days until expiry; -1 = never. Default -1. */
  duration?: pulumi.Input<number>;
  /** Change to refresh the secret. Default "1". */
  rotation?: pulumi.Input<string>;
}

/** A project-level robot account (`harbor:RobotAccount`); `secret` is a secret output. */
export class RobotAccount extends HarborResource {
  declare readonly fullName: pulumi.Output<string>;
  declare readonly secret: pulumi.Output<string>;

  constructor(name: string, args: RobotAccountArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      name,
      {
        kind: HARBOR_KIND.robot,
        connection: args.connection,
        project: args.project,
        name: args.name,
        description: args.description ?? "",
        access: args.access,
        duration: args.duration ?? -1,
        rotation: args.rotation ?? "1",
        fullName: undefined,
        secret: undefined,
      },
      opts,
      { secretOutputs: ["secret"] },
    );
  }
}

// ── ImmutableTagRule ──────────────────────────────────────────────────────────────────────────────────────

export interface ImmutableTagRuleArgs extends HarborResourceArgs {
  project: pulumi.Input<string>;
  /** Default: semver release tags `vMAJOR.MINOR.PATCH` ({@link RELEASE_TAG_PATTERN}). */
  tagPattern?: pulumi.Input<string>;
  /** Default `**` (every repository). */
  repoPattern?: pulumi.Input<string>;
  disabled?: pulumi.Input<boolean>;
}

/** A tag immutability rule (`harbor:ImmutableTagRule`). */
export class ImmutableTagRule extends HarborResource {
  constructor(name: string, args: ImmutableTagRuleArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      name,
      {
        kind: HARBOR_KIND.immutableRule,
        connection: args.connection,
        project: args.project,
        tagPattern: args.tagPattern ?? RELEASE_TAG_PATTERN,
        repoPattern: args.repoPattern ?? ALL_REPOSITORIES,
        disabled: args.disabled ?? false,
      },
      opts,
    );
  }
}

// ── RetentionPolicy ───────────────────────────────────────────────────────────────────────────────────────

export interface RetentionPolicyArgs extends HarborResourceArgs {
  project: pulumi.Input<string>;
  /** Default 10. */
  keepLatestReleases?: pulumi.Input<number>;
  /** Default 14. */
  buildTagDays?: pulumi.Input<number>;
  /** 6-field cron. Default `0 0 2 * * *`. */
  schedule?: pulumi.Input<string>;
  /** Default `["stable", "lts"]`. */
  foreverTags?: pulumi.Input<string[]>;
  /**
   * The project's release tags are immutable: releases are retained `always` instead of the latest
   * `keepLatestReleases` (Harbor's retention never deletes immutable artifacts). Default false.
   */
  releasesImmutable?: pulumi.Input<boolean>;
}

/** The project's tag retention policy (`harbor:RetentionPolicy`), rules per seed §4.5. */
export class RetentionPolicy extends HarborResource {
  constructor(name: string, args: RetentionPolicyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      name,
      {
        kind: HARBOR_KIND.retention,
        connection: args.connection,
        project: args.project,
        keepLatestReleases: args.keepLatestReleases ?? 10,
        buildTagDays: args.buildTagDays ?? 14,
        schedule: args.schedule ?? "0 0 2 * * *",
        foreverTags: args.foreverTags ?? ["stable", "lts"],
        releasesImmutable: args.releasesImmutable ?? false,
      },
      opts,
    );
  }
}

// ── system singletons ─────────────────────────────────────────────────────────────────────────────────────

export interface GcScheduleArgs extends HarborResourceArgs {
  /** 6-field cron. Default weekly, Sunday 03:00 (`0 0 3 * * 0`). */
  schedule?: pulumi.Input<string>;
  /** Default true. */
  deleteUntagged?: pulumi.Input<boolean>;
  /** Default 1. */
  workers?: pulumi.Input<number>;
}

/** Harbor's garbage collection schedule (`harbor:GcSchedule`). */
export class GcSchedule extends HarborResource {
  constructor(name: string, args: GcScheduleArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      name,
      {
        kind: HARBOR_KIND.gc,
        connection: args.connection,
        schedule: args.schedule ?? "0 0 3 * * 0",
        deleteUntagged: args.deleteUntagged ?? true,
        workers: args.workers ?? 1,
      },
      opts,
    );
  }
}

export interface PurgeAuditScheduleArgs extends HarborResourceArgs {
  /** Default daily 04:00 (`0 0 4 * * *`). */
  schedule?: pulumi.Input<string>;
  /** Default 2160 (90 days). */
  retentionHours?: pulumi.Input<number>;
  /** Default: every type Harbor reports. */
  eventTypes?: pulumi.Input<string[]>;
}

/** Harbor's audit log purge schedule (`harbor:PurgeAuditSchedule`). */
export class PurgeAuditSchedule extends HarborResource {
  declare readonly purgedEventTypes: pulumi.Output<string[]>;

  constructor(name: string, args: PurgeAuditScheduleArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      name,
      {
        kind: HARBOR_KIND.purgeAudit,
        connection: args.connection,
        schedule: args.schedule ?? "0 0 4 * * *",
        retentionHours: args.retentionHours ?? 2160,
        eventTypes: args.eventTypes ?? [],
        purgedEventTypes: undefined,
      },
      opts,
    );
  }
}

export interface AuditLogForwardingArgs extends HarborResourceArgs {
  /** syslog endpoint `host:port`. */
  endpoint: pulumi.Input<string>;
  /** Forward only, keep no audit log in Harbor's database. Default false. */
  skipDatabase?: pulumi.Input<boolean>;
}

/** Audit log forwarding to a syslog endpoint (`harbor:AuditLogForwarding`). */
export class AuditLogForwarding extends HarborResource {
  constructor(name: string, args: AuditLogForwardingArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      name,
      {
        kind: HARBOR_KIND.auditForwarding,
        connection: args.connection,
        endpoint: args.endpoint,
        skipDatabase: args.skipDatabase ?? false,
      },
      opts,
    );
  }
}

// ── Registry endpoint ─────────────────────────────────────────────────────────────────────────────────────

export interface RegistryArgs extends HarborResourceArgs {
  name: pulumi.Input<string>;
  /** Harbor adapter type (docker-hub, docker-registry, quay, github-ghcr, harbor, ...). Replaces on change. */
  type: pulumi.Input<string>;
  url: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  /** Skip TLS verification. Default false. */
  insecure?: pulumi.Input<boolean>;
  caCertificate?: pulumi.Input<string>;
  accessKey?: pulumi.Input<string>;
  /** Secret output. */
  accessSecret?: pulumi.Input<string>;
}

/** An upstream registry endpoint (`harbor:Registry`). */
export class Registry extends HarborResource {
  declare readonly registryId: pulumi.Output<number>;

  constructor(name: string, args: RegistryArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      name,
      {
        kind: HARBOR_KIND.registry,
        connection: args.connection,
        name: args.name,
        type: args.type,
        url: args.url,
        description: args.description ?? "",
        insecure: args.insecure ?? false,
        caCertificate: args.caCertificate,
        accessKey: args.accessKey,
        accessSecret: args.accessSecret === undefined ? undefined : pulumi.secret(args.accessSecret),
        registryId: undefined,
      },
      // The credential is inside `spec` (./shape.ts): the whole `spec` output is secret; `accessSecret` is
      // the credential's output in a state written before that layout (kept secret on its refresh).
      opts,
      { secretOutputs: ["spec", "accessSecret"] },
    );
  }
}
