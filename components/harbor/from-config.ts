/**
 * The Harbor capability's wiring from the validated platform config. Pure; the platform component calls it
 * with the outputs of storage and TLS.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../config";
import { bucketRegionOf } from "../storage/from-config";
import { trustBundle } from "../tls/registry-tls";
import type { HarborArgs } from "./args";

/** What Harbor takes from the other capabilities. */
export interface HarborInputs {
  /** The registry bucket's name (storage output). */
  registryBucket: pulumi.Input<string>;
  /** Static S3 credentials of Harbor's registry (storage output). */
  registryCredentials: HarborArgs["storage"]["credentials"];
  /** Harbor's certificate: PEM from the platform chain, or the secret cert-manager writes. */
  tls: HarborArgs["tls"];
  /** The platform CA bundle, if any. */
  caBundlePem?: pulumi.Output<string>;
}

/** {@link HarborArgs} for a stack. */
export function harborArgsFromConfig(cfg: PlatformConfig, inputs: HarborInputs): HarborArgs {
  const h = cfg.harbor;
  return {
    namespace: h.namespace,
    host: cfg.host,
    expose: h.expose,
    // tls.extraSans are on the certificate; route them too (an Ingress of the Harbor component's own).
    extraHosts: cfg.tls.extraSans,
    ingressClass: cfg.kubernetes.ingressClass,
    ingressControllerNamespace: cfg.kubernetes.ingressControllerNamespace,
    storageClass: cfg.kubernetes.storageClass,
    replicas: h.replicas,
    production: cfg.isProduction,
    protect: cfg.protect,
    networkPolicy: h.networkPolicy,
    internalTLS: h.internalTLS,
    adminPassword: cfg.secrets.harborAdminPassword,
    storage: {
      bucket: inputs.registryBucket,
      region: bucketRegionOf(cfg),
      endpoint: cfg.storage.endpoint,
      disableRedirect: !cfg.storage.clientsReachEndpoint,
      credentials: inputs.registryCredentials,
      kmsKeyId: cfg.storage.kmsKeyArn,
      endpointCaBundlePem: cfg.storage.endpointUsesPlatformCa ? inputs.caBundlePem : undefined,
    },
    tls: inputs.tls,
    caBundlePem: inputs.caBundlePem,
    // Extra CAs Harbor trusts for its own outgoing TLS (RDS verify-full, proxies, S3 endpoints).
    trustedCaBundlePem: trustBundle(undefined, cfg.tls.extraCaBundles),
    database:
      h.database.type === "internal"
        ? { type: "internal", size: h.database.size, storageClass: cfg.kubernetes.storageClass }
        : {
            type: "external",
            host: h.database.host!,
            port: h.database.port,
            sslmode: h.database.sslmode,
            username: h.database.username,
            coreDatabase: h.database.coreDatabase,
            password: cfg.secrets.harborDatabasePassword!,
          },
    redis:
      h.redis.type === "internal"
        ? { type: "internal", size: h.redis.size }
        : { type: "external", addr: h.redis.addr!, password: cfg.secrets.harborRedisPassword },
    trivy: h.trivy,
    metrics: h.metrics,
    jobserviceLogSize: h.jobserviceLogSize,
  };
}
