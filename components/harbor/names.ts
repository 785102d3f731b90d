/**
 * Names the chart derives from the release name, and the names of the Kubernetes objects this component
 * creates for the chart's `existingSecret*` / `secretName` keys. None of ours collides with an object the
 * chart renders itself (`<fullname>-core`, `-jobservice`, `-registry`, `-registry-htpasswd`, `-ingress`, ...).
 */

/** The Helm release name the Harbor component uses unless `releaseName` is given. */
export const DEFAULT_HARBOR_RELEASE_NAME = "harbor";

/** Key of the admin password inside the component's admin Secret (the chart's `existingSecretAdminPasswordKey`). */
export const HARBOR_ADMIN_PASSWORD_KEY = "HARBOR_ADMIN_PASSWORD";

/** The chart's `harbor.fullname`: the release name if it contains "harbor", else `<release>-harbor` (63 max). */
export function harborFullname(releaseName: string): string {
  const full = releaseName.includes("harbor") ? releaseName : `${releaseName}-harbor`;
  return full.slice(0, 63).replace(/-+$/, "");
}

/** Service (and certificate host) names of the chart's components. */
export function harborServiceNames(releaseName: string) {
  const f = harborFullname(releaseName);
  return {
    core: `${f}-core`,
    portal: `${f}-portal`,
    jobservice: `${f}-jobservice`,
    registry: `${f}-registry`,
    trivy: `${f}-trivy`,
  };
}

/** Internal-TLS components with a certificate secret of their own. */
export const INTERNAL_TLS_COMPONENTS = ["core", "jobservice", "registry", "portal", "trivy"] as const;
export type InternalTlsComponent = (typeof INTERNAL_TLS_COMPONENTS)[number];

/** Names of the Secrets this component creates in the Harbor namespace. */
export function harborSecretNames(releaseName: string) {
  const f = harborFullname(releaseName);
  return {
    /** `HARBOR_ADMIN_PASSWORD` → `existingSecretAdminPassword` (see {@link harborAdminSecret}). */
    adminPassword: `${f}-admin-password`,
    /** `secretKey` → `existingSecretSecretKey` (the chart requires that key name). */
    secretKey: `${f}-secret-key`,
    /** `secret` (core.existingSecret) and `CSRF_KEY` (core.existingXsrfSecret). */
    coreKeys: `${f}-core-keys`,
    /** `tls.key` / `tls.crt` of the token service → `core.secretName`. */
    tokenService: `${f}-token-service`,
    /** `JOBSERVICE_SECRET` → `jobservice.existingSecret`. */
    jobserviceKeys: `${f}-jobservice-keys`,
    /** `REGISTRY_HTTP_SECRET` → `registry.existingSecret`. */
    registryKeys: `${f}-registry-keys`,
    /** `REGISTRY_PASSWD` / `REGISTRY_HTPASSWD` → `registry.credentials.existingSecret`. */
    registryCredentials: `${f}-registry-credentials`,
    /** `REGISTRY_STORAGE_S3_ACCESSKEY` / `_SECRETKEY` → `persistence.imageChartStorage.s3.existingSecret`. */
    s3Credentials: `${f}-s3-credentials`,
    /** `ca.crt` of the S3 endpoint's CA → `persistence.imageChartStorage.caBundleSecretName`. */
    storageCaBundle: `${f}-storage-ca-bundle`,
    /** `ca.crt` of the platform CA → `caSecretName` (portal download), and `caBundleSecretName` without extras. */
    caBundle: `${f}-ca-bundle`,
    /** `ca.crt`: the platform CA + `trustedCaBundlePem` → `caBundleSecretName` (when extra CAs are given). */
    trustedCaBundle: `${f}-trusted-ca-bundle`,
    /** `kubernetes.io/tls` for the ingress / nginx → `expose.tls.secret.secretName` (tls.kind "pem"). */
    tls: `${f}-tls`,
    /** `password` → `database.external.existingSecret`. */
    database: `${f}-database-password`,
    /** `REDIS_PASSWORD` → `redis.external.existingSecret`. */
    redis: `${f}-redis-password`,
    /** `kubernetes.io/tls` with ca.crt per component → `internalTLS.<component>.secretName`. */
    internalTls: (c: InternalTlsComponent) => `${f}-${c}-internal-tls`,
  };
}

/**
 * Where Harbor's admin password lives in the Harbor namespace: the component's own Secret. The chart
 * (1.19.1, `templates/core/core-secret.yaml`) leaves `HARBOR_ADMIN_PASSWORD` out of `<fullname>-core` once
 * `existingSecretAdminPassword` is set, so this is the only place to read it (the restore drill does).
 */
export function harborAdminSecret(releaseName: string = DEFAULT_HARBOR_RELEASE_NAME): {
  name: string;
  key: typeof HARBOR_ADMIN_PASSWORD_KEY;
} {
  return { name: harborSecretNames(releaseName).adminPassword, key: HARBOR_ADMIN_PASSWORD_KEY };
}
