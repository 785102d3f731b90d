/**
 * Secret stack config keys. Each is its own top-level key in the `registry-platform:` namespace, set with
 * `pulumi config set --secret <key> <value>` and read with `requireSecret`/`getSecret`, so the value is a
 * secret Output from the moment it enters the program. Secret values are never printed; the PEM keys are
 * parsed (and matched to their certificates) by `./pem.ts` before any resource is registered.
 */
import { NAMESPACE } from "./namespace";

export const SECRET_KEYS = {
  s3AccessKey: "S3-compatible endpoint: access key of the account that creates the buckets.",
  s3SecretKey: "S3-compatible endpoint: secret key of the account that creates the buckets.",
  registryS3AccessKey: "S3-compatible: access key Harbor's registry uses (default: s3AccessKey).",
  registryS3SecretKey: "S3-compatible: secret key Harbor's registry uses (default: s3SecretKey).",
  veleroS3AccessKey: "S3-compatible: access key Velero uses (default: s3AccessKey).",
  veleroS3SecretKey: "S3-compatible: secret key Velero uses (default: s3SecretKey).",
  tlsIntermediateKeyPem: "tls.mode byo-intermediate: the intermediate CA's private key (PEM).",
  tlsServerKeyPem: "tls.mode byo-certificate: the server certificate's private key (PEM).",
  harborAdminPassword: "Harbor admin password (default: generated, 32 characters).",
  harborDatabasePassword: "harbor.database.type external: the PostgreSQL password.",
  harborRedisPassword: "harbor.redis.type external: the Redis password, if any.",
  kubeconfig: "kubeconfig contents for the Kubernetes provider (default: $KUBECONFIG / ~/.kube/config).",
} as const;

export type SecretKey = keyof typeof SECRET_KEYS;

/** Secret keys whose value is a file's contents: set them from the file (piped to standard input). */
const FILE_SECRETS: Partial<Record<SecretKey, string>> = {
  tlsIntermediateKeyPem: "intermediate-key.pem",
  tlsServerKeyPem: "server-key.pem",
  kubeconfig: "kubeconfig.yaml",
};

/** The exact command that sets a secret key (values are never known here; files are piped in). */
export function setSecretCommand(key: SecretKey): string {
  const file = FILE_SECRETS[key];
  return file
    ? `pulumi config set --secret ${NAMESPACE}:${key} < ${file}`
    : `pulumi config set --secret ${NAMESPACE}:${key} '<value>'`;
}

/**
 * The offline synth runs without the real secrets (they are encrypted for the stack, or not set at all):
 * each secret key the config needs but cannot read gets a stand-in value starting with this marker. A
 * stand-in is accepted only on the mock engine (`ConfigSource.allowStandIns`); a real engine rejects it.
 */
export const OFFLINE_STAND_IN_PREFIX = "offline-synth-stand-in-for-";

export function offlineStandIn(fullKey: string): string {
  return `${OFFLINE_STAND_IN_PREFIX}${fullKey}`;
}

export function isOfflineStandIn(value: string | undefined): boolean {
  return value !== undefined && value.startsWith(OFFLINE_STAND_IN_PREFIX);
}

export function isSecretKey(key: string): key is SecretKey {
  return Object.prototype.hasOwnProperty.call(SECRET_KEYS, key);
}
