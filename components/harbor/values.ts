/**
 * The Harbor chart values we set (a typed subset of goharbor/harbor-helm 1.19.1 `values.yaml`; every key is
 * spelled exactly as there) and the pure function that builds them from the component's arguments.
 *
 * Every value the chart would otherwise generate on each render (admin password, `secretKey`, core secret,
 * XSRF key, jobservice and registry secrets, registry htpasswd, token key/cert, internal TLS certificates)
 * is referenced through the chart's `existingSecret*` / `secretName` keys: the values hold Secret NAMES,
 * the Secrets hold values generated once by @pulumi/random / @pulumi/tls. The one exception is the internal
 * PostgreSQL password, for which the chart has no existing-secret key: it is a secret Output in the values.
 */
import * as pulumi from "@pulumi/pulumi";
import { ResolvedHarborArgs } from "./args";
import {
  harborDeployedImages,
  HarborImageKey,
  HarborImageValue,
  HarborPod,
  HARBOR_SECRETS_CHECKSUM_ANNOTATION,
} from "./images";
import {
  HARBOR_ADMIN_PASSWORD_KEY,
  harborSecretNames,
  INTERNAL_TLS_COMPONENTS,
  InternalTlsComponent,
} from "./names";
import type { ContainerResources, DeploymentValues, PvcValues, HarborValues } from "./values-types";

export type {
  ContainerResources,
  TopologySpreadConstraint,
  DeploymentValues,
  PodAnnotations,
  PvcValues,
  HarborValues,
} from "./values-types";

/** Username of the registry's htpasswd entry (core and jobservice authenticate to the registry with it). */
export const REGISTRY_CREDENTIALS_USERNAME = "harbor_registry_user";

type Profile = Record<
  | "core"
  | "portal"
  | "jobservice"
  | "registry"
  | "registryctl"
  | "trivy"
  | "database"
  | "redis"
  | "exporter"
  | "nginx",
  ContainerResources
>;

const req = (cpu: string, memory: string, limits?: ContainerResources["limits"]): ContainerResources =>
  limits ? { requests: { cpu, memory }, limits } : { requests: { cpu, memory } };

/**
 * Resource requests per container. Production sizes for a registry serving a few hundred nodes; the
 * non-production profile keeps a dev cluster schedulable. Trivy also gets limits (a scan of a large image
 * can otherwise take a node's memory).
 */
export const RESOURCE_PROFILES: { production: Profile; standard: Profile } = {
  production: {
    core: req("250m", "512Mi"),
    portal: req("50m", "64Mi"),
    jobservice: req("100m", "256Mi"),
    registry: req("250m", "512Mi"),
    registryctl: req("50m", "128Mi"),
    trivy: req("500m", "1Gi", { cpu: "2", memory: "2Gi" }),
    database: req("250m", "512Mi"),
    redis: req("100m", "256Mi"),
    exporter: req("50m", "128Mi"),
    nginx: req("100m", "128Mi"),
  },
  standard: {
    core: req("100m", "256Mi"),
    portal: req("10m", "32Mi"),
    jobservice: req("50m", "128Mi"),
    registry: req("100m", "256Mi"),
    registryctl: req("10m", "64Mi"),
    trivy: req("200m", "512Mi", { cpu: "1", memory: "1Gi" }),
    database: req("100m", "256Mi"),
    redis: req("50m", "64Mi"),
    exporter: req("10m", "64Mi"),
    nginx: req("50m", "64Mi"),
  },
};

/** Generated values that must go into the chart values themselves (no existing-secret key exists). */
export interface HarborGeneratedValues {
  /** Password of the chart's internal PostgreSQL (`database.internal.password`); required for an internal DB. */
  internalDatabasePassword?: pulumi.Input<string>;
  /**
   * Per pod, the checksum of the platform Secrets it reads ({@link harborPodSecrets}), set as the
   * `registry-platform/secrets-checksum` pod annotation so that an in-place Secret update restarts it.
   */
  podChecksums?: Partial<Record<HarborPod, pulumi.Input<string>>>;
}

/** Builds the chart values. Pure: same arguments, same values. */
export function harborValues(r: ResolvedHarborArgs, generated: HarborGeneratedValues = {}): HarborValues {
  const names = harborSecretNames(r.releaseName);
  const profile = r.production ? RESOURCE_PROFILES.production : RESOURCE_PROFILES.standard;
  const ha = r.replicas >= 2;
  const deployment = (): DeploymentValues => ({
    replicas: r.replicas,
    podDisruptionBudget: { enabled: ha, minAvailable: 1 },
    topologySpreadConstraints: ha
      ? [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway" }]
      : [],
  });
  // Job logs in files need a ReadWriteOnce PVC that only one jobservice pod can mount; with more replicas
  // the logs go to the database (still shown in the portal).
  const fileJobLogs = r.replicas === 1;
  const pvc = (size: string, storageClass = r.storageClass): PvcValues =>
    storageClass === undefined ? { size } : { storageClass, size };
  const st = r.storage;
  const encrypt = st.encrypt ?? (st.kmsKeyId !== undefined ? true : undefined);

  const tlsSecretName: pulumi.Input<string> = r.tls.kind === "pem" ? names.tls : r.tls.secretName;
  const images = harborDeployedImages(r);
  const image = (k: HarborImageKey) => (images[k] !== undefined ? { image: images[k] } : {});
  const checksums = generated.podChecksums ?? {};
  const pod = (p: HarborPod, k?: HarborImageKey) => ({
    ...(k !== undefined ? image(k) : {}),
    ...(checksums[p] !== undefined
      ? { podAnnotations: { [HARBOR_SECRETS_CHECKSUM_ANNOTATION]: checksums[p] } }
      : {}),
  });

  const values: HarborValues = {
    expose: {
      type: r.expose,
      tls: { enabled: true, certSource: "secret", secret: { secretName: tlsSecretName } },
      ...(r.expose === "ingress"
        ? {
            ingress: {
              hosts: { core: r.host },
              className: r.ingressClass,
              controller: "default",
              // ingress-nginx: no request body limit (image layers are large); the chart's other default
              // annotations (ssl-redirect) stay.
              annotations: { "nginx.ingress.kubernetes.io/proxy-body-size": "0" },
            },
          }
        : {}),
    },
    externalURL: `https://${r.host}`,
    persistence: {
      enabled: true,
      resourcePolicy: "keep",
      persistentVolumeClaim: {
        ...(fileJobLogs ? { jobservice: { jobLog: pvc(r.jobserviceLogSize) } } : {}),
        ...(r.database.type === "internal"
          ? { database: pvc(r.database.size, r.database.storageClass ?? r.storageClass) }
          : {}),
        ...(r.redis.type === "internal" ? { redis: pvc(r.redis.size) } : {}),
        ...(r.trivy.enabled ? { trivy: pvc(r.trivy.size) } : {}),
      },
      imageChartStorage: {
        type: "s3",
        disableredirect: st.disableRedirect,
        ...(st.endpointCaBundlePem !== undefined ? { caBundleSecretName: names.storageCaBundle } : {}),
        s3: {
          existingSecret: names.s3Credentials,
          region: st.region,
          bucket: st.bucket,
          ...(st.endpoint !== undefined ? { regionendpoint: st.endpoint.replace(/\/$/, "") } : {}),
          ...(encrypt !== undefined ? { encrypt } : {}),
          ...(st.kmsKeyId !== undefined ? { keyid: st.kmsKeyId } : {}),
          ...(st.rootDirectory !== undefined ? { rootdirectory: st.rootDirectory } : {}),
        },
      },
    },
    existingSecretAdminPassword: names.adminPassword,
    existingSecretAdminPasswordKey: HARBOR_ADMIN_PASSWORD_KEY,
    existingSecretSecretKey: names.secretKey,
    internalTLS: r.internalTLS
      ? {
          enabled: true,
          certSource: "secret",
          strong_ssl_ciphers: true,
          ...(Object.fromEntries(
            INTERNAL_TLS_COMPONENTS.filter((c) => c !== "trivy" || r.trivy.enabled).map((c) => [
              c,
              { secretName: names.internalTls(c) },
            ]),
          ) as Partial<Record<InternalTlsComponent, { secretName: string }>>),
        }
      : { enabled: false },
    // Recreate only while jobservice mounts a ReadWriteOnce PVC (a rolling update would wait on the volume). The
    // chart applies this one key to the registry too: a single-replica Harbor stops push and pull during an upgrade.
    updateStrategy: { type: fileJobLogs ? "Recreate" : "RollingUpdate" },
    // caBundleSecretName: what core, jobservice, registry, Trivy and the exporter trust (mounted as
    // /harbor_cust_cert/custom-ca.crt, added to the system roots); caSecretName: the portal's CA download.
    ...(r.caBundlePem !== undefined ? { caSecretName: names.caBundle } : {}),
    ...(r.trustedCaBundlePem !== undefined
      ? { caBundleSecretName: names.trustedCaBundle }
      : r.caBundlePem !== undefined
        ? { caBundleSecretName: names.caBundle }
        : {}),
    metrics: { enabled: r.metrics.enabled, serviceMonitor: { enabled: r.metrics.serviceMonitor } },
    ...(r.expose === "loadBalancer"
      ? { nginx: { ...deployment(), ...pod("nginx", "nginx"), resources: profile.nginx } }
      : {}),
    portal: { ...deployment(), ...pod("portal", "portal"), resources: profile.portal },
    core: {
      ...deployment(),
      ...pod("core", "core"),
      resources: profile.core,
      existingSecret: names.coreKeys,
      secretName: names.tokenService,
      existingXsrfSecret: names.coreKeys,
      existingXsrfSecretKey: "CSRF_KEY",
    },
    jobservice: {
      ...deployment(),
      ...pod("jobservice", "jobservice"),
      resources: profile.jobservice,
      existingSecret: names.jobserviceKeys,
      existingSecretKey: "JOBSERVICE_SECRET",
      jobLoggers: fileJobLogs ? ["file"] : ["database"],
    },
    registry: {
      ...deployment(),
      ...pod("registry"),
      registry: { resources: profile.registry, ...image("registry") },
      controller: { resources: profile.registryctl, ...image("registryctl") },
      existingSecret: names.registryKeys,
      existingSecretKey: "REGISTRY_HTTP_SECRET",
      credentials: { username: REGISTRY_CREDENTIALS_USERNAME, existingSecret: names.registryCredentials },
    },
    trivy: r.trivy.enabled
      ? { ...trivyValues(r, profile), ...pod("trivy", "trivy") }
      : trivyValues(r, profile),
    database: databaseValues(r, profile, names.database, generated.internalDatabasePassword, images.database),
    redis:
      r.redis.type === "internal"
        ? { type: "internal", internal: { resources: profile.redis, ...image("redis") } }
        : {
            type: "external",
            external: {
              addr: r.redis.addr,
              ...(r.redis.password !== undefined ? { existingSecret: names.redis } : {}),
            },
          },
    ...(r.metrics.enabled
      ? { exporter: { ...pod("exporter", "exporter"), resources: profile.exporter } }
      : {}),
  };
  return values;
}

function trivyValues(r: ResolvedHarborArgs, profile: Profile): HarborValues["trivy"] {
  const t = r.trivy;
  if (!t.enabled) return { enabled: false };
  const mirrors = {
    ...(t.dbRepository !== undefined ? { dbRepository: [t.dbRepository] } : {}),
    ...(t.javaDbRepository !== undefined ? { javaDBRepository: [t.javaDbRepository] } : {}),
  };
  if (!t.offline) {
    return { enabled: true, resources: profile.trivy, skipUpdate: false, offlineScan: false, ...mirrors };
  }
  // Air-gapped: no request to the internet. A mirrored DB is still pulled (from the internal registry);
  // without a mirror, updates are skipped and the DB must be seeded onto the PVC.
  return {
    enabled: true,
    resources: profile.trivy,
    skipUpdate: t.dbRepository === undefined,
    skipJavaDBUpdate: t.javaDbRepository === undefined,
    offlineScan: true,
    ...mirrors,
  };
}

function databaseValues(
  r: ResolvedHarborArgs,
  profile: Profile,
  secretName: string,
  internalPassword: pulumi.Input<string> | undefined,
  image: HarborImageValue | undefined,
): HarborValues["database"] {
  const db = r.database;
  if (db.type === "external") {
    return {
      type: "external",
      external: {
        host: db.host,
        port: String(db.port),
        username: db.username,
        coreDatabase: db.coreDatabase,
        existingSecret: secretName,
        sslmode: db.sslmode,
      },
    };
  }
  if (internalPassword === undefined)
    throw new Error("harborValues: an internal database needs generated.internalDatabasePassword");
  return {
    type: "internal",
    internal: {
      ...(image !== undefined ? { image } : {}),
      password: internalPassword,
      resources: profile.database,
      // The chmod init container of the PostgreSQL StatefulSet.
      initContainer: { permissions: { resources: req("10m", "32Mi") } },
    },
  };
}
