/**
 * The registry-platform program: reads and validates the stack config, wires it to the components and
 * exports the stack's output contract. No logic lives here.
 */
import { loadPlatformConfig } from "./config";
import {
  createProviders,
  NodeTrust,
  pemSha256,
  platformCaBundle,
  RegistryStorage,
  RegistryTls,
  registryTlsSource,
  StorageTarget,
} from "./components";

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
              serviceAccount: "velero",
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

  // ── harbor-config (components/harbor-config) ─────────────────────────────────────────────────────────

  // ── velero (components/velero) ────────────────────────────────────────────────────────────────────────

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
    // ── harbor-config outputs ──
    // ── velero outputs ──
  };
};
