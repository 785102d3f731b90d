/**
 * The storage capability's wiring from the validated platform config: the storage target (AWS or an
 * S3-compatible endpoint) and the {@link RegistryStorageArgs}. Pure; the platform component calls it.
 */
import type { PlatformConfig } from "../../config";
import type { StorageTarget } from "../providers";
import type { RegistryStorageArgs } from "./args";

/** Where the buckets live: the stack's AWS region, or the configured S3-compatible endpoint. */
export function storageTargetOf(cfg: PlatformConfig): StorageTarget {
  if (cfg.storage.provider !== "s3-compatible") return { kind: "aws", region: cfg.region };
  return {
    kind: "s3-compatible",
    endpoint: cfg.storage.endpoint!,
    signingRegion: cfg.storage.signingRegion,
    accessKey: cfg.secrets.s3AccessKey!,
    secretKey: cfg.secrets.s3SecretKey!,
  };
}

/** The region the buckets' S3 API signs for: the AWS region, or the S3-compatible endpoint's signing region. */
export function bucketRegionOf(cfg: PlatformConfig): string {
  return cfg.storage.provider === "s3-compatible" ? cfg.storage.signingRegion : cfg.region;
}

/** {@link RegistryStorageArgs} for a stack; `veleroServiceAccount` is the account IRSA trusts. */
export function storageArgsFromConfig(
  cfg: PlatformConfig,
  tags: Record<string, string>,
  veleroServiceAccount: string,
): RegistryStorageArgs {
  const s = cfg.storage;
  const onS3Compatible = s.provider === "s3-compatible";
  return {
    target: storageTargetOf(cfg),
    registryBucketName: s.registryBucket,
    backupBucketName: s.backupBucket,
    ...(onS3Compatible ? {} : { logBucketName: s.logBucket }),
    recoveryWindowDays: s.recoveryWindowDays,
    abortMultipartDays: s.abortMultipartDays,
    backupRetention: s.backupRetention,
    archive: s.archive,
    kms: s.kms,
    encryption: s.encryption,
    ...(s.kmsKeyArn ? { kmsKeyArn: s.kmsKeyArn } : {}),
    forceDestroy: s.forceDestroy,
    protect: cfg.protect,
    tags,
    ...(onS3Compatible
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
    ...(s.oidcProviderArn
      ? {
          irsa: {
            oidcProviderArn: s.oidcProviderArn,
            namespace: cfg.velero.namespace,
            serviceAccount: veleroServiceAccount,
          },
        }
      : {}),
    veleroSnapshots: s.veleroSnapshots,
  };
}
