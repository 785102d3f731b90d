import * as pulumi from "@pulumi/pulumi";

export interface DestroyGuardArgs {
  /**
   * Guard the resources: the guard is protected and depends on every resource of `resources` (a component
   * stands for all the resources under it). `false` leaves an unprotected guard without dependencies, so that
   * turning protection off later never has to delete a protected resource. Required.
   */
  protect: boolean;
  /** What a `pulumi destroy` must not start deleting. */
  resources: pulumi.Resource[];
}

/**
 * Makes a refused `pulumi destroy` of a protected stack delete nothing.
 *
 * The engine deletes in reverse dependency order and checks `protect` only when it reaches a protected
 * resource, so a destroy of a stack whose buckets are protected used to uninstall Harbor, Velero and Kyverno and
 * delete every unprotected Secret first (seen on the real engine). The guard holds no data: it is a protected
 * resource that depends on every other one, so it is the first and only delete of a destroy, and the engine
 * refuses it before anything else goes. A deliberate teardown unprotects first
 * (`pulumi state unprotect --all`), as for the buckets.
 */
export class DestroyGuard extends pulumi.ComponentResource {
  /** Whether the guard is on (protected, with its dependencies). */
  public readonly active: boolean;

  constructor(name: string, args: DestroyGuardArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      "registry-platform:platform:DestroyGuard",
      name,
      {},
      {
        ...opts,
        protect: args.protect,
        dependsOn: args.protect ? args.resources : [],
      },
    );
    this.active = args.protect;
    this.registerOutputs({});
  }
}
