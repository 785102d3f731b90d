/**
 * The config rules that span keys or depend on the environment, run on the resolved {@link PlatformConfig}
 * after the schema has accepted each key on its own.
 */
import { ConfigIssue, keyPath, NAMESPACE, renderValue } from "./errors";
import type { ConfigSource, PlatformConfig } from "./parse";
import { replicationChecks } from "./sections/replication";
import { SecretKey, setSecretCommand } from "./secrets";
import { policyIssues } from "./sections/policy";
import { artifactIssues } from "./sections/artifacts";
import { veleroIssues } from "./sections/velero-rules";
import {
  IA_MIN_TRANSITION_DAYS,
  isS3BucketName,
  regionMismatches,
  S3_BUCKET_NAME_FORM,
} from "../components/storage/rules";
import { harborConfigIssues } from "./sections/harbor-config-rules";
import { maxServerValidityDays, SERVER_VALIDITY_WHY } from "../components/tls/certs";

export const PRODUCTION_MIN_RETENTION_DAYS = 7;

/** Amazon RDS endpoints (`<id>.<region>.rds.amazonaws.com`, China: `.rds.amazonaws.com.cn`). */
const RDS_HOST = /\.rds\.amazonaws\.com(\.cn)?$/;

/** Rules that span keys or depend on the environment. */
export function crossChecks(c: PlatformConfig, src: ConfigSource): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  /** `found` is a value to render, or a {@link Described} text for values we must not echo. */
  const add = (path: PropertyKey[], found: unknown, allowed: string) =>
    out.push({
      key: keyPath(path),
      found: found instanceof Described ? found.text : renderValue(found),
      allowed,
    });
  /** A secret the config needs. A value stored in plain text was already reported (one message per key). */
  const needSecret = (k: SecretKey, why: string) => {
    if (src.values[k] === undefined)
      out.push({
        key: `${NAMESPACE}:${k}`,
        found: "nothing",
        allowed: `a secret (${why})`,
        fix: setSecretCommand(k),
        missingSecret: k,
      });
  };
  const st = c.storage;
  const prod = c.isProduction;

  // Protection and destruction.
  if (prod && c.protect === false) add(["protect"], false, 'true (or unset) when environment is "prod"');
  if (st.forceDestroy && c.environment !== "dev")
    add(["storage", "forceDestroy"], true, 'false; forceDestroy is only allowed when environment is "dev"');
  if (st.forceDestroy && c.protect) add(["storage", "forceDestroy"], true, "false while protect is true");
  else if (st.forceDestroy && c.environment === "dev" && st.backupRetention.mode === "COMPLIANCE")
    add(
      ["storage", "forceDestroy"],
      true,
      "false with COMPLIANCE retention (storage.backupRetention.mode): locked versions cannot be deleted before they expire, so destroy could never empty the backup bucket",
    );

  // WORM retention.
  if (prod && st.backupRetention.mode !== "COMPLIANCE")
    add(
      ["storage", "backupRetention", "mode"],
      st.backupRetention.mode,
      '"COMPLIANCE" when environment is "prod"',
    );
  if (prod && st.backupRetention.days < PRODUCTION_MIN_RETENTION_DAYS)
    add(
      ["storage", "backupRetention", "days"],
      st.backupRetention.days,
      `a whole number >= ${PRODUCTION_MIN_RETENTION_DAYS} when environment is "prod" (the window to detect ransomware)`,
    );

  // Storage target.
  if (st.provider === "s3-compatible") {
    if (!st.endpoint)
      add(["storage", "endpoint"], undefined, 'an http(s) URL when storage.provider is "s3-compatible"');
    else if (prod && /^http:\/\//.test(st.endpoint))
      add(
        ["storage", "endpoint"],
        st.endpoint,
        'an https URL when environment is "prod" (over plain http the buckets cannot deny requests without TLS, SPEC R1.3, and the S3 keys and the data cross the network in clear)',
      );
    else if (st.endpointUsesPlatformCa && /^http:\/\//.test(st.endpoint))
      add(
        ["storage", "endpointUsesPlatformCa"],
        true,
        "false when storage.endpoint is a plain http URL (no TLS, so no certificate for the platform CA to verify); or an https storage.endpoint",
      );
    if (st.kmsKeyArn)
      add(
        ["storage", "kmsKeyArn"],
        st.kmsKeyArn,
        'nothing when storage.provider is "s3-compatible" (AWS KMS only)',
      );
    if (st.oidcProviderArn)
      add(
        ["storage", "oidcProviderArn"],
        st.oidcProviderArn,
        'nothing when storage.provider is "s3-compatible" (IRSA is AWS only)',
      );
    if (st.veleroSnapshots)
      add(["storage", "veleroSnapshots"], true, 'false when storage.provider is "s3-compatible" (EBS only)');
    // The archive transition is a lifecycle rule the storage sets on AWS only; the prefix still applies.
    const archive = st.archive;
    for (const k of ["storageClass", "transitionAfterDays"] as const)
      if (setNestedKeys(src, "storage", "archive").includes(k))
        add(
          ["storage", "archive", k],
          archive[k],
          'nothing when storage.provider is "s3-compatible" (the platform sets the archive transition on AWS only; storage.archive.prefix still applies)',
        );
    const setStorageKeys = setNestedKeys(src, "storage");
    if (setStorageKeys.includes("abortMultipartDays"))
      add(
        ["storage", "abortMultipartDays"],
        st.abortMultipartDays,
        'nothing when storage.provider is "s3-compatible" (the platform sets the abort-multipart lifecycle rule on AWS only; MinIO refuses it and removes stale uploads itself)',
      );
    if (setStorageKeys.includes("logBucket"))
      add(
        ["storage", "logBucket"],
        st.logBucket,
        'nothing when storage.provider is "s3-compatible" (server access logging and its log bucket are AWS only)',
      );
    // Resolved `kms` is true when a kmsKeyArn is given, which is reported above.
    if (st.kms && !st.kmsKeyArn)
      add(["storage", "kms"], true, 'false or unset when storage.provider is "s3-compatible" (AWS KMS only)');
    needSecret("s3AccessKey", "storage.provider is s3-compatible");
    needSecret("s3SecretKey", "storage.provider is s3-compatible");
  } else {
    if (st.endpoint)
      add(
        ["storage", "endpoint"],
        st.endpoint,
        'nothing when storage.provider is "aws" (use "s3-compatible")',
      );
    if (!/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/.test(c.region))
      add(["region"], c.region, 'an AWS region code such as ap-northeast-2 when storage.provider is "aws"');
    if (st.endpointUsesPlatformCa)
      add(["storage", "endpointUsesPlatformCa"], true, 'false when storage.provider is "aws"');
    if (setNestedKeys(src, "storage").includes("signingRegion"))
      add(
        ["storage", "signingRegion"],
        st.signingRegion,
        'nothing when storage.provider is "aws" (the buckets are created in registry-platform:region)',
      );
    if (!st.encryption)
      add(
        ["storage", "encryption"],
        false,
        'true when storage.provider is "aws" (encryption at rest is mandatory)',
      );
    if (st.kmsKeyArn && !st.kms)
      add(["storage", "kms"], false, "true (or unset) when storage.kmsKeyArn is set");
    for (const [key, found, allowed] of regionMismatches(st, c.region)) add(["storage", key], found, allowed);
    if (
      (st.archive.storageClass === "STANDARD_IA" || st.archive.storageClass === "ONEZONE_IA") &&
      st.archive.transitionAfterDays < IA_MIN_TRANSITION_DAYS
    )
      add(
        ["storage", "archive", "transitionAfterDays"],
        st.archive.transitionAfterDays,
        `a whole number >= ${IA_MIN_TRANSITION_DAYS} when storage.archive.storageClass is "${st.archive.storageClass}" (S3 refuses earlier transitions)`,
      );
    for (const k of [
      "s3AccessKey",
      "s3SecretKey",
      "registryS3AccessKey",
      "registryS3SecretKey",
      "veleroS3AccessKey",
      "veleroS3SecretKey",
    ] as const)
      if (src.values[k] !== undefined)
        out.push({
          key: `${NAMESPACE}:${k}`,
          found: "a value",
          allowed: 'nothing when storage.provider is "aws" (IAM creates the credentials)',
        });
  }
  for (const [a, b] of [
    ["registryS3AccessKey", "registryS3SecretKey"],
    ["veleroS3AccessKey", "veleroS3SecretKey"],
  ] as const) {
    if ((src.values[a] === undefined) !== (src.values[b] === undefined))
      out.push({
        key: `${NAMESPACE}:${src.values[a] === undefined ? a : b}`,
        found: "nothing",
        allowed: `set together with ${src.values[a] === undefined ? b : a}`,
      });
  }
  const names = [st.registryBucket, st.backupBucket, ...(st.provider === "aws" ? [st.logBucket] : [])];
  if (new Set(names).size !== names.length)
    add(["storage"], names, "distinct registryBucket, backupBucket and logBucket names");
  // The log bucket exists on AWS only (storage.logBucket may not be set on s3-compatible).
  for (const [k, v] of [
    ["registryBucket", st.registryBucket],
    ["backupBucket", st.backupBucket],
    ...(st.provider === "aws" ? [["logBucket", st.logBucket] as const] : []),
  ] as const) {
    if (v.length > 63)
      add(["storage", k], v, "an S3 bucket name of at most 63 characters (shorten namePrefix or set it)");
    // A name given in the config was checked by the schema; a derived one (namePrefix) only here.
    else if (!isS3BucketName(v))
      add(
        ["storage", k],
        v,
        `${S3_BUCKET_NAME_FORM} (derived from namePrefix: change namePrefix or set storage.${k})`,
      );
  }

  // TLS.
  const tls = c.tls;
  // What each mode needs; the PEMs' content is parsed and checked by pemIssues (./pem.ts).
  if (tls.mode === "byo-intermediate") {
    if (!tls.intermediateCertPem)
      add(
        ["tls", "intermediateCertPem"],
        undefined,
        'one PEM certificate when tls.mode is "byo-intermediate"',
      );
    needSecret("tlsIntermediateKeyPem", "tls.mode is byo-intermediate");
  }
  if (tls.mode === "byo-certificate") {
    if (!tls.serverCertPem)
      add(
        ["tls", "serverCertPem"],
        undefined,
        'a PEM certificate chain (leaf first) when tls.mode is "byo-certificate"',
      );
    needSecret("tlsServerKeyPem", "tls.mode is byo-certificate");
  }
  if (tls.mode === "byo-intermediate" || tls.mode === "byo-certificate") {
    if (!tls.rootCertPem)
      add(["tls", "rootCertPem"], undefined, `the root CA certificate (PEM) when tls.mode is "${tls.mode}"`);
  } else if (tls.mode === "cert-manager") {
    // A private CA issuer's root (tls.rootCertPem) is what nodes and clients must trust; optional for public
    // ACME issuers. Its content is checked by pemIssues.
    if (tls.intermediateCertPem || tls.serverCertPem)
      add(
        ["tls", "mode"],
        tls.mode,
        '"byo-intermediate" or "byo-certificate" when intermediate or server PEMs are given',
      );
  } else if (tls.rootCertPem || tls.intermediateCertPem || tls.serverCertPem) {
    add(["tls", "mode"], tls.mode, '"byo-intermediate" or "byo-certificate" when certificate PEMs are given');
  }
  if (tls.mode === "cert-manager" && !tls.certManager)
    add(["tls", "certManager"], undefined, '{ issuerName, issuerKind } when tls.mode is "cert-manager"');
  if (tls.mode !== "cert-manager" && tls.certManager)
    add(["tls", "certManager"], new Described("a value"), 'nothing unless tls.mode is "cert-manager"');
  if (tls.intermediateValidityYears >= tls.rootValidityYears)
    add(
      ["tls", "intermediateValidityYears"],
      tls.intermediateValidityYears,
      `fewer years than tls.rootValidityYears (${tls.rootValidityYears})`,
    );
  if (
    tls.mode === "self-signed-ca" &&
    tls.serverValidityDays > maxServerValidityDays(tls.intermediateValidityYears)
  )
    add(
      ["tls", "serverValidityDays"],
      tls.serverValidityDays,
      `at most ${maxServerValidityDays(tls.intermediateValidityYears)} days, half the intermediate's life (tls.intermediateValidityYears × 365 = ${tls.intermediateValidityYears * 365}): ${SERVER_VALIDITY_WHY.replace("serverValidityDays", "tls.serverValidityDays")}`,
    );
  if (tls.earlyRenewalDays >= tls.serverValidityDays)
    add(
      ["tls", "earlyRenewalDays"],
      tls.earlyRenewalDays,
      `fewer days than tls.serverValidityDays (${tls.serverValidityDays})`,
    );
  if (tls.extraSans.includes(c.host))
    add(["tls", "extraSans"], tls.extraSans, "names other than host (host is always a SAN)");
  tls.extraSans.forEach((n, i) => {
    const first = tls.extraSans.indexOf(n);
    if (first !== i) add(["tls", "extraSans", i], n, `a name not already listed at tls.extraSans[${first}]`);
  });

  // Harbor.
  const h = c.harbor;
  if (prod && h.replicas < 2)
    add(["harbor", "replicas"], h.replicas, 'a whole number >= 2 when environment is "prod"');
  // SPEC R3.8: production has the NetworkPolicy; R7.2: no insecure settings in production.
  if (prod && h.networkPolicy === false)
    add(["harbor", "networkPolicy"], false, 'true (or unset) when environment is "prod"');
  // Without a Prometheus namespace, the NetworkPolicy opens the metrics port to every namespace (R3.8: only the
  // ingress controller's namespace and in-namespace traffic).
  if (prod && h.networkPolicy && h.metrics.enabled && h.metrics.prometheusNamespace === undefined)
    add(
      ["harbor", "metrics", "prometheusNamespace"],
      undefined,
      'a namespace name when environment is "prod" and harbor.metrics.enabled is true (the NetworkPolicy admits scrapes of the metrics port from that namespace only)',
    );
  // With a LoadBalancer, the chart's nginx terminates TLS and reads the certificate only when it starts. A
  // cert-manager renewal changes nothing Pulumi sees (the values name the Secret only), so nginx would keep
  // serving the old certificate past its expiry; an ingress controller reloads a renewed Secret by itself.
  if (h.expose === "loadBalancer" && tls.mode === "cert-manager")
    add(
      ["harbor", "expose"],
      "loadBalancer",
      '"ingress" when tls.mode is "cert-manager" (the chart\'s nginx would keep serving the certificate it read at start after cert-manager renews it)',
    );
  if (prod && h.database.type === "external" && h.database.sslmode === "disable")
    add(
      ["harbor", "database", "sslmode"],
      "disable",
      'require, verify-ca or verify-full when environment is "prod" (the database password and data would cross the network in clear)',
    );
  if (h.database.type === "external") {
    if (!h.database.host)
      add(["harbor", "database", "host"], undefined, 'a host name when harbor.database.type is "external"');
    needSecret("harborDatabasePassword", "harbor.database.type is external");
  } else if (h.database.host) {
    add(["harbor", "database", "host"], h.database.host, 'nothing when harbor.database.type is "internal"');
  }
  // Harbor core verifies the database server against what it trusts: the platform CA, public roots and
  // tls.extraCaBundles. Amazon RDS certificates chain to Amazon's own RDS roots, in none of those.
  const verifying = h.database.sslmode === "verify-ca" || h.database.sslmode === "verify-full";
  if (
    h.database.type === "external" &&
    verifying &&
    h.database.host !== undefined &&
    RDS_HOST.test(h.database.host) &&
    tls.extraCaBundles.length === 0
  )
    add(
      ["harbor", "database", "sslmode"],
      h.database.sslmode,
      `"require", or keep "${h.database.sslmode}" and add the Amazon RDS CA bundle of the region to ${NAMESPACE}:tls.extraCaBundles (Harbor trusts the platform CA and public roots only; README "Amazon RDS with verify-full")`,
    );
  if (h.redis.type === "external" && !h.redis.addr)
    add(["harbor", "redis", "addr"], undefined, 'host:port when harbor.redis.type is "external"');
  else if (h.redis.type === "internal" && h.redis.addr)
    add(["harbor", "redis", "addr"], h.redis.addr, 'nothing when harbor.redis.type is "internal"');
  if (h.trivy.offline && !h.trivy.enabled)
    add(["harbor", "trivy", "offline"], true, "false when trivy.enabled is false");
  if (h.trivy.offline && !h.trivy.dbRepository)
    add(
      ["harbor", "trivy", "dbRepository"],
      undefined,
      "an OCI repository of the mirrored Trivy DB when trivy.offline is true",
    );
  if (h.metrics.serviceMonitor && !h.metrics.enabled)
    add(["harbor", "metrics", "serviceMonitor"], true, "false when metrics.enabled is false");

  // Harbor config (names, pull Secrets, proxy-cache URLs, the Trivy DB mirror's project).
  const hc = c.harborConfig;
  for (const i of harborConfigIssues(c))
    add(i.path, i.described !== undefined ? new Described(i.described) : i.found, i.allowed);

  // Geo-replication.
  out.push(
    ...replicationChecks(c.replication, {
      project: c.project,
      stack: c.stack,
      role: c.role,
      storageProvider: st.provider,
      harborConfigEnabled: hc.enabled,
      projects: hc.projects.map((p) => p.name),
      proxyCaches: hc.proxyCaches.map((p) => p.name),
    }),
  );
  // Velero.
  const v = c.velero;
  for (const i of veleroIssues(c)) add(i.path, i.found, i.allowed);
  if (v.enabled && v.namespace === h.namespace)
    add(["velero", "namespace"], v.namespace, `a namespace other than harbor.namespace ("${h.namespace}")`);
  // Image policy.
  for (const i of policyIssues(c.policy, { isProduction: prod, host: c.host, harborProjects: hc.projects }))
    add(i.path, i.described !== undefined ? new Described(i.described) : i.found, i.allowed);

  // Chart archives (sha256 checked now) and air-gap rules.
  out.push(...artifactIssues(c));
  return out;
}

/** A description of what was found, shown instead of the value itself (e.g. a PEM blob). */
class Described {
  constructor(public readonly text: string) {}
}

/**
 * The keys the stack file sets in the object at `key`.`path` (the resolved config also holds their defaults).
 * Empty when the value is not JSON or not an object there.
 */
function setNestedKeys(src: ConfigSource, key: string, ...path: string[]): string[] {
  let v: unknown;
  try {
    v = JSON.parse(src.values[key] ?? "null");
  } catch {
    return [];
  }
  for (const p of path) v = v && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined;
  return v && typeof v === "object" && !Array.isArray(v) ? Object.keys(v) : [];
}
