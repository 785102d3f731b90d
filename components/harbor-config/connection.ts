/** How the Harbor API resources reach Harbor: one connection (a secret Output) built from a component's args. */
import * as pulumi from "@pulumi/pulumi";
import type { HarborConnection, RetryPolicy } from "./client";

/** A Harbor the API resources talk to (HarborConfig, and the replication components). */
export interface HarborApiArgs {
  /**
   * Harbor's external URL (`https://<host>`). Build it from the host and order the resources after the Harbor
   * release with `dependsOn`: a URL taken from the release's outputs (`Harbor.url`) is unknown in a preview of any
   * release change, which lists every Harbor resource as an update.
   */
  url: pulumi.Input<string>;
  /** Admin user the dynamic providers log in as. Default `admin`. */
  adminUsername?: pulumi.Input<string>;
  /** Admin password (secret). Only the dynamic providers receive it. */
  adminPassword: pulumi.Input<string>;
  /** PEM CA bundle Harbor's certificate chains to (the platform CA). Default: Node's built-in roots. */
  caBundlePem?: pulumi.Input<string>;
  /** Client timeouts/retries of the dynamic providers. Defaults: see `DEFAULT_RETRY_POLICY`. */
  retry?: Partial<RetryPolicy>;
  /**
   * The resource whose deletion takes this Harbor and its data with it (the Harbor release). The Harbor API
   * resources get it as their `deletedWith`: a destroy skips their deletes instead of calling an API that is
   * going away. Only they get it, not the component: the engine hands a component's `deletedWith` down to every
   * child, and the pull Secrets in the applications' namespaces must still be deleted. Default none.
   */
  deletedWith?: pulumi.Resource;
}

/** The connection every Harbor API resource of a component carries: a secret (it holds the admin password). */
export function harborConnection(h: HarborApiArgs): pulumi.Output<HarborConnection> {
  return pulumi.secret(
    pulumi
      .all([h.url, h.adminUsername ?? "admin", h.adminPassword, h.caBundlePem ?? ""])
      .apply(([url, username, password, caPem]) => ({
        url,
        username,
        password,
        ...(caPem !== "" ? { caPem } : {}),
        ...(h.retry ?? {}),
      })),
  );
}

const secretConnections = new WeakMap<object, pulumi.Output<HarborConnection>>();

/**
 * The connection as a secret Output, one per connection object however many resources take it: a component
 * passes one connection to every Harbor resource, and an Output per resource would cost the SDK's promises for
 * each (`npm run bench`, 200 projects: ~5 % of the synth's CPU).
 */
export function secretConnection(c: pulumi.Input<HarborConnection>): pulumi.Output<HarborConnection> {
  let s = secretConnections.get(c);
  if (s === undefined) secretConnections.set(c, (s = pulumi.secret(c)));
  return s;
}
