import { z } from "zod";
import { hostPort, k8sNameSchema, storageQuantity } from "./common";

export const EXPOSE_TYPES = ["ingress", "loadBalancer"] as const;
export const DB_TYPES = ["internal", "external"] as const;
export const SSL_MODES = ["disable", "require", "verify-ca", "verify-full"] as const;

/** An OCI repository without tag or digest, as Trivy takes its DB repositories. */
const ociRepository = z.string().regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+$/, {
  message: "an OCI repository without tag, such as registry.internal/mirror/aquasec/trivy-db",
});

/** `registry-platform:harbor` — the Harbor deployment (SPEC R3). */
export const harborSection = z
  .strictObject({
    /** Namespace Harbor is installed into. Default `harbor`. */
    namespace: k8sNameSchema.default("harbor"),
    /** `ingress` (default; class from kubernetes.ingressClass) or `loadBalancer`. */
    expose: z.enum(EXPOSE_TYPES).default("ingress"),
    /** Replicas of core, portal, registry and jobservice. Default 1 (dev/staging), 2 (prod); at least 2 in prod. */
    replicas: z.number().int().min(1).max(20).optional(),
    database: z
      .strictObject({
        /** `internal` (chart's PostgreSQL StatefulSet on a PVC) or `external` (managed PostgreSQL). */
        type: z.enum(DB_TYPES).default("internal"),
        host: z
          .string()
          .regex(/^[A-Za-z0-9.-]+$/, {
            message: "a host name or IP address, such as harbor-db.example.internal",
          })
          .optional(),
        port: z.number().int().min(1).max(65535).default(5432),
        sslmode: z.enum(SSL_MODES).default("require"),
        username: z.string().min(1).default("harbor"),
        coreDatabase: z.string().min(1).default("registry"),
        /** PVC size of the internal database. */
        size: storageQuantity.default("5Gi"),
      })
      .prefault({}),
    redis: z
      .strictObject({
        type: z.enum(DB_TYPES).default("internal"),
        /** external: `host:port`. */
        addr: hostPort.optional(),
        size: storageQuantity.default("1Gi"),
      })
      .prefault({}),
    trivy: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** Air-gapped: skip DB updates and Java DB downloads (offlineScan). */
        offline: z.boolean().default(false),
        /** OCI repository of the vulnerability DB mirror (e.g. registry.internal/aquasec/trivy-db). */
        dbRepository: ociRepository.optional(),
        javaDbRepository: ociRepository.optional(),
        size: storageQuantity.default("5Gi"),
      })
      .prefault({}),
    metrics: z
      .strictObject({
        enabled: z.boolean().default(true),
        serviceMonitor: z.boolean().default(false),
        /** Namespace of Prometheus: the NetworkPolicy admits scrapes of the metrics port from it (default: any). */
        prometheusNamespace: k8sNameSchema.optional(),
      })
      .prefault({}),
    /** TLS between Harbor's own components. Default false. */
    internalTLS: z.boolean().default(false),
    /** NetworkPolicy admitting only the ingress controller namespace and in-namespace traffic. Default: prod. */
    networkPolicy: z.boolean().optional(),
    jobserviceLogSize: storageQuantity.default("1Gi"),
  })
  .prefault({});
