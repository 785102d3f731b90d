/**
 * Dynamic resources of the replication capability, served by the Harbor provider of
 * `components/harbor-config` (`HarborResource`: the state carries its fixed loader; dispatch on `kind`).
 */
import * as pulumi from "@pulumi/pulumi";
import type { HarborConnection } from "../../harbor-config/client";
import { HarborResource } from "../../harbor-config/dynamic";
import type { PolicyFilters, PolicyTrigger } from "../plan";
import { HARBOR_KIND } from "../../harbor-config/kinds";
import type { RobotPermission } from "./system-robot";

export interface SystemRobotAccountArgs {
  /** Harbor URL, admin credentials, CA bundle, retry policy; stored as a secret. */
  connection: pulumi.Input<HarborConnection>;
  /** Short name; Harbor's login name is `robot$<name>`. Replaces on change. */
  name: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  /** Per project, the actions allowed. */
  permissions: pulumi.Input<RobotPermission[]>;
  /** Days until expiry; -1 = never. Default -1. */
  duration?: pulumi.Input<number>;
  /** Change to refresh the secret. Default "1". */
  rotation?: pulumi.Input<string>;
}

/** A system-level robot with project permissions (`harbor:SystemRobotAccount`); `secret` is secret. */
export class SystemRobotAccount extends HarborResource {
  declare readonly fullName: pulumi.Output<string>;
  declare readonly secret: pulumi.Output<string>;

  constructor(name: string, args: SystemRobotAccountArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      name,
      {
        kind: HARBOR_KIND.systemRobot,
        connection: args.connection,
        name: args.name,
        description: args.description ?? "",
        permissions: args.permissions,
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

export interface ReplicationPolicyArgs {
  connection: pulumi.Input<HarborConnection>;
  /** Policy name (Harbor-unique). Replaces on change. */
  name: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  /** Harbor id of the peer's registry endpoint. */
  destRegistryId: pulumi.Input<number>;
  filters: pulumi.Input<PolicyFilters>;
  trigger: pulumi.Input<PolicyTrigger>;
  /** Replicate deletions. Default false. */
  deletion?: pulumi.Input<boolean>;
  /** Overwrite existing artifacts on the peer. Default true. */
  override?: pulumi.Input<boolean>;
  /** Default true. */
  enabled?: pulumi.Input<boolean>;
  /** KB/s per task, -1 unlimited. Default -1. */
  speed?: pulumi.Input<number>;
  /** Default true. */
  copyByChunk?: pulumi.Input<boolean>;
  /** Default "" (repositories keep their path) and 0. */
  destNamespace?: pulumi.Input<string>;
  destNamespaceReplaceCount?: pulumi.Input<number>;
}

/** A push replication policy to a registry endpoint (`harbor:ReplicationPolicy`). */
export class ReplicationPolicy extends HarborResource {
  declare readonly policyId: pulumi.Output<number>;

  constructor(name: string, args: ReplicationPolicyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      name,
      {
        kind: HARBOR_KIND.replicationPolicy,
        connection: args.connection,
        name: args.name,
        description: args.description ?? "",
        destRegistryId: args.destRegistryId,
        filters: args.filters,
        trigger: args.trigger,
        deletion: args.deletion ?? false,
        override: args.override ?? true,
        enabled: args.enabled ?? true,
        speed: args.speed ?? -1,
        copyByChunk: args.copyByChunk ?? true,
        destNamespace: args.destNamespace ?? "",
        destNamespaceReplaceCount: args.destNamespaceReplaceCount ?? 0,
        policyId: undefined,
      },
      opts,
    );
  }
}
