/**
 * Dynamic resources of the replication capability, served by the one Harbor provider object of
 * `components/harbor-config/dynamic.ts` (dispatch on `kind`; one serialization per program).
 */
import * as pulumi from "@pulumi/pulumi";
import type { HarborConnection } from "../../harbor-config/client";
import { harborProvider } from "../../harbor-config/dynamic";
import { RobotPermission, systemRobotCrud } from "./system-robot";

function harborOptions(
  opts: pulumi.CustomResourceOptions | undefined,
  secretOutputs: string[],
): pulumi.CustomResourceOptions {
  return {
    ...opts,
    additionalSecretOutputs: [
      ...new Set([...(opts?.additionalSecretOutputs ?? []), "connection", ...secretOutputs]),
    ],
  };
}

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
export class SystemRobotAccount extends pulumi.dynamic.Resource {
  declare readonly robotId: pulumi.Output<number>;
  declare readonly fullName: pulumi.Output<string>;
  declare readonly secret: pulumi.Output<string>;
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: SystemRobotAccountArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      harborProvider,
      name,
      {
        kind: systemRobotCrud.kind,
        connection: pulumi.secret(args.connection),
        name: args.name,
        description: args.description ?? "",
        permissions: args.permissions,
        duration: args.duration ?? -1,
        rotation: args.rotation ?? "1",
        robotId: undefined,
        fullName: undefined,
        secret: undefined,
        adopted: undefined,
      },
      harborOptions(opts, ["secret"]),
    );
  }
}
