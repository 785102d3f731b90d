/**
 * `HarborReplication` (SPEC R4.6, R6.2): on a primary, per peer one Harbor registry endpoint (type `harbor`,
 * the peer's URL, its replication robot's credentials, `insecure: false`, the peer's CA as the endpoint's
 * `ca_certificate` — Harbor's core and jobservice also trust it through this stack's CA bundle) and its push
 * replication policies. A change of the peer's outputs (robot rotation, CA rotation, URL) updates the endpoint
 * in place; removing a peer deletes its policies first (they depend on the endpoint), then the endpoint.
 */
import * as pulumi from "@pulumi/pulumi";
import { Registry } from "../harbor-config/dynamic";
import { HarborApiArgs, harborConnection } from "../harbor-config/connection";
import { ReplicationPolicy } from "./harbor/resources";
import type { PeerTarget } from "./peers";

export interface HarborReplicationArgs {
  /** This primary's Harbor. */
  harbor: HarborApiArgs;
  /** The peers as read by `ReplicationPeers`. */
  peers: PeerTarget[];
}

export class HarborReplication extends pulumi.ComponentResource {
  /** Per peer stack name: the endpoint and its policies. */
  public readonly endpoints: Record<string, Registry>;
  public readonly policies: Record<string, ReplicationPolicy[]>;

  constructor(name: string, args: HarborReplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("registry-platform:replication:HarborReplication", name, {}, opts);
    const connection = harborConnection(args.harbor);
    // Children do not inherit the component's dependsOn (Harbor up, projects created): pass it on.
    const childOpts: pulumi.CustomResourceOptions = {
      parent: this,
      dependsOn: opts?.dependsOn,
      deletedWith: args.harbor.deletedWith,
    };
    this.endpoints = {};
    this.policies = {};
    for (const peer of args.peers) {
      const p = peer.plan;
      const endpoint = new Registry(
        `${name}-${p.name}-endpoint`,
        {
          connection,
          name: p.endpointName,
          type: "harbor",
          url: peer.target.apply((t) => t.registryUrl),
          description: `Replication peer ${p.stack} (registry-platform)`,
          insecure: false,
          caCertificate: peer.target.apply((t) => t.caBundlePem ?? ""),
          accessKey: peer.target.apply((t) => t.robotName),
          accessSecret: peer.robotSecret,
        },
        childOpts,
      );
      this.endpoints[p.name] = endpoint;
      this.policies[p.name] = p.policies.map(
        (spec) =>
          new ReplicationPolicy(
            `${name}-${spec.name}`,
            {
              connection,
              name: spec.name,
              description: spec.description,
              destRegistryId: endpoint.registryId,
              filters: spec.filters,
              trigger: spec.trigger,
              deletion: spec.deletion,
              override: spec.override,
              enabled: spec.enabled,
              speed: spec.speed,
              copyByChunk: spec.copyByChunk,
              destNamespace: spec.destNamespace,
              destNamespaceReplaceCount: spec.destNamespaceReplaceCount,
            },
            childOpts,
          ),
      );
    }
    this.registerOutputs({
      endpoints: Object.fromEntries(Object.entries(this.endpoints).map(([k, e]) => [k, e.registryId])),
      policies: Object.fromEntries(
        Object.entries(this.policies).map(([k, ps]) => [k, ps.map((x) => x.policyId)]),
      ),
    });
  }
}
