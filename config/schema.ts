/**
 * The stack configuration schema (namespace `registry-platform:`).
 *
 * Every top-level config key is one entry of {@link configSchema}. Values are validated once, as one object,
 * by {@link parsePlatformConfig} (see `./parse.ts`), before any resource is registered.
 * Secret values never live here: they are separate top-level keys listed in `./secrets.ts` and read with
 * `requireSecret`.
 */
import { z } from "zod";
import {
  ARCHIVE_STORAGE_CLASSES,
  isS3BucketName,
  LOCK_MODES,
  ObjectLockMode,
  S3_BUCKET_NAME_FORM as BUCKET_NAME_FORM,
} from "../components/storage/rules";
import { isPort, k8sNameSchema as k8sName } from "./sections/common";
import { airGappedSchema, chartsSection, helmSection, imagesSection } from "./sections/artifacts";
import { harborSection } from "./sections/harbor";
import { harborConfigSection } from "./sections/harbor-config";
import { replicationSection } from "./sections/replication";
import { policySection } from "./sections/policy";
import { veleroSection } from "./sections/velero";

export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const ROLES = ["primary", "replica"] as const;
export type Role = (typeof ROLES)[number];

/** Object Lock modes and archive storage classes: the storage component's own lists are the single source. */
export { LOCK_MODES };
export type LockMode = ObjectLockMode;

export const STORAGE_PROVIDERS = ["aws", "s3-compatible"] as const;
export type StorageProvider = (typeof STORAGE_PROVIDERS)[number];

export const TLS_MODES = ["self-signed-ca", "byo-intermediate", "byo-certificate", "cert-manager"] as const;
export type TlsMode = (typeof TLS_MODES)[number];

export const KEY_ALGORITHMS = ["ECDSA", "RSA"] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

/** RFC 1123 DNS name: lowercase labels of [a-z0-9-], dots between, 253 characters at most. */
export const dnsName = z
  .string()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/, {
    message: "a lowercase DNS name such as registry.example.com",
    abort: true,
  })
  // An all-digit last label is an IPv4 address: an Ingress rule's host takes names only, and the certificate
  // would carry it as a DNS name, which clients reaching an IP do not match.
  .refine((s) => !/(^|\.)\d+$/.test(s), {
    message: "a lowercase DNS name such as registry.example.com, not an IP address",
  });

/** AWS tags: keys 1-128 characters, not `aws:` (reserved); values up to 256; letters, digits, spaces, _.:/=+-@. */
const TAG_TEXT = /^[\p{L}\p{N}\s_.:/=+\-@]*$/u;
const TAG_TEXT_FORM = "letters, digits, spaces and _ . : / = + - @";
const tagKey = z
  .string()
  .min(1)
  .max(128)
  .regex(TAG_TEXT, { message: TAG_TEXT_FORM })
  .refine((k) => !k.toLowerCase().startsWith("aws:"), {
    message: "a key not starting with aws: (reserved by AWS)",
  })
  .refine((k) => !k.startsWith("registry-platform/"), {
    message: "a key not starting with registry-platform/ (the platform's own tags)",
  });
const tagValue = z.string().max(256).regex(TAG_TEXT, { message: TAG_TEXT_FORM });
/** AWS allows 50 tags per S3 bucket, IAM user and role; the platform adds 4 (env, region, stack, component). */
export const MAX_CONFIG_TAGS = 46;

/**
 * S3 bucket name rules (3-63 chars, lowercase, digits, dots and hyphens, no leading/trailing punctuation, and
 * the rules S3 refuses a name for at create time; the storage component's {@link isS3BucketName}).
 */
export const bucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: BUCKET_NAME_FORM, abort: true })
  .refine(isS3BucketName, { message: BUCKET_NAME_FORM });

export const awsRegion = z
  .string()
  .regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, { message: "an AWS region code such as ap-northeast-2" });

/** The S3 endpoint: scheme, host and port only (Harbor's chart takes no path, and drops `secure: false`). */
const ENDPOINT_FORM = "an http(s) URL with scheme and no path, such as https://minio.example.internal:9000";
export const httpsUrl = z
  .string()
  .regex(/^https?:\/\/[^\s/:]+(:\d{1,5})?\/?$/, { message: ENDPOINT_FORM, abort: true })
  .refine((s) => !/:\d+\/?$/.test(s) || isPort(/:(\d+)\/?$/.exec(s)![1]), {
    message: `${ENDPOINT_FORM} (port 1-65535)`,
  });

const positiveInt = z.number().int().positive();

export const storageSection = z
  .strictObject({
    /** `aws` (S3 + IAM) or `s3-compatible` (MinIO, Ceph RGW, ... through the S3 API). Default `aws`. */
    provider: z.enum(STORAGE_PROVIDERS).default("aws"),
    /** S3 API endpoint, required for `s3-compatible`; the scheme is part of the URL. */
    endpoint: httpsUrl.optional(),
    /** S3-compatible: the region the endpoint signs requests for (MinIO and Ceph RGW default: us-east-1). */
    signingRegion: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,30}$/, { message: "a region name such as us-east-1" })
      .default("us-east-1"),
    /** The endpoint's certificate is issued by the platform CA (adds the CA bundle to Harbor and Velero). */
    endpointUsesPlatformCa: z.boolean().default(false),
    /** Registry clients (nodes, CI) can reach the S3 endpoint directly; `false` proxies blobs through Harbor. */
    clientsReachEndpoint: z.boolean().optional(),
    /** Physical bucket names; default `<project>-<stack>-registry|backup|logs`. */
    registryBucket: bucketName.optional(),
    backupBucket: bucketName.optional(),
    logBucket: bucketName.optional(),
    /** Days a deleted or overwritten registry blob stays recoverable (noncurrent version expiry). Default 30. */
    recoveryWindowDays: positiveInt.max(3650).default(30),
    /** Days after which incomplete multipart uploads are aborted. Default 7. */
    abortMultipartDays: positiveInt.max(365).default(7),
    /** Backup bucket Object Lock default retention (WORM). Mode defaults by environment. */
    backupRetention: z
      .strictObject({
        mode: z.enum(LOCK_MODES).optional(),
        days: positiveInt.max(36500).optional(),
      })
      .prefault({}),
    /** Long-term (monthly) prefix transition to an archive storage class, AWS only. */
    archive: z
      .strictObject({
        prefix: z
          .string()
          .regex(/^[a-z0-9][a-z0-9/_-]*\/$/, { message: "a key prefix ending in '/', such as archive/" })
          .default("archive/"),
        transitionAfterDays: positiveInt.max(3650).default(30),
        storageClass: z.enum(ARCHIVE_STORAGE_CLASSES).default("GLACIER_IR"),
      })
      .prefault({}),
    /** Customer-managed KMS key ARN for aws:kms encryption (else AES256). */
    kmsKeyArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/\S+$/, { message: "a KMS key or alias ARN" })
      .optional(),
    /** Use aws:kms with the AWS-managed key when no kmsKeyArn is given. Default true on AWS. */
    kms: z.boolean().optional(),
    /**
     * Default server-side encryption. Default true; false only on S3-compatible endpoints without a key server
     * (MinIO refuses SSE-S3 without KES).
     */
    encryption: z.boolean().default(true),
    /** Allow `pulumi destroy` to empty buckets. Only ever allowed in dev. Default false. */
    forceDestroy: z.boolean().default(false),
    /** IRSA for Velero: the EKS cluster's IAM OIDC provider ARN. */
    oidcProviderArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/\S+$/, { message: "an IAM OIDC provider ARN" })
      .optional(),
    /** Grant Velero the EBS snapshot actions (volume snapshots). Default false (file-system backup). */
    veleroSnapshots: z.boolean().default(false),
  })
  .prefault({});

export const tlsSection = z
  .strictObject({
    /** How the registry certificate is obtained. Default `self-signed-ca` (root → intermediate → leaf). */
    mode: z.enum(TLS_MODES).default("self-signed-ca"),
    /** Key algorithm for generated keys: ECDSA P-384 (default) or RSA 4096. */
    keyAlgorithm: z.enum(KEY_ALGORITHMS).default("ECDSA"),
    /** Subject organization of generated certificates. */
    organization: z
      .string()
      .max(64)
      .regex(/\S/, { message: "1-64 characters, not only blanks" })
      .default("registry-platform"),
    rootValidityYears: positiveInt.max(30).default(10),
    intermediateValidityYears: positiveInt.max(20).default(5),
    /** Server certificate validity; browsers and Apple clients refuse more than 397 days. */
    serverValidityDays: positiveInt.max(397).default(365),
    /** A `pulumi up` within this many days of expiry replaces the server certificate. */
    earlyRenewalDays: positiveInt.max(180).default(30),
    /** Extra subject alternative names for the server certificate. */
    extraSans: z.array(dnsName).default([]),
    /** byo-intermediate / byo-certificate: the root CA certificate (PEM) clients must trust. */
    rootCertPem: z.string().optional(),
    /** byo-intermediate: the intermediate CA certificate (PEM); its key is the secret `tlsIntermediateKeyPem`. */
    intermediateCertPem: z.string().optional(),
    /** byo-certificate: the server certificate chain (leaf first, PEM); its key is the secret `tlsServerKeyPem`. */
    serverCertPem: z.string().optional(),
    /** cert-manager mode: the issuer to request the certificate from. */
    certManager: z
      .strictObject({
        issuerName: k8sName,
        issuerKind: z.enum(["ClusterIssuer", "Issuer"]).default("ClusterIssuer"),
        issuerGroup: z.string().default("cert-manager.io"),
      })
      .optional(),
    /** Node trust DaemonSet writing containerd's certs.d on every node. Default on. */
    nodeTrust: z.boolean().default(true),
    /**
     * Extra CA bundles (PEM, each may hold several certificates) Harbor's components trust for their own
     * outgoing TLS, besides the platform CA: the RDS CA for `harbor.database.sslmode: verify-full`, a
     * corporate proxy's CA, an S3 endpoint's private CA. Merged into the bundle behind Harbor's
     * `caBundleSecretName` (and Velero's S3-compatible `caCert`). Default none.
     */
    extraCaBundles: z.array(z.string().min(1)).default([]),
  })
  .prefault({});

export const kubernetesSection = z
  .strictObject({
    /** kubeconfig context to use; default: the current context of $KUBECONFIG. */
    context: z.string().min(1).optional(),
    /** Namespace for platform-wide objects (node trust DaemonSet, CA bundle). Default `registry-system`. */
    systemNamespace: k8sName.default("registry-system"),
    /** StorageClass for PVCs (internal database, Redis, Trivy, job logs); default: the cluster default. */
    storageClass: k8sName.optional(),
    /** Ingress class name of the existing ingress controller. Default `nginx`. */
    ingressClass: k8sName.default("nginx"),
    /** Namespace of the ingress controller (NetworkPolicy admits traffic from it). Default `ingress-nginx`. */
    ingressControllerNamespace: k8sName.default("ingress-nginx"),
  })
  .prefault({});

/** The whole `registry-platform:` namespace. Each key here is a top-level stack config key. */
export const configSchema = z.strictObject({
  /** `dev`, `staging` or `prod`; production rules (COMPLIANCE, protect, replicas) apply to `prod`. */
  environment: z.enum(ENVIRONMENTS),
  /** Cloud region of this stack (the AWS region on AWS; a label such as `dc1` on premises). */
  region: z.string().regex(/^[a-z0-9][a-z0-9-]{0,30}$/, { message: "a region label such as ap-northeast-2" }),
  /** `primary` or `replica` (geo-replication). Default `primary`. */
  role: z.enum(ROLES).default("primary"),
  /** The registry's fully qualified host name. */
  host: dnsName,
  /** Prefix of the bucket names (IAM users and roles are auto-named). Default `<project>-<stack>`. */
  namePrefix: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,40}$/, { message: "[a-z0-9-], at most 41 characters" })
    .optional(),
  /** Extra tags on every cloud resource. */
  tags: z
    .record(tagKey, tagValue)
    .refine((t) => Object.keys(t).length <= MAX_CONFIG_TAGS, {
      message: `at most ${MAX_CONFIG_TAGS} tags (AWS allows 50 per bucket, IAM user and role; the platform adds 4: registry-platform/env, /region, /stack, /component)`,
    })
    .default({}),
  /** Protect stateful resources (`protect` + `retainOnDelete`). Default: true in prod; cannot be false in prod. */
  protect: z.boolean().optional(),
  storage: storageSection,
  tls: tlsSection,
  kubernetes: kubernetesSection,
  harbor: harborSection,
  harborConfig: harborConfigSection,
  velero: veleroSection,
  /** Chart sources (`{ harbor?, velero?, kyverno? }`); default: the public repositories pinned in versions.ts. */
  charts: chartsSection,
  /** `{ mirror? }`: the registry every image is pulled from. */
  images: imagesSection,
  /** The cluster reaches no public host: any public image, chart or database source left is an error. */
  airGapped: airGappedSchema,
  /** `{ wait, timeoutSeconds? }` of the Helm releases. */
  helm: helmSection,
  replication: replicationSection,
  policy: policySection,
});

/** The config as written in the stack file, defaults applied (before environment-dependent resolution). */
export type RawConfig = z.output<typeof configSchema>;
