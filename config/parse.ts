/**
 * Parses and validates the whole stack config at once into one typed {@link PlatformConfig}.
 * Pure apart from wrapping secret values as secret Outputs: no resource is registered here.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ConfigError, ConfigIssue, fromZodIssue, keyPath, NAMESPACE, renderValue } from "./errors";
import { configSchema, Environment, LockMode, RawConfig } from "./schema";
import { isSecretKey, SECRET_KEYS, SecretKey } from "./secrets";
import { replicationChecks } from "./sections/replication";

/** Where config comes from: the Pulumi runtime in a real run, a stack file in the synth, an object in tests. */
export interface ConfigSource {
  project: string;
  stack: string;
  /** Values by key without the namespace, as Pulumi stores them (objects as JSON text). */
  values: Readonly<Record<string, string>>;
  /** Keys (without namespace) that are stored as secrets. */
  secretKeys: ReadonlySet<string>;
}

export type PlatformSecrets = Partial<Record<SecretKey, pulumi.Output<string>>>;

type Raw = RawConfig;

/** The validated config with every default and environment-dependent value resolved. */
export interface PlatformConfig extends Omit<Raw, "storage" | "harbor" | "protect" | "namePrefix"> {
  project: string;
  stack: string;
  isProduction: boolean;
  /** `protect` + `retainOnDelete` on stateful resources. */
  protect: boolean;
  namePrefix: string;
  storage: Omit<
    Raw["storage"],
    "registryBucket" | "backupBucket" | "logBucket" | "backupRetention" | "kms"
  > & {
    registryBucket: string;
    backupBucket: string;
    logBucket: string;
    backupRetention: { mode: LockMode; days: number };
    kms: boolean;
    clientsReachEndpoint: boolean;
  };
  harbor: Omit<Raw["harbor"], "replicas" | "networkPolicy"> & { replicas: number; networkPolicy: boolean };
  secrets: PlatformSecrets;
}

/** Top-level keys whose values are plain strings (everything else is JSON, as Pulumi stores it). */
const STRING_KEYS = new Set(["environment", "region", "role", "host", "namePrefix"]);

export const PRODUCTION_MIN_RETENTION_DAYS = 7;

/** Default backup Object Lock retention (days) per environment. */
export function defaultRetentionDays(env: Environment): number {
  return env === "prod" ? 30 : 7;
}

export function defaultLockMode(env: Environment): LockMode {
  return env === "prod" ? "COMPLIANCE" : "GOVERNANCE";
}

/**
 * Validates `src`; returns the typed config or every problem found. `readSecret` turns a secret key into a
 * secret Output (the program passes `config.requireSecret`).
 */
export function parsePlatformConfig(
  src: ConfigSource,
  readSecret: (key: SecretKey) => pulumi.Output<string> = (k) => pulumi.secret(src.values[k] ?? ""),
): { ok: true; config: PlatformConfig } | { ok: false; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const data: Record<string, unknown> = {};
  const secrets: PlatformSecrets = {};

  for (const [key, text] of Object.entries(src.values)) {
    if (isSecretKey(key)) {
      if (!src.secretKeys.has(key)) {
        issues.push({
          key: `${NAMESPACE}:${key}`,
          found: "a value stored in plain text",
          allowed: `a secret: pulumi config set --secret ${key} <value>`,
        });
      } else {
        secrets[key] = readSecret(key);
      }
      continue;
    }
    if (src.secretKeys.has(key)) {
      issues.push({
        key: `${NAMESPACE}:${key}`,
        found: "a value stored as a secret",
        allowed: `plain config; secrets have keys of their own: ${Object.keys(SECRET_KEYS).join(", ")}`,
      });
      continue;
    }
    data[key] = STRING_KEYS.has(key) ? text : parseJsonish(text);
  }

  const parsed = configSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    for (const zi of parsed.error.issues) {
      issues.push(
        ...fromZodIssue(
          zi,
          () => false,
          (p) => knownKeysAt(configSchema, p),
        ),
      );
    }
    return { ok: false, issues: sortIssues(issues) };
  }
  const raw = parsed.data;
  const config = resolve(raw, src, secrets);
  issues.push(...crossChecks(config, src));
  if (issues.length > 0) return { ok: false, issues: sortIssues(issues) };
  return { ok: true, config };
}

/** Like {@link parsePlatformConfig} but throws one {@link ConfigError} listing every problem. */
export function parseOrThrow(
  src: ConfigSource,
  readSecret?: (key: SecretKey) => pulumi.Output<string>,
): PlatformConfig {
  const r = parsePlatformConfig(src, readSecret);
  if (!r.ok) throw new ConfigError(r.issues);
  return r.config;
}

function parseJsonish(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => a.key.localeCompare(b.key));
}

/** The keys of the object schema found at `path` inside `schema`, unwrapping defaults/optionals/arrays. */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let s: unknown = schema;
  const unwrap = (x: unknown): unknown => {
    let cur = x as { def?: { type?: string; innerType?: unknown; element?: unknown; in?: unknown } };
    for (let i = 0; i < 10 && cur?.def; i++) {
      const t = cur.def.type;
      if (t === "default" || t === "optional" || t === "prefault" || t === "nullable" || t === "readonly") {
        cur = cur.def.innerType as typeof cur;
      } else if (t === "pipe") {
        cur = cur.def.in as typeof cur;
      } else break;
    }
    return cur;
  };
  for (const p of path) {
    s = unwrap(s);
    const def = (s as { def?: { type?: string; shape?: Record<string, unknown>; element?: unknown } }).def;
    if (def?.type === "object" && typeof p === "string" && def.shape) s = def.shape[p];
    else if (def?.type === "array" && typeof p === "number") s = def.element;
    else return undefined;
  }
  s = unwrap(s);
  const def = (s as { def?: { type?: string; shape?: Record<string, unknown> } }).def;
  return def?.type === "object" && def.shape ? Object.keys(def.shape) : undefined;
}

function resolve(raw: Raw, src: ConfigSource, secrets: PlatformSecrets): PlatformConfig {
  const isProduction = raw.environment === "prod";
  const namePrefix =
    raw.namePrefix ?? `${src.project}-${src.stack}`.toLowerCase().replace(/[^a-z0-9-]/g, "-");
  const env = raw.environment;
  const s = raw.storage;
  return {
    ...raw,
    project: src.project,
    stack: src.stack,
    isProduction,
    protect: raw.protect ?? isProduction,
    namePrefix,
    storage: {
      ...s,
      registryBucket: s.registryBucket ?? `${namePrefix}-registry`,
      backupBucket: s.backupBucket ?? `${namePrefix}-backup`,
      logBucket: s.logBucket ?? `${namePrefix}-logs`,
      backupRetention: {
        mode: s.backupRetention.mode ?? defaultLockMode(env),
        days: s.backupRetention.days ?? defaultRetentionDays(env),
      },
      kms: s.kms ?? (s.provider === "aws" || s.kmsKeyArn !== undefined),
      clientsReachEndpoint: s.clientsReachEndpoint ?? s.provider === "aws",
    },
    harbor: {
      ...raw.harbor,
      replicas: raw.harbor.replicas ?? (isProduction ? 2 : 1),
      networkPolicy: raw.harbor.networkPolicy ?? isProduction,
    },
    secrets,
  };
}

const PEM_CERT = /^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*$/;
const PEM_CHAIN = /^(-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*)+$/;

/** Rules that span keys or depend on the environment. */
function crossChecks(c: PlatformConfig, src: ConfigSource): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  /** `found` is a value to render, or a {@link Described} text for values we must not echo. */
  const add = (path: PropertyKey[], found: unknown, allowed: string) =>
    out.push({
      key: keyPath(path),
      found: found instanceof Described ? found.text : renderValue(found),
      allowed,
    });
  const hasSecret = (k: SecretKey) => src.secretKeys.has(k) && src.values[k] !== undefined;
  const needSecret = (k: SecretKey, why: string) => {
    if (!hasSecret(k))
      out.push({
        key: `${NAMESPACE}:${k}`,
        found: "nothing",
        allowed: `a secret (${why}): pulumi config set --secret ${k} <value>`,
      });
  };
  const st = c.storage;
  const prod = c.isProduction;

  // Protection and destruction.
  if (prod && c.protect === false) add(["protect"], false, 'true (or unset) when environment is "prod"');
  if (st.forceDestroy && c.environment !== "dev")
    add(["storage", "forceDestroy"], true, 'false; forceDestroy is only allowed when environment is "dev"');
  if (st.forceDestroy && c.protect) add(["storage", "forceDestroy"], true, "false while protect is true");

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
    if (!st.encryption)
      add(
        ["storage", "encryption"],
        false,
        'true when storage.provider is "aws" (encryption at rest is mandatory)',
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
  for (const [k, v] of [
    ["registryBucket", st.registryBucket],
    ["backupBucket", st.backupBucket],
    ["logBucket", st.logBucket],
  ] as const) {
    if (v.length > 63)
      add(["storage", k], v, "an S3 bucket name of at most 63 characters (shorten namePrefix or set it)");
  }

  // TLS.
  const tls = c.tls;
  if (tls.mode === "byo-intermediate") {
    if (!tls.intermediateCertPem || !PEM_CERT.test(tls.intermediateCertPem))
      add(
        ["tls", "intermediateCertPem"],
        tls.intermediateCertPem ? new Described("a value that is not one PEM certificate") : undefined,
        'one PEM certificate when tls.mode is "byo-intermediate"',
      );
    needSecret("tlsIntermediateKeyPem", "tls.mode is byo-intermediate");
  }
  if (tls.mode === "byo-certificate") {
    if (!tls.serverCertPem || !PEM_CHAIN.test(tls.serverCertPem))
      add(
        ["tls", "serverCertPem"],
        tls.serverCertPem ? new Described("a value that is not a PEM certificate chain") : undefined,
        'a PEM certificate chain (leaf first) when tls.mode is "byo-certificate"',
      );
    needSecret("tlsServerKeyPem", "tls.mode is byo-certificate");
  }
  if (tls.mode === "byo-intermediate" || tls.mode === "byo-certificate") {
    if (!tls.rootCertPem || !PEM_CHAIN.test(tls.rootCertPem))
      add(
        ["tls", "rootCertPem"],
        tls.rootCertPem ? new Described("a value that is not a PEM certificate") : undefined,
        `the root CA certificate (PEM) when tls.mode is "${tls.mode}"`,
      );
  } else if (tls.mode === "cert-manager") {
    // A private CA issuer: its root is what nodes and clients must trust (optional for public ACME issuers).
    if (tls.rootCertPem && !PEM_CHAIN.test(tls.rootCertPem))
      add(
        ["tls", "rootCertPem"],
        new Described("a value that is not a PEM certificate"),
        "the issuer's root CA certificate (PEM)",
      );
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
  if (tls.mode === "self-signed-ca" && tls.intermediateValidityYears * 365 <= tls.serverValidityDays)
    add(
      ["tls", "serverValidityDays"],
      tls.serverValidityDays,
      `fewer days than the intermediate lives (tls.intermediateValidityYears × 365 = ${tls.intermediateValidityYears * 365})`,
    );
  if (tls.earlyRenewalDays >= tls.serverValidityDays)
    add(
      ["tls", "earlyRenewalDays"],
      tls.earlyRenewalDays,
      `fewer days than tls.serverValidityDays (${tls.serverValidityDays})`,
    );
  if (tls.extraSans.includes(c.host))
    add(["tls", "extraSans"], tls.extraSans, "names other than host (host is always a SAN)");

  // Harbor.
  const h = c.harbor;
  if (prod && h.replicas < 2)
    add(["harbor", "replicas"], h.replicas, 'a whole number >= 2 when environment is "prod"');
  if (h.database.type === "external") {
    if (!h.database.host)
      add(["harbor", "database", "host"], undefined, 'a host name when harbor.database.type is "external"');
    needSecret("harborDatabasePassword", "harbor.database.type is external");
  } else if (h.database.host) {
    add(["harbor", "database", "host"], h.database.host, 'nothing when harbor.database.type is "internal"');
  }
  if (h.redis.type === "external" && !h.redis.addr)
    add(["harbor", "redis", "addr"], undefined, 'host:port when harbor.redis.type is "external"');
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

  // Harbor config.
  const hc = c.harborConfig;
  const seen = new Map<string, string>();
  hc.projects.forEach((p, i) => {
    const prev = seen.get(p.name);
    if (prev) add(["harborConfig", "projects", i, "name"], p.name, `a name not already used by ${prev}`);
    seen.set(p.name, keyPath(["harborConfig", "projects", i]));
  });
  hc.proxyCaches.forEach((p, i) => {
    const prev = seen.get(p.name);
    if (prev) add(["harborConfig", "proxyCaches", i, "name"], p.name, `a name not already used by ${prev}`);
    seen.set(p.name, keyPath(["harborConfig", "proxyCaches", i]));
  });

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
  if (v.enabled && v.drillCronJob && !v.drillImage)
    add(["velero", "drillImage"], undefined, "an image pinned by digest when velero.drillCronJob is true");
  if (v.enabled && v.namespace === h.namespace)
    add(["velero", "namespace"], v.namespace, `a namespace other than harbor.namespace ("${h.namespace}")`);
  return out;
}

/** A description of what was found, shown instead of the value itself (e.g. a PEM blob). */
class Described {
  constructor(public readonly text: string) {}
}
