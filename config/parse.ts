/**
 * Parses and validates the whole stack config at once into one typed {@link PlatformConfig}.
 * Pure apart from wrapping secret values as secret Outputs: no resource is registered here.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ConfigError, ConfigIssue, fromZodIssue, NAMESPACE } from "./errors";
import { pemIssues } from "./pem";
import { configSchema, Environment, LockMode, RawConfig } from "./schema";
import { isOfflineStandIn, isSecretKey, SECRET_KEYS, SecretKey, setSecretCommand } from "./secrets";
import { crossChecks } from "./rules";
import { adminPasswordIssues, involvesReported, withoutInvalidValues } from "./partial";

export { PRODUCTION_MIN_RETENTION_DAYS } from "./rules";

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

  // `jitless`: the config is parsed once per process, and zod's compiled fast path for an object schema costs more
  // to generate than it saves on one parse (the stack's first parse took ~45 ms with it, ~24 ms without).
  const parsed = configSchema.safeParse(data, { reportInput: true, jitless: true });
  if (!parsed.success) {
    const shapeIssues: ConfigIssue[] = [];
    for (const zi of parsed.error.issues) {
      shapeIssues.push(
        ...fromZodIssue(
          zi,
          () => false,
          (p) => knownKeysAt(configSchema, p),
        ),
      );
    }
    issues.push(...shapeIssues);
    // Every problem at once (SPEC R9.2): the rules that span keys run on the config without the values of the
    // wrong form (their defaults instead), and report what does not involve those keys.
    const repaired = withoutInvalidValues(data, parsed.error.issues);
    if (repaired) {
      const reported = shapeIssues.map((i) => i.key.slice(NAMESPACE.length + 1));
      const rules = ruleIssues(resolve(repaired.raw, src, secrets), src, secretTexts, !repaired.hostReplaced);
      issues.push(...rules.filter((i) => !involvesReported(i, reported)));
    }
    return { ok: false, issues: sortIssues(issues) };
  }
  const config = resolve(parsed.data, src, secrets);
  issues.push(...ruleIssues(config, src, secretTexts, true));
  if (issues.length > 0) return { ok: false, issues: sortIssues(issues) };
  return { ok: true, config };
}

/** The rules that span keys or depend on the environment, the PEM checks and the admin password's. */
function ruleIssues(
  config: PlatformConfig,
  src: ConfigSource,
  secretTexts: Partial<Record<SecretKey, string>>,
  withPems: boolean,
): ConfigIssue[] {
  const out = crossChecks(config, src);
  if (withPems)
    out.push(
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
  out.push(...adminPasswordIssues(secretTexts.harborAdminPassword));
  return out;
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

/** The segments of a dotted (or indexed) key: `a.b[0].c` → `a`, `b`, `0`, `c`. */
function pathSegments(key: string): string[] {
  return key.split(/[.[\]]+/).filter((p) => p !== "");
}

/** The secret key a dotted path stands for: `tls.serverKeyPem` → `tlsServerKeyPem`, `harbor.adminPassword` → … */
function secretKeyOfPath(key: string): SecretKey | undefined {
  const joined = pathSegments(key)
    .map((p, i) => (i === 0 ? p : p.charAt(0).toUpperCase() + p.slice(1)))
    .join("");
  return isSecretKey(joined) ? joined : undefined;
}

/**
 * Whether a plain value may be echoed in a fix command: not when its key's last segment names a credential or
 * the text looks like one (a private key, a URL with user info), nor a long or multi-line value.
 */
function echoable(key: string, text: string): boolean {
  const last = pathSegments(key).pop() ?? "";
  return (
    !/pass|secret|token|credential|key|pem|auth|cert/i.test(last) &&
    !/PRIVATE KEY|:\/\/\S*@|[\r\n]/.test(text) &&
    text.length <= 120
  );
}

/**
 * A top-level key with a dot (or `[`) in its name: `pulumi config set` without `--path` stores
 * `storage.recoveryWindowDays` as one top-level key, which the program never reads as the nested key. The fix
 * echoes the value only when it is {@link echoable}; a path that stands for a secret key (`tls.serverKeyPem`)
 * points to that key, set as a secret.
 */
function dottedKeyIssue(key: string, text: string, secret: boolean): ConfigIssue {
  const full = `'${NAMESPACE}:${key}'`;
  const secretKey = secretKeyOfPath(key);
  const value = !secret && echoable(key, text) ? shellWord(text) : "'<value>'";
  return {
    key: `${NAMESPACE}:${key}`,
    found: "a top-level key with a dot in its name (set without --path)",
    allowed: secretKey
      ? `the secret key ${NAMESPACE}:${secretKey}: ${setSecretCommand(secretKey)}`
      : `the nested key, set with --path: pulumi config set --path ${full} <value>`,
    fix: secretKey
      ? `pulumi config rm ${full} && ${setSecretCommand(secretKey)}`
      : `pulumi config rm ${full} && pulumi config set${secret ? " --secret" : ""} --path ${full} ${value}`,
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
