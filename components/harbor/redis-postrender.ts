/**
 * Helm post-renderer for the Harbor chart with an external Redis that has a password: moves the password out of
 * the chart's ConfigMaps into Secrets, and has the containers read it from there.
 *
 * Chart 1.19.1 reads `redis.external.existingSecret` with Helm `lookup` at install and writes the password, in
 * clear, into ConfigMaps (`helm template`, 2026-12-01): core (`_REDIS_URL_CORE`, `_REDIS_URL_REG`, and
 * `_REDIS_URL_HARBOR`/`_REDIS_URL_CACHE_LAYER` when set), jobservice-env with the cache layer, the exporter's env
 * (`HARBOR_REDIS_URL`), jobservice's `config.yml` (`worker_pool.redis_pool.redis_url`) and registry's
 * `config.yml` (`redis.password`). For each ConfigMap `X` that holds one, this writes a Secret `X-redis` (same
 * namespace and labels) and:
 * - an env key whose whole value is a Redis URL with a password (`redis://`, `rediss://`, `redis+sentinel://`) is
 *   removed from `X` and set on every container that reads `X` (`envFrom` or `configMapKeyRef`) from the Secret;
 *   a container's own `env` wins over its `envFrom`;
 * - in jobservice's `config.yml` the URL loses its credentials, and the containers that mount `X` get
 *   `JOB_SERVICE_POOL_REDIS_URL` (Harbor's jobservice reads it over the file: `src/jobservice/config/config.go`);
 * - in registry's `config.yml` `redis.password` is emptied, and the containers that mount `X` (registry,
 *   registryctl) get `REGISTRY_REDIS_PASSWORD` (distribution's environment override of `redis.password`; with
 *   `existingSecret` the chart's own registry Secret does not carry it).
 * A preview renders without `lookup`, so its URLs carry no password and nothing changes.
 *
 * Afterwards no ConfigMap may still contain a password it found (as is or URL-encoded): a chart that puts it in a
 * new place fails the release with the ConfigMap and key named, instead of leaking it. Passwords under 8
 * characters are moved but not searched for (too many false matches).
 *
 * Pure: text in, text out. `main` reads stdin and writes stdout for `bin/registry-platform-helm-postrender`.
 */
import * as YAML from "yaml";
import { containersOf, isObj, Obj, objectsIn, podSpecOf } from "../pod-spec";

/** Scheme, user and password of a Redis URL (the chart URL-encodes both with `urlquery`). */
const CREDENTIALS = /^(rediss?|redis\+sentinel):\/\/([^:@/]*):([^@/]*)@/;

/** The env var Harbor's jobservice reads its Redis URL from, over `config.yml`. */
export const JOBSERVICE_REDIS_URL_ENV = "JOB_SERVICE_POOL_REDIS_URL";
/** distribution's environment override of `redis.password` in the registry's `config.yml`. */
export const REGISTRY_REDIS_PASSWORD_ENV = "REGISTRY_REDIS_PASSWORD";
/** Suffix of the Secret written for a ConfigMap. */
export const REDIS_SECRET_SUFFIX = "-redis";
/**
 * Helm and Harbor's Go components read YAML 1.1 (`on`, `yes` are booleans there): parsed and written the same way,
 * a value keeps its meaning. No line folding.
 */
const YAML_11 = { version: "1.1", lineWidth: 0 } as const;
/** Shortest password the final check searches ConfigMaps for. */
const MIN_SEARCHED = 8;

/** The password of a Redis URL, decoded, and as the URL holds it (URL-encoded); undefined without one. */
function urlPassword(url: string): { password: string; encoded: string } | undefined {
  const m = CREDENTIALS.exec(url.trim());
  if (!m || m[3] === "") return undefined;
  return { password: decodeQuery(m[3]), encoded: m[3] };
}

/** The password of a Redis URL, decoded; undefined without one. */
export function redisUrlPassword(url: string): string | undefined {
  return urlPassword(url)?.password;
}

/** `url` without `user:password@`. */
export function withoutCredentials(url: string): string {
  return url.replace(CREDENTIALS, "$1://");
}

function decodeQuery(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}

/** What moved out of one ConfigMap. */
export interface RedisMove {
  configMap: string;
  namespace?: string;
  secret: string;
  /** Env keys read through `envFrom`/`configMapKeyRef`, now from the Secret. */
  envKeys: string[];
  /** Env vars set on the containers that mount the ConfigMap (`JOB_SERVICE_POOL_REDIS_URL`, …). */
  mountEnv: string[];
}

export interface PostRenderResult {
  text: string;
  moves: RedisMove[];
}

interface Doc {
  /** The document's text as rendered. */
  text: string;
  value: unknown;
  changed: boolean;
}

/** Splits a rendered stream on `---` lines, as Helm does. */
function documents(text: string): Doc[] {
  return text.split(/^---[ \t]*$/m).map((t) => ({
    text: t,
    value: t.trim() === "" ? null : (YAML.parse(t, YAML_11) as unknown),
    changed: false,
  }));
}

function setEnv(c: Obj, name: string, secret: string, key: string): void {
  const env = objectsIn(c.env);
  const entry = { name, valueFrom: { secretKeyRef: { name: secret, key } } };
  const i = env.findIndex((e) => e.name === name);
  if (i >= 0) env[i] = entry;
  else env.push(entry);
  c.env = env;
}

/** Moves what is in one ConfigMap's data; returns the Secret's data and what moved. */
function moveConfigMap(data: Obj): {
  secretData: Record<string, string>;
  envKeys: string[];
  mountEnv: string[];
  passwords: string[];
} {
  const secretData: Record<string, string> = {};
  const envKeys: string[] = [];
  const mountEnv: string[] = [];
  const passwords: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== "string") continue;
    const pw = urlPassword(value);
    if (pw) {
      secretData[key] = value;
      envKeys.push(key);
      passwords.push(pw.password, pw.encoded);
      delete data[key];
      continue;
    }
    if (!/\n/.test(value)) continue;
    let file: unknown;
    try {
      file = YAML.parse(value, YAML_11);
    } catch {
      continue;
    }
    if (!isObj(file)) continue;
    let edited = false;
    const pool =
      isObj(file.worker_pool) && isObj(file.worker_pool.redis_pool) ? file.worker_pool.redis_pool : undefined;
    const poolUrl = pool && typeof pool.redis_url === "string" ? pool.redis_url : "";
    const poolPw = urlPassword(poolUrl);
    if (pool && poolPw) {
      secretData[JOBSERVICE_REDIS_URL_ENV] = poolUrl;
      mountEnv.push(JOBSERVICE_REDIS_URL_ENV);
      passwords.push(poolPw.password, poolPw.encoded);
      pool.redis_url = withoutCredentials(poolUrl);
      edited = true;
    }
    const redis = isObj(file.redis) ? file.redis : undefined;
    if (redis && typeof redis.password === "string" && redis.password !== "") {
      secretData[REGISTRY_REDIS_PASSWORD_ENV] = redis.password;
      mountEnv.push(REGISTRY_REDIS_PASSWORD_ENV);
      passwords.push(redis.password);
      redis.password = "";
      edited = true;
    }
    if (edited) data[key] = YAML.stringify(file, YAML_11);
  }
  return { secretData, envKeys, mountEnv, passwords };
}

/** Has a workload's containers read what `moves` moved from the Secrets; whether it changed anything. */
function rewire(o: Obj, moves: RedisMove[]): boolean {
  const pod = podSpecOf(o.kind, o);
  if (!pod) return false;
  let changed = false;
  const volumes = objectsIn(pod.volumes);
  for (const mv of moves) {
    const vols = volumes
      .filter((v) => isObj(v.configMap) && v.configMap.name === mv.configMap)
      .map((v) => v.name);
    for (const c of containersOf(pod)) {
      const fromAll = objectsIn(c.envFrom).some(
        (e) => isObj(e.configMapRef) && e.configMapRef.name === mv.configMap,
      );
      const env = objectsIn(c.env);
      for (const key of mv.envKeys) {
        const byRef = env.filter(
          (e) =>
            isObj(e.valueFrom) &&
            isObj(e.valueFrom.configMapKeyRef) &&
            e.valueFrom.configMapKeyRef.name === mv.configMap &&
            e.valueFrom.configMapKeyRef.key === key,
        );
        for (const e of byRef) setEnv(c, String(e.name), mv.secret, key);
        if (fromAll) setEnv(c, key, mv.secret, key);
        changed ||= fromAll || byRef.length > 0;
      }
      const mounts = objectsIn(c.volumeMounts);
      if (mv.mountEnv.length && mounts.some((vm) => vols.includes(vm.name))) {
        for (const k of mv.mountEnv) setEnv(c, k, mv.secret, k);
        changed = true;
      }
    }
  }
  return changed;
}

/** Throws, naming the ConfigMap and key but not the password, when a ConfigMap still contains one of `passwords`. */
function assertNoneLeft(docs: Doc[], passwords: string[]): void {
  const searched = passwords.filter((p) => p.length >= MIN_SEARCHED);
  for (const d of docs) {
    const o = d.value;
    if (!isObj(o) || o.kind !== "ConfigMap" || !isObj(o.data)) continue;
    for (const [k, v] of Object.entries(o.data))
      if (typeof v === "string" && searched.some((p) => v.includes(p)))
        throw new Error(
          `registry-platform-helm-postrender: ConfigMap ${String(isObj(o.metadata) ? o.metadata.name : "?")} key ${k} still holds the external Redis password after the post-render; the chart writes it in a place this post-renderer does not know (components/harbor/redis-postrender.ts)`,
        );
  }
}

/**
 * The post-render of `text` (Helm's rendered manifests). Throws when a password it moved is still in a ConfigMap.
 */
export function protectRedisPassword(text: string): PostRenderResult {
  const docs = documents(text);
  const moves: RedisMove[] = [];
  const passwords = new Set<string>();
  const added: Doc[] = [];
  for (const d of docs) {
    const o = d.value;
    if (!isObj(o) || o.kind !== "ConfigMap" || !isObj(o.data) || !isObj(o.metadata)) continue;
    const m = moveConfigMap(o.data);
    if (Object.keys(m.secretData).length === 0) continue;
    d.changed = true;
    m.passwords.forEach((p) => passwords.add(p));
    const name = String(o.metadata.name);
    const namespace = typeof o.metadata.namespace === "string" ? o.metadata.namespace : undefined;
    const secret = `${name}${REDIS_SECRET_SUFFIX}`;
    moves.push({ configMap: name, namespace, secret, envKeys: m.envKeys, mountEnv: m.mountEnv });
    const metadata: Obj = { name: secret, ...(namespace !== undefined ? { namespace } : {}) };
    if (isObj(o.metadata.labels)) metadata.labels = o.metadata.labels;
    const data = Object.fromEntries(
      Object.entries(m.secretData).map(([k, v]) => [k, Buffer.from(v).toString("base64")]),
    );
    added.push({
      text: "",
      value: { apiVersion: "v1", kind: "Secret", metadata, type: "Opaque", data },
      changed: true,
    });
  }
  for (const d of docs) if (isObj(d.value) && rewire(d.value, moves)) d.changed = true;
  assertNoneLeft(docs, [...passwords]);
  const out = [...docs, ...added].map((d) => (d.changed ? `\n${YAML.stringify(d.value, YAML_11)}` : d.text));
  return { text: out.join("---"), moves };
}

/** The post-renderer's process: manifests on stdin, the post-render on stdout; exit 1 with the reason on stderr. */
export async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  try {
    process.stdout.write(protectRedisPassword(Buffer.concat(chunks).toString("utf8")).text);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}
