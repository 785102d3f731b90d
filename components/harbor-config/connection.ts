/** How the Harbor API resources reach Harbor: one connection (a secret Output) built from a component's args. */
import * as pulumi from "@pulumi/pulumi";
import type { HarborConnection, RetryPolicy } from "./client";

/** A Harbor the API resources talk to (HarborConfig, and the replication components). */
export interface HarborApiArgs {
  /** Harbor's external URL (`https://<host>`), from the Harbor component. May be unknown during preview. */
  url: pulumi.Input<string>;
  /** Admin user the dynamic providers log in as. Default `admin`. */
  adminUsername?: pulumi.Input<string>;
  /** Admin password (secret). Only the dynamic providers receive it. */
  adminPassword: pulumi.Input<string>;
  /** PEM CA bundle Harbor's certificate chains to (the platform CA). Default: Node's built-in roots. */
  caBundlePem?: pulumi.Input<string>;
  /** Client timeouts/retries of the dynamic providers. Defaults: see `DEFAULT_RETRY_POLICY`. */
  retry?: Partial<RetryPolicy>;
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
