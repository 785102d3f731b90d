/**
 * Secret stack config keys. Each is its own top-level key in the `registry-platform:` namespace, set with
 * `pulumi config set --secret <key> <value>` and read with `requireSecret`/`getSecret`, so the value is a
 * secret Output from the moment it enters the program. Secret values are never validated for content here
 * (they may be unknown during preview) and never printed.
 */
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

export function isSecretKey(key: string): key is SecretKey {
  return Object.prototype.hasOwnProperty.call(SECRET_KEYS, key);
}
