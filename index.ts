/**
 * The registry-platform program: reads and validates the stack config, wires it to the components and
 * exports the stack's output contract. No logic lives here.
 */
import { loadPlatformConfig } from "./config";
import {
  CertManagerCertificate,
  createProviders,
  Harbor,
  HarborConfig,
  NodeTrust,
  pemSha256,
  platformCaBundle,
  RegistryStorage,
  RegistryTls,
  registryTlsSource,
  StorageTarget,
  trustBundle,
  Velero,
  SERVER_SERVICE_ACCOUNT as VELERO_SERVER_SERVICE_ACCOUNT,
} from "./components";

/** The TLS secret cert-manager fills in cert-manager mode (Harbor's ingress names it). */
const REGISTRY_CERT_MANAGER_SECRET = "registry-tls";

// The program is a function so that the offline synth and the tests can run it once per stack.
// eslint-disable-next-line @typescript-eslint/require-await
export = async () => {
  const cfg = loadPlatformConfig();
  const tags = {
    ...cfg.tags,
    "registry-platform/env": cfg.environment,
    "registry-platform/region": cfg.region,
    "registry-platform/stack": cfg.stack,
  };

  const storageOnS3Compatible = cfg.storage.provider === "s3-compatible";
  const storageTarget: StorageTarget = storageOnS3Compatible
    ? {
        kind: "s3-compatible",
        endpoint: cfg.storage.endpoint!,
        signingRegion: cfg.storage.signingRegion,
        accessKey: cfg.secrets.s3AccessKey!,
        secretKey: cfg.secrets.s3SecretKey!,
      }
    : { kind: "aws", region: cfg.region };
  /** The region the buckets' S3 API signs for: the AWS region, or the S3-compatible endpoint's signing region. */
  const bucketRegion = storageOnS3Compatible ? cfg.storage.signingRegion : cfg.region;
  const providers = createProviders("platform", {
    storage: storageTarget,
    kubernetes: { context: cfg.kubernetes.context, kubeconfig: cfg.secrets.kubeconfig },
    tags,
  });

  // ── storage (components/storage) ──────────────────────────────────────────────────────────────────────
  const storageCfg = cfg.storage;
  const storage = new RegistryStorage(
    "storage",
    {
      target: storageTarget,
      registryBucketName: storageCfg.registryBucket,
      backupBucketName: storageCfg.backupBucket,
      ...(storageOnS3Compatible ? {} : { logBucketName: storageCfg.logBucket }),
      recoveryWindowDays: storageCfg.recoveryWindowDays,
      abortMultipartDays: storageCfg.abortMultipartDays,
      backupRetention: storageCfg.backupRetention,
      archive: storageCfg.archive,
      kms: storageCfg.kms,
      encryption: storageCfg.encryption,
      ...(storageCfg.kmsKeyArn ? { kmsKeyArn: storageCfg.kmsKeyArn } : {}),
      forceDestroy: storageCfg.forceDestroy,
      protect: cfg.protect,
      tags,
      ...(storageOnS3Compatible
        ? {
            registryCredentials: {
              accessKeyId: cfg.secrets.registryS3AccessKey ?? cfg.secrets.s3AccessKey!,
              secretAccessKey: cfg.secrets.registryS3SecretKey ?? cfg.secrets.s3SecretKey!,
            },
            veleroCredentials: {
              accessKeyId: cfg.secrets.veleroS3AccessKey ?? cfg.secrets.s3AccessKey!,
              secretAccessKey: cfg.secrets.veleroS3SecretKey ?? cfg.secrets.s3SecretKey!,
            },
          }
        : {}),
      ...(storageCfg.oidcProviderArn
        ? {
            irsa: {
              oidcProviderArn: storageCfg.oidcProviderArn,
              namespace: cfg.velero.namespace,
              serviceAccount: VELERO_SERVER_SERVICE_ACCOUNT,
            },
          }
        : {}),
      veleroSnapshots: storageCfg.veleroSnapshots,
    },
    { providers: { aws: providers.aws } },
  );

  // ── tls (components/tls) ──────────────────────────────────────────────────────────────────────────────
  // cert-manager mode builds no chain here: the Harbor section creates the CertManagerCertificate in its own
  // namespace. A CA bundle then exists only if tls.rootCertPem names the private issuer's root (none for a
  // public ACME issuer, whose roots nodes already trust), and node trust is skipped without one.
  const tlsSource = registryTlsSource(cfg.tls, cfg.secrets);
  const registryTls = tlsSource
    ? new RegistryTls("registry-tls", {
        host: cfg.host,
        extraSans: cfg.tls.extraSans,
        keyAlgorithm: cfg.tls.keyAlgorithm,
        organization: cfg.tls.organization,
        rootValidityYears: cfg.tls.rootValidityYears,
        intermediateValidityYears: cfg.tls.intermediateValidityYears,
        serverValidityDays: cfg.tls.serverValidityDays,
        earlyRenewalDays: cfg.tls.earlyRenewalDays,
        source: tlsSource,
        protectCa: cfg.protect,
      })
    : undefined;
  const caBundlePem = platformCaBundle(registryTls, cfg.tls.rootCertPem);
  if (cfg.tls.nodeTrust && caBundlePem) {
    new NodeTrust(
      "registry-node-trust",
      {
        namespace: cfg.kubernetes.systemNamespace,
        registryHost: cfg.host,
        extraHosts: cfg.tls.extraSans,
        caBundlePem,
      },
      { providers: { kubernetes: providers.k8s } },
    );
  }

  // ── harbor (components/harbor) ────────────────────────────────────────────────────────────────────────
  const h = cfg.harbor;
  const certManager = cfg.tls.mode === "cert-manager" ? cfg.tls.certManager! : undefined;
  const harbor = new Harbor(
    "harbor",
    {
      namespace: h.namespace,
      host: cfg.host,
      expose: h.expose,
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
        bucket: storage.registryBucketName,
        region: bucketRegion,
        endpoint: cfg.storage.endpoint,
        disableRedirect: !cfg.storage.clientsReachEndpoint,
        credentials: storage.registryCredentials,
        kmsKeyId: cfg.storage.kmsKeyArn,
        endpointCaBundlePem: cfg.storage.endpointUsesPlatformCa ? caBundlePem : undefined,
      },
      tls: registryTls
        ? { kind: "pem", certChainPem: registryTls.serverCertChainPem, keyPem: registryTls.serverKeyPem }
        : { kind: "existing-secret", secretName: REGISTRY_CERT_MANAGER_SECRET },
      caBundlePem,
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
    },
    { providers: { kubernetes: providers.k8s } },
  );
  if (certManager) {
    // The certificate lives in Harbor's namespace; cert-manager writes the secret the ingress already names.
    new CertManagerCertificate(
      "registry-certificate",
      {
        namespace: harbor.namespace,
        secretName: REGISTRY_CERT_MANAGER_SECRET,
        dnsNames: [cfg.host, ...cfg.tls.extraSans],
        issuer: {
          name: certManager.issuerName,
          kind: certManager.issuerKind,
          group: certManager.issuerGroup,
        },
        keyAlgorithm: cfg.tls.keyAlgorithm,
      },
      { providers: { kubernetes: providers.k8s } },
    );
  }

  // ── harbor-config (components/harbor-config) ─────────────────────────────────────────────────────────
  const hc = cfg.harborConfig;
  const harborConfig = hc.enabled
    ? new HarborConfig(
        "harbor-config",
        {
          url: harbor.url,
          adminPassword: harbor.adminPassword,
          caBundlePem,
          registryHost: cfg.host,
          projects: hc.projects,
          retention: hc.retention,
          gc: hc.gc,
          auditLog: hc.auditLog,
          proxyCaches: hc.proxyCaches,
          robotRotation: hc.robotRotation,
        },
        { dependsOn: [harbor.release], providers: { kubernetes: providers.k8s } },
      )
    : undefined;

  // ── velero (components/velero) ────────────────────────────────────────────────────────────────────────
  const v = cfg.velero;
  const velero = v.enabled
    ? new Velero(
        "velero",
        {
          namespace: v.namespace,
          backupBucket: storage.backupBucketName,
          region: bucketRegion,
          archivePrefix: cfg.storage.archive.prefix,
          storage: storageOnS3Compatible
            ? {
                kind: "s3-compatible",
                endpoint: cfg.storage.endpoint!,
                caBundlePem: trustBundle(
                  cfg.storage.endpointUsesPlatformCa ? caBundlePem : undefined,
                  cfg.tls.extraCaBundles,
                ),
              }
            : { kind: "aws" },
          credentials: storage.veleroRoleArn
            ? { kind: "irsa", roleArn: storage.veleroRoleArn }
            : { kind: "static", ...storage.veleroCredentials! },
          backupMode: v.backupMode,
          timezone: v.timezone,
          schedules: v.schedules,
          harborNamespace: h.namespace,
          harborDatabase: { type: h.database.type },
          serviceMonitor: v.serviceMonitor,
          prometheusRule: v.prometheusRule,
          drillCronJob: v.drillCronJob,
          drillSchedule: v.drillSchedule,
          drillImage: v.drillImage,
          production: cfg.isProduction,
          protect: cfg.protect,
        },
        { providers: { kubernetes: providers.k8s } },
      )
    : undefined;

  return {
    environment: cfg.environment,
    region: cfg.region,
    role: cfg.role,
    registryHost: cfg.host,
    registryUrl: `https://${cfg.host}`,
    // ── storage outputs ──
    registryBucket: storage.registryBucketName,
    backupBucket: storage.backupBucketName,
    storageRegion: storage.region,
    ...(storage.endpoint ? { storageEndpoint: storage.endpoint } : {}),
    // ── tls outputs ──
    // The CA bundle is public (clients install it); keys are never exported.
    ...(caBundlePem ? { caBundlePem, registryCaSha256: caBundlePem.apply(pemSha256) } : {}),
    // ── harbor outputs ──
    harborNamespace: harbor.namespace,
    harborAdminPassword: harbor.adminPassword,
    // ── harbor-config outputs ──
    ...(harborConfig
      ? {
          harborProjects: Object.fromEntries(
            Object.entries(harborConfig.projects).map(([project, p]) => [
              project,
              { pullRobot: p.pullRobotName, pushRobot: p.pushRobotName },
            ]),
          ),
          pullDockerConfigJson: harborConfig.pullDockerConfigJson,
        }
      : {}),
    // ── velero outputs ──
    ...(velero
      ? {
          veleroNamespace: velero.namespace,
          veleroSchedules: velero.scheduleNames,
          veleroBackupLocations: velero.backupStorageLocations,
        }
      : {}),
  };
};
