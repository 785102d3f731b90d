/**
 * Harbor component arguments shaped like the repository's stacks: dev (AWS, small), prod (AWS primary,
 * external PostgreSQL, KMS, ServiceMonitor) and onprem (MinIO behind the platform CA, air-gapped Trivy),
 * plus an "edge" profile for the remaining branches (LoadBalancer, internal TLS, external Redis).
 */
import * as pulumi from "@pulumi/pulumi";
import { HarborArgs } from "../../components/harbor";

export const CA_PEM = "-----BEGIN CERTIFICATE-----\nTESTCA\n-----END CERTIFICATE-----\n";
export const LEAF_CHAIN_PEM =
  "-----BEGIN CERTIFICATE-----\nLEAF\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nINTERMEDIATE\n-----END CERTIFICATE-----\n";
export const LEAF_KEY_PEM = "-----BEGIN EC PRIVATE KEY-----\nLEAFKEY\n-----END EC PRIVATE KEY-----\n";
export const PROD_KMS = "arn:aws:kms:ap-northeast-2:123456789012:alias/registry-platform";

/** Secret inputs are wrapped by the caller (inside a mock run) with {@link secretInputs}. */
export interface ProfileSecrets {
  accessKeyId: pulumi.Input<string>;
  secretAccessKey: pulumi.Input<string>;
  keyPem: pulumi.Input<string>;
  databasePassword: pulumi.Input<string>;
  redisPassword: pulumi.Input<string>;
  adminPassword: pulumi.Input<string>;
}

export const PLAIN_SECRETS: ProfileSecrets = {
  accessKeyId: "AKIATESTACCESSKEY",
  secretAccessKey: "test-secret-access-key",
  keyPem: LEAF_KEY_PEM,
  databasePassword: "test-database-password",
  redisPassword: "test-redis-password",
  adminPassword: "edge-admin-password-from-config",
};

/** The same values as secret Outputs (call inside a mock run). */
export function secretInputs(): ProfileSecrets {
  return {
    accessKeyId: pulumi.secret(PLAIN_SECRETS.accessKeyId),
    secretAccessKey: pulumi.secret(PLAIN_SECRETS.secretAccessKey),
    keyPem: pulumi.secret(PLAIN_SECRETS.keyPem),
    databasePassword: pulumi.secret(PLAIN_SECRETS.databasePassword),
    redisPassword: pulumi.secret(PLAIN_SECRETS.redisPassword),
    adminPassword: pulumi.secret(PLAIN_SECRETS.adminPassword),
  };
}

export type ProfileName = "dev" | "prod" | "onprem" | "edge";

export function profileArgs(profile: ProfileName, s: ProfileSecrets = PLAIN_SECRETS): HarborArgs {
  switch (profile) {
    case "dev":
      return {
        host: "registry.dev.example.internal",
        storage: {
          bucket: "registry-platform-dev-registry",
          region: "ap-northeast-2",
          disableRedirect: false,
          credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
        },
        tls: { kind: "pem", certChainPem: LEAF_CHAIN_PEM, keyPem: s.keyPem },
        caBundlePem: CA_PEM,
        database: { type: "internal", size: "5Gi" },
      };
    case "prod":
      return {
        namespace: "harbor",
        host: "registry.apne2.example.com",
        expose: "ingress",
        ingressClass: "nginx",
        ingressControllerNamespace: "ingress-nginx",
        storageClass: "gp3",
        replicas: 2,
        production: true,
        networkPolicy: true,
        internalTLS: false,
        storage: {
          bucket: "registry-platform-prod-apne2-registry",
          region: "ap-northeast-2",
          disableRedirect: false,
          credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
          kmsKeyId: PROD_KMS,
        },
        tls: { kind: "pem", certChainPem: LEAF_CHAIN_PEM, keyPem: s.keyPem },
        caBundlePem: CA_PEM,
        database: {
          type: "external",
          host: "harbor-db.cluster-example.ap-northeast-2.rds.amazonaws.com",
          port: 5432,
          sslmode: "verify-full",
          username: "harbor",
          coreDatabase: "registry",
          password: s.databasePassword,
        },
        redis: { type: "internal", size: "1Gi" },
        trivy: { enabled: true, offline: false, size: "5Gi" },
        metrics: { enabled: true, serviceMonitor: true, prometheusNamespace: "monitoring" },
        jobserviceLogSize: "1Gi",
      };
    case "onprem":
      return {
        host: "registry.dc1.corp.internal",
        ingressClass: "nginx",
        storageClass: "ceph-rbd",
        replicas: 2,
        production: true,
        networkPolicy: true,
        storage: {
          bucket: "registry-platform-onprem-registry",
          region: "us-east-1",
          endpoint: "https://minio.dc1.corp.internal:9000",
          disableRedirect: true,
          credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
          endpointCaBundlePem: CA_PEM,
        },
        tls: { kind: "pem", certChainPem: LEAF_CHAIN_PEM, keyPem: s.keyPem },
        caBundlePem: CA_PEM,
        database: { type: "internal", size: "20Gi" },
        redis: { type: "internal", size: "1Gi" },
        trivy: {
          enabled: true,
          offline: true,
          dbRepository: "registry.dc1.corp.internal/mirror/aquasec/trivy-db",
          javaDbRepository: "registry.dc1.corp.internal/mirror/aquasec/trivy-java-db",
          size: "5Gi",
        },
        metrics: { enabled: true, serviceMonitor: false },
      };
    case "edge":
      return {
        namespace: "registry",
        releaseName: "edge",
        host: "registry.edge.example.net",
        expose: "loadBalancer",
        replicas: 3,
        production: true,
        internalTLS: true,
        adminPassword: s.adminPassword,
        storage: {
          bucket: "edge-registry",
          region: "eu-west-1",
          disableRedirect: false,
          credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
          kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
          rootDirectory: "/edge",
        },
        tls: { kind: "existing-secret", secretName: "edge-cert-manager-tls" },
        database: { type: "internal", size: "10Gi", storageClass: "fast-ssd" },
        redis: { type: "external", addr: "redis.cache.internal:6379", password: s.redisPassword },
        trivy: { enabled: false },
        metrics: { enabled: false, serviceMonitor: false },
      };
  }
}
