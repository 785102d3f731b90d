/**
 * Arguments of the {@link Harbor} component, their defaults, and (in ./resolve.ts) the pure validation that turns them into
 * {@link ResolvedHarborArgs} (every default applied) or fails with one error listing every problem.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ChartSource } from "../artifacts/charts";

export type HarborExpose = "ingress" | "loadBalancer";
export type PostgresSslMode = "disable" | "require" | "verify-ca" | "verify-full";
export type PodSecurityLevel = "restricted" | "baseline";

/** Where the registry keeps blobs: an S3 bucket on AWS or on an S3-compatible endpoint (R3.4). */
export interface HarborStorageArgs {
  /** Bucket name (e.g. the storage component's registry bucket). */
  bucket: pulumi.Input<string>;
  /** Region of the bucket; for S3-compatible endpoints the region label the endpoint expects (e.g. us-east-1). */
  region: string;
  /**
   * S3 API endpoint of an S3-compatible store, WITH scheme (`https://minio.example:9000`); becomes
   * `regionendpoint`. The chart drops `secure: false`, so the scheme is the only way to say http vs https.
   * Default: none (AWS S3).
   */
  endpoint?: string;
  /**
   * `true` proxies every blob through Harbor's registry (clients cannot reach the endpoint, or it does not
   * support pre-signed redirects); `false` (AWS) redirects clients to pre-signed S3 URLs.
   */
  disableRedirect: boolean;
  /** Static credentials Harbor's registry uses (it cannot use IRSA); stored in a Kubernetes Secret. */
  credentials: { accessKeyId: pulumi.Input<string>; secretAccessKey: pulumi.Input<string> };
  /** KMS key id / ARN for SSE-KMS on every object the registry writes (`keyid`). Default: none. */
  kmsKeyId?: pulumi.Input<string>;
  /**
   * Ask S3 for server-side encryption on every PUT (`encrypt`). Default: true when `kmsKeyId` is set, else
   * unset (the bucket's default encryption applies — setting it without a key would force AES256 over a
   * bucket-default KMS key).
   */
  encrypt?: boolean;
  /** Key prefix inside the bucket (`rootdirectory`), starting with `/`. Default: none (bucket root). */
  rootDirectory?: string;
  /** PEM CA bundle that signed the endpoint's certificate (private CA); mounted via `caBundleSecretName`. */
  endpointCaBundlePem?: pulumi.Input<string>;
}

/** The certificate the ingress / load balancer serves for `host`. */
export type HarborTlsArgs =
  | {
      kind: "pem";
      /** Leaf certificate followed by the intermediates (PEM). */
      certChainPem: pulumi.Input<string>;
      /** Private key of the leaf (PEM, secret). */
      keyPem: pulumi.Input<string>;
    }
  | {
      kind: "existing-secret";
      /** A `kubernetes.io/tls` Secret in the Harbor namespace (e.g. written by cert-manager). */
      secretName: pulumi.Input<string>;
    };

export type HarborDatabaseArgs =
  | {
      type: "internal";
      /** PVC size of the chart's PostgreSQL StatefulSet. Default 5Gi. */
      size: string;
      /** StorageClass of that PVC. Default: the component's `storageClass`. */
      storageClass?: string;
    }
  | {
      type: "external";
      host: string;
      /** Default 5432. */
      port: number;
      sslmode: PostgresSslMode;
      username: string;
      /** Harbor's database. */
      coreDatabase: string;
      /** PostgreSQL password (secret); stored in a Kubernetes Secret referenced by `existingSecret`. */
      password: pulumi.Input<string>;
    };

export type HarborRedisArgs =
  | {
      type: "internal";
      /** PVC size of the chart's Redis StatefulSet. Default 1Gi. */
      size: string;
    }
  | {
      type: "external";
      /** `host:port`. */
      addr: string;
      /** Redis password (secret), if the server requires one. */
      password?: pulumi.Input<string>;
    };

export interface HarborTrivyArgs {
  /** Default true. */
  enabled: boolean;
  /**
   * Air-gapped: `offlineScan` on, no request to the internet. With `dbRepository` the vulnerability DB is
   * pulled from that internal mirror; without it DB updates are skipped (`skipUpdate`) and the DB must be
   * seeded onto Trivy's PVC by hand. Default false.
   */
  offline: boolean;
  /** OCI repository of the mirrored Trivy DB (replaces the chart's internet repositories). */
  dbRepository?: string;
  /** OCI repository of the mirrored Trivy Java DB. */
  javaDbRepository?: string;
  /** PVC size of Trivy's cache. Default 5Gi. */
  size: string;
}

export interface HarborMetricsArgs {
  /** Metrics endpoints on core, registry, jobservice and the exporter. Default true. */
  enabled: boolean;
  /** A prometheus-operator ServiceMonitor (needs the monitoring.coreos.com CRDs). Default false. */
  serviceMonitor: boolean;
  /**
   * Namespace of the Prometheus that scrapes Harbor. With a NetworkPolicy, only the metrics port (8001) is
   * opened, to this namespace; default: to every namespace (metrics carry no secrets).
   */
  prometheusNamespace?: string;
}

export interface HarborArgs {
  /** Namespace created for Harbor (with Pod Security labels). Default `harbor`. */
  namespace?: string;
  /** Helm release name. Default `harbor` (so objects are named `harbor-core`, `harbor-registry`, ...). */
  releaseName?: string;
  /** The registry's FQDN; `externalURL` is `https://<host>`. */
  host: string;
  /** `ingress` (default) or `loadBalancer` (the chart's nginx behind a LoadBalancer Service). */
  expose?: HarborExpose;
  /**
   * More host names routed to Harbor besides `host` (the stack's `tls.extraSans`; they must be on the
   * certificate). With `ingress`, an Ingress of the component's own routes them (the chart's takes one host).
   * `externalURL` stays `https://<host>`: token realms and redirects name the main host, so clients of an
   * extra name must reach the main host too. Default none.
   */
  extraHosts?: string[];
  /** Ingress class of the existing ingress controller. Default `nginx`. */
  ingressClass?: string;
  /** Namespace of the ingress controller, admitted by the NetworkPolicy. Default `ingress-nginx`. */
  ingressControllerNamespace?: string;
  /** StorageClass of every PVC (database, Redis, Trivy, job logs). Default: the cluster default. */
  storageClass?: string;
  /** Replicas of core, portal, registry and jobservice (and nginx). Default 2 in production, else 1. */
  replicas?: number;
  /** Production profile: resource requests sized for production, PDBs, spread; requires replicas >= 2. Default false. */
  production?: boolean;
  /**
   * `protect` + `retainOnDelete` on the namespace (deleting it would delete the database, Redis and job-log
   * PVCs). Default: `production`.
   */
  protect?: boolean;
  /** NetworkPolicies admitting only the ingress controller namespace and in-namespace traffic. Default: `production`. */
  networkPolicy?: boolean;
  /** TLS between Harbor's components, with certificates from @pulumi/tls. Default false. */
  internalTLS?: boolean;
  /** Initial admin password (secret). Default: generated, 32 characters. */
  adminPassword?: pulumi.Input<string>;
  storage: HarborStorageArgs;
  tls: HarborTlsArgs;
  /** The platform CA (PEM): trusted by core, jobservice, registry and Trivy, and offered for download in the portal. */
  caBundlePem?: pulumi.Input<string>;
  /**
   * Extra CA certificates (PEM) Harbor's components trust for their own outgoing TLS besides `caBundlePem`:
   * the RDS CA for an external database with `sslmode: verify-full`, a corporate proxy's CA, an S3 endpoint's
   * private CA. Merged with `caBundlePem` into `<fullname>-trusted-ca-bundle` behind `caBundleSecretName`;
   * the portal's CA download (`caSecretName`) stays the platform CA alone. Default: none.
   */
  trustedCaBundlePem?: pulumi.Input<string>;
  /** Default `{ type: "internal", size: "5Gi" }`. */
  database?: HarborDatabaseArgs;
  /** Default `{ type: "internal", size: "1Gi" }`. */
  redis?: HarborRedisArgs;
  /** Default `{ enabled: true, offline: false, size: "5Gi" }`. */
  trivy?: Partial<HarborTrivyArgs>;
  /** Default `{ enabled: true, serviceMonitor: false }`. */
  metrics?: Partial<HarborMetricsArgs>;
  /** PVC size of jobservice's file job logs (single replica only; see README). Default 1Gi. */
  jobserviceLogSize?: string;
  /** Pod Security Admission level enforced on the namespace. Default `restricted`. */
  podSecurity?: PodSecurityLevel;
  /** Helm timeout in seconds. Default 900. */
  timeoutSeconds?: number;
  /**
   * Wait for every workload (and Job) of the release to be ready. `false` installs without waiting (a cluster
   * without workers, or a user who gates on their own checks). Default true.
   */
  wait?: boolean;
  /** Where the chart comes from. Default: the public repository pinned in `versions.ts`. */
  chart?: ChartSource;
  /**
   * Registry (`host[:port][/path]`) every Harbor image is pulled from instead of docker.io:
   * `docker.io/goharbor/harbor-core` → `<imageMirror>/goharbor/harbor-core`, tags kept. Default: none.
   */
  imageMirror?: string;
}

/** {@link HarborArgs} with every default applied. */
export interface ResolvedHarborArgs {
  namespace: string;
  releaseName: string;
  host: string;
  expose: HarborExpose;
  extraHosts: string[];
  ingressClass: string;
  ingressControllerNamespace: string;
  storageClass?: string;
  replicas: number;
  production: boolean;
  networkPolicy: boolean;
  internalTLS: boolean;
  adminPassword?: pulumi.Input<string>;
  storage: HarborStorageArgs;
  tls: HarborTlsArgs;
  caBundlePem?: pulumi.Input<string>;
  trustedCaBundlePem?: pulumi.Input<string>;
  database: HarborDatabaseArgs;
  redis: HarborRedisArgs;
  trivy: HarborTrivyArgs;
  metrics: HarborMetricsArgs;
  jobserviceLogSize: string;
  podSecurity: PodSecurityLevel;
  timeoutSeconds: number;
  wait: boolean;
  chart?: ChartSource;
  imageMirror?: string;
}

export { CHART_DEFAULT_ADMIN_PASSWORD, HarborArgsError, resolveHarborArgs } from "./resolve";
