/**
 * Parses and validates the whole stack config at once into one typed {@link PlatformConfig}.
 * Pure apart from wrapping secret values as secret Outputs: no resource is registered here.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ConfigError, ConfigIssue, fromZodIssue, keyPath, NAMESPACE, renderValue } from "./errors";
import { pemIssues } from "./pem";
import { configSchema, Environment, LockMode, RawConfig } from "./schema";
import { isOfflineStandIn, isSecretKey, SECRET_KEYS, SecretKey, setSecretCommand } from "./secrets";
import { policyIssues } from "./sections/policy";

/** Where config comes from: the Pulumi runtime in a real run, a stack file in the synth, an object in tests. */
export interface ConfigSource {
  project: string;
  stack: string;
  /** Values by key without the namespace, as Pulumi stores them (objects as JSON text). */
  values: Readonly<Record<string, string>>;
  /** Keys (without namespace) that are stored as secrets. */
  secretKeys: ReadonlySet<string>;
  /**
   * Full keys (`ns:key`) of every other namespace in the stack's config: checked for a misspelt
   * `registry-platform` and for namespaces no provider of the program reads.
   */
  otherKeys?: readonly string[];
  /**
   * Accept offline-synth stand-ins for secret values (see `offlineStandIn`). Only the mock engine sets this;
   * on a real engine a stand-in is an error.
   */
  allowStandIns?: boolean;
  /** The time expiry checks compare against. Default: now. */
  now?: Date;
}

/**
 * Namespaces other than `registry-platform` a stack may hold keys in: the providers the program creates
 * (aws, kubernetes, random, tls) and Pulumi's own (`pulumi:`).
 */
export const ALLOWED_OTHER_NAMESPACES = ["aws", "kubernetes", "random", "tls", "pulumi"] as const;

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
  const issues: ConfigIssue[] = namespaceIssues(src.otherKeys ?? []);
  const data: Record<string, unknown> = {};
  const secrets: PlatformSecrets = {};
  /** Texts of the secret values given for real (not stand-ins): only the PEM checks read them. */
  const secretTexts: Partial<Record<SecretKey, string>> = {};

  for (const [key, text] of Object.entries(src.values)) {
    if (/[.[]/.test(key)) {
      issues.push(dottedKeyIssue(key, text, src.secretKeys.has(key)));
      continue;
    }
    if (isSecretKey(key)) {
      if (!src.secretKeys.has(key)) {
        issues.push({
          key: `${NAMESPACE}:${key}`,
          found: "a value stored in plain text",
          allowed: "a secret (stored encrypted): set it again with --secret",
          fix: setSecretCommand(key),
        });
      } else if (isOfflineStandIn(text) && !src.allowStandIns) {
        issues.push({
          key: `${NAMESPACE}:${key}`,
          found: "a stand-in value of the offline synth",
          allowed: "the real secret",
          fix: setSecretCommand(key),
        });
      } else {
        secrets[key] = readSecret(key);
        if (!isOfflineStandIn(text)) secretTexts[key] = text;
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
  issues.push(
    ...pemIssues(
      {
        mode: config.tls.mode,
        host: config.host,
        extraSans: config.tls.extraSans,
        serverValidityDays: config.tls.serverValidityDays,
        rootCertPem: config.tls.rootCertPem,
        intermediateCertPem: config.tls.intermediateCertPem,
        serverCertPem: config.tls.serverCertPem,
        extraCaBundles: config.tls.extraCaBundles,
        allowExamples: src.allowStandIns,
        intermediateKeyPem: secretTexts.tlsIntermediateKeyPem,
        serverKeyPem: secretTexts.tlsServerKeyPem,
      },
      src.now,
    ),
  );
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

/** Edit distance (insertions, deletions, substitutions) between two short strings. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/**
 * Keys of other namespaces: a namespace one or two edits from `registry-platform` is a typo of it (its keys
 * would otherwise be ignored silently); any namespace that is not a provider's is an error too.
 */
function namespaceIssues(otherKeys: readonly string[]): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const full of otherKeys) {
    const i = full.indexOf(":");
    const ns = i < 0 ? "" : full.slice(0, i);
    const rest = full.slice(i + 1);
    if (ns === NAMESPACE || (ALLOWED_OTHER_NAMESPACES as readonly string[]).includes(ns)) continue;
    const d = editDistance(ns, NAMESPACE);
    out.push(
      d <= 2
        ? {
            key: full,
            found: `a key in the namespace "${ns}", ${d} edit${d === 1 ? "" : "s"} from "${NAMESPACE}"`,
            allowed: `${NAMESPACE}:${rest} (move it: pulumi config rm '${full}', then set it under ${NAMESPACE}:)`,
          }
        : {
            key: full,
            found: `a key in the namespace "${ns}", which nothing in this program reads`,
            allowed: `keys in the namespaces ${NAMESPACE}, ${ALLOWED_OTHER_NAMESPACES.join(", ")}`,
          },
    );
  }
  return out;
}

/** Quotes a value for a POSIX shell command line when it needs it. */
function shellWord(v: string): string {
  return /^[A-Za-z0-9._:/@%+=,-]+$/.test(v) ? v : `'${v.replace(/'/g, `'"'"'`)}'`;
}

/**
 * A top-level key with a dot (or `[`) in its name: `pulumi config set` without `--path` stores
 * `storage.recoveryWindowDays` as one top-level key, which the program never reads as the nested key.
 */
function dottedKeyIssue(key: string, text: string, secret: boolean): ConfigIssue {
  const full = `'${NAMESPACE}:${key}'`;
  const value = secret ? "'<value>'" : shellWord(text);
  return {
    key: `${NAMESPACE}:${key}`,
    found: "a top-level key with a dot in its name (set without --path)",
    allowed: `the nested key, set with --path: pulumi config set --path ${full} <value>`,
    fix: `pulumi config rm ${full} && pulumi config set${secret ? " --secret" : ""} --path ${full} ${value}`,
  };
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

/** Amazon RDS endpoints (`<id>.<region>.rds.amazonaws.com`, China: `.rds.amazonaws.com.cn`). */
const RDS_HOST = /\.rds\.amazonaws\.com(\.cn)?$/;

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

  // Trivy pulls its DB mirrors without credentials (chart 1.19.1 has no setting for them): a mirror in this
  // registry must sit in a public project this config declares.
  if (h.trivy.enabled && hc.enabled) {
    const byProject = new Map<string, string[]>();
    for (const k of ["dbRepository", "javaDbRepository"] as const) {
      const repo = h.trivy[k];
      if (!repo) continue;
      const [registry, project] = repo.split("/");
      const host = registry.replace(/:443$/, "");
      if (host !== c.host && !tls.extraSans.includes(host)) continue;
      byProject.set(project, [...(byProject.get(project) ?? []), `${repo} (harbor.trivy.${k})`]);
      const declared = hc.projects.some((p) => p.name === project);
      if (!declared)
        add(
          ["harbor", "trivy", k],
          repo,
          `a repository in a project of harborConfig.projects with public: true (Trivy pulls it without credentials; "${project}" is ${
            hc.proxyCaches.some((p) => p.name === project)
              ? "a proxy-cache project, which is private"
              : "not declared"
          })`,
        );
    }
    hc.projects.forEach((p, i) => {
      const repos = byProject.get(p.name);
      if (repos && !p.public)
        add(
          ["harborConfig", "projects", i, "public"],
          false,
          `true: Trivy pulls ${repos.join(" and ")} from this registry without credentials (the chart gives it none), so the mirror project must be public (readable by anyone who reaches the registry)`,
        );
    });
  }

  // Velero.
  const v = c.velero;
  if (v.enabled && v.drillCronJob && !v.drillImage)
    add(["velero", "drillImage"], undefined, "an image pinned by digest when velero.drillCronJob is true");
  if (v.enabled && v.namespace === h.namespace)
    add(["velero", "namespace"], v.namespace, `a namespace other than harbor.namespace ("${h.namespace}")`);
  // Image policy.
  for (const i of policyIssues(c.policy, { isProduction: prod, host: c.host, harborProjects: hc.projects }))
    add(i.path, i.described !== undefined ? new Described(i.described) : i.found, i.allowed);
  return out;
}

/** A description of what was found, shown instead of the value itself (e.g. a PEM blob). */
class Described {
  constructor(public readonly text: string) {}
}
