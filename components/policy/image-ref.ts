/**
 * The one image-reference matcher of the image policy (SPEC R7). Pure, no dependencies: the Kyverno
 * ClusterPolicies (`cluster-policies.ts`) embed the regular expressions built here, and the CrossGuard pack
 * (`policy/`) and the unit tests call the functions built on the same expressions.
 *
 * Grammar (the distribution reference grammar, as containerd and Docker parse it):
 * `[registry[:port]/]path[:tag][@digest]`, where
 * - the first `/`-separated component is a registry only if it contains `.` or `:`, is `localhost`, or has an
 *   uppercase letter; otherwise the reference is on Docker Hub (`docker.io`), and a one-component path gets
 *   `library/` in front (`nginx` → `docker.io/library/nginx`);
 * - path components are lowercase `[a-z0-9]` runs joined by `.`, `_`, `__` or dashes;
 * - a tag is `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`; a digest is `algorithm:hex` (32+ hex digits).
 * Registry host names compare case-insensitively; paths and tags are case-sensitive (uppercase in a path is
 * invalid). `index.docker.io` and `registry-1.docker.io` are Docker Hub too.
 *
 * Every expression here is RE2-compatible (Go's `regexp`, used by Kyverno's `regex_match`) and means the same
 * in JavaScript: no lookaround, no backreferences, no inline flags.
 */

// ---- grammar pieces ---------------------------------------------------------------------------------------

const ALNUM = "[a-z0-9]+";
const SEPARATOR = "(?:[._]|__|[-]+)";
/** One lowercase path component. */
export const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:[.]${DOMAIN_COMPONENT})*`;
const IPV6 = "\\[[a-fA-F0-9:]+\\]";
/** A registry: host name or bracketed IPv6 address, optional port. */
export const DOMAIN = `(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?`;
export const TAG = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
export const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;

/** A whole, well-formed reference. Capture groups: 1 name, 2 tag, 3 digest. */
export const REFERENCE_RE = `^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`;

/** The reference ends in the tag `latest` (any case), with or without a digest after it. */
export const LATEST_TAG_RE = ":[lL][aA][tT][eE][sS][tT](?:@[^/]*)?$";

/** The last path segment carries a tag (a `:` after the last `/`, before any `@`). */
export const HAS_TAG_RE = "^(?:[^@]*/)?[^/:@]+:[^/:@]+(?:@[^/]*)?$";

/** The reference ends in a digest of any algorithm. */
export const HAS_DIGEST_RE = `@${DIGEST}$`;

/** The reference ends in a sha256 digest (what the digest policy requires). */
export const SHA256_DIGEST_RE = "@sha256:[a-f0-9]{64}$";

/** Host names that mean Docker Hub. */
export const DOCKER_HUB_HOSTS = ["docker.io", "index.docker.io", "registry-1.docker.io"] as const;
export const DOCKER_HUB = "docker.io";

// ---- parsing ----------------------------------------------------------------------------------------------

export interface ImageRef {
  /** The text as written. */
  raw: string;
  /** Registry host as written (without port), `docker.io` when none was written. */
  host: string;
  port?: number;
  /** Registry, lowercase, with port: `registry.example.com:5000`; Docker Hub aliases become `docker.io`. */
  registry: string;
  /** Repository path on the registry, with `library/` added for one-component Docker Hub names. */
  path: string;
  tag?: string;
  digest?: string;
  /** No registry was written: the reference resolves to Docker Hub. */
  registryDefaulted: boolean;
}

export type ParseResult = { ok: true; ref: ImageRef } | { ok: false; reason: string };

const referenceRe = new RegExp(REFERENCE_RE);

/** Parses `[registry[:port]/]path[:tag][@digest]` with Docker Hub defaults; never throws. */
export function parseImageRef(raw: string): ParseResult {
  if (raw.length === 0) return { ok: false, reason: "empty image reference" };
  if (raw.length > 4096) return { ok: false, reason: "image reference longer than 4096 characters" };
  const m = referenceRe.exec(raw);
  if (!m) {
    if (referenceRe.test(raw.toLowerCase()))
      return { ok: false, reason: `"${raw}": repository path must be lowercase` };
    return {
      ok: false,
      reason: `"${raw}" is not a valid image reference ([registry[:port]/]path[:tag][@digest])`,
    };
  }
  const [, name, tag, digest] = m;
  const slash = name.indexOf("/");
  const first = slash < 0 ? "" : name.slice(0, slash);
  const isDomain =
    slash >= 0 && (/[.:]/.test(first) || first === "localhost" || first.toLowerCase() !== first);
  let hostPort = DOCKER_HUB;
  let path = name;
  if (isDomain) {
    hostPort = first;
    path = name.slice(slash + 1);
  }
  if (!new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`).test(path))
    return { ok: false, reason: `"${raw}": repository path must be lowercase` };
  const portMatch = /^(.*):([0-9]+)$/.exec(hostPort);
  const host = portMatch ? portMatch[1] : hostPort;
  const port = portMatch ? Number(portMatch[2]) : undefined;
  const lowerHost = host.toLowerCase();
  const hub = (DOCKER_HUB_HOSTS as readonly string[]).includes(lowerHost) && port === undefined;
  const registry = hub ? DOCKER_HUB : port === undefined ? lowerHost : `${lowerHost}:${port}`;
  if (hub && !path.includes("/")) path = `library/${path}`;
  return {
    ok: true,
    ref: {
      raw,
      host,
      ...(port === undefined ? {} : { port }),
      registry,
      path,
      ...(tag === undefined ? {} : { tag }),
      ...(digest === undefined ? {} : { digest }),
      registryDefaulted: !isDomain,
    },
  };
}

// ---- allowed registries -----------------------------------------------------------------------------------

/**
 * An allow-list entry: a registry `host[:port]`, optionally followed by a path prefix (`ghcr.io/acme`,
 * `docker.io/library`). Lowercase; Docker Hub is `docker.io`.
 */
export const REGISTRY_ENTRY_RE = `^(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?(?:/${PATH_COMPONENT})*$`;

export function isValidRegistryEntry(entry: string): boolean {
  return new RegExp(REGISTRY_ENTRY_RE).test(entry) && entry === entry.toLowerCase();
}

/** Normalizes an entry: Docker Hub aliases become `docker.io`. */
function splitEntry(entry: string): { registry: string; prefix: string } {
  const slash = entry.indexOf("/");
  const reg = slash < 0 ? entry : entry.slice(0, slash);
  const prefix = slash < 0 ? "" : entry.slice(slash + 1);
  const hub = (DOCKER_HUB_HOSTS as readonly string[]).includes(reg);
  return { registry: hub ? DOCKER_HUB : reg, prefix };
}

/** Semantic check on a parsed reference: its registry (and path prefix) is one of `entries`. */
export function registryAllowed(ref: ImageRef, entries: readonly string[]): boolean {
  return entries.some((e) => {
    const { registry, prefix } = splitEntry(e);
    if (ref.registry !== registry) return false;
    return prefix === "" || ref.path === prefix || ref.path.startsWith(`${prefix}/`);
  });
}

/** Escapes regular-expression syntax with backslashes (valid in RE2, JavaScript and JMESPath raw strings). */
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A host matched case-insensitively without inline flags: `Ab.c` → `[aA][bB]\.[cC]`. */
function caseless(s: string): string {
  let out = "";
  for (const c of s) {
    if (/[a-zA-Z]/.test(c)) out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
    else out += escapeRe(c);
  }
  return out;
}

const HUB_FIRST_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_-".split("");
const classOf = (chars: readonly string[]) => `[${chars.map((c) => (c === "-" ? "\\-" : c)).join("")}]`;

/**
 * RE2 alternation matching any non-empty string over `alphabet` except exactly `word` — no lookahead needed:
 * shorter, longer, or differing at some position.
 */
function notExactly(word: string, alphabet: readonly string[]): string {
  const n = word.length;
  const any = classOf(alphabet);
  const alts = [`${any}{1,${n - 1}}`, `${any}{${n + 1},}`];
  for (let i = 0; i < n; i++) {
    const other = classOf(alphabet.filter((c) => c !== word[i]));
    const rest = n - i - 1;
    alts.push(`${escapeRe(word.slice(0, i))}${other}${rest > 0 ? `${any}{${rest}}` : ""}`);
  }
  return `(?:${alts.join("|")})`;
}

/** A first component that leaves the reference on Docker Hub: no `.`, `:` or uppercase, and not `localhost`. */
const HUB_FIRST = notExactly("localhost", HUB_FIRST_CHARS);
/** The rest of a reference after a path prefix: more path, a tag, a digest or the end. */
const AFTER_PREFIX = "(?:[/:@]|$)";

/** Written Docker Hub paths (after `docker.io/`) whose normalized path starts with `prefix`. */
function hubWrittenPaths(prefix: string): string[] {
  if (prefix === "") return [".*"];
  // A one-component written path is `library/<it>`, so a one-component prefix needs a `/` after it.
  const alts = [prefix.includes("/") ? `${escapeRe(prefix)}${AFTER_PREFIX}` : `${escapeRe(prefix)}/`];
  // `nginx` is written for `library/nginx`.
  if (prefix === "library") alts.push("[^/]*$");
  else if (prefix.startsWith("library/") && !prefix.slice(8).includes("/"))
    alts.push(`${escapeRe(prefix.slice(8))}(?:[:@][^/]*)?$`);
  return alts;
}

/**
 * A regular expression, for the raw reference text, that matches exactly the references whose registry
 * (and path prefix) is `entry` — including Docker Hub references written without a registry when `entry` is
 * Docker Hub. It does not check well-formedness (a separate rule does).
 */
export function registryEntryRegex(entry: string): string {
  const { registry, prefix } = splitEntry(entry);
  if (registry !== DOCKER_HUB) {
    const tail = prefix === "" ? "/" : `/${escapeRe(prefix)}${AFTER_PREFIX}`;
    return `^${caseless(registry)}${tail}`;
  }
  const hosts = DOCKER_HUB_HOSTS.map(caseless).join("|");
  const written = hubWrittenPaths(prefix);
  const explicit = `(?:${hosts})/(?:${written.join("|")})`;
  // Without a registry, the first component must not look like one.
  let implicit: string[];
  if (prefix === "") implicit = ["[^/]*$", `${HUB_FIRST}/`];
  else {
    const first = prefix.split("/")[0];
    const writable = !first.includes(".") && first !== "localhost";
    implicit = written.filter((_w, i) => i > 0 || writable);
  }
  return `^(?:${[explicit, ...implicit].join("|")})`;
}

/**
 * A regular expression for references on registry `host` (lowercase `host[:port]`): the host followed by `/`,
 * in any case when `anyCase`, else exactly as given.
 */
export function registryHostRegex(host: string, anyCase: boolean): string {
  return `^${anyCase ? caseless(host) : escapeRe(host)}/`;
}

// ---- the checks the policies make -------------------------------------------------------------------------

export type ImageRuleId =
  "valid-reference" | "no-latest" | "tag-or-digest" | "require-digest" | "allowed-registry";

export interface ImageCheckOptions {
  /** Require a sha256 digest (`@sha256:`). */
  requireDigest?: boolean;
  /** Allowed registries (entries as in {@link registryEntryRegex}); undefined = no registry restriction. */
  allowedRegistries?: readonly string[];
}

export interface ImageViolation {
  rule: ImageRuleId;
  message: string;
}

const re = (s: string) => new RegExp(s);
const latestRe = re(LATEST_TAG_RE);
const hasTagRe = re(HAS_TAG_RE);
const hasDigestRe = re(HAS_DIGEST_RE);
const sha256Re = re(SHA256_DIGEST_RE);

/** `valid-reference`: the text parses as an image reference (same expression as the ClusterPolicy). */
export const isWellFormed = (image: string): boolean => referenceRe.test(image);
/** `no-latest`: the tag is `latest` (any case). */
export const hasLatestTag = (image: string): boolean => latestRe.test(image);
/** `tag-or-digest`: a tag or a digest is present. */
export const hasTagOrDigest = (image: string): boolean => hasTagRe.test(image) || hasDigestRe.test(image);
export const hasSha256Digest = (image: string): boolean => sha256Re.test(image);
export const matchesRegistryEntries = (image: string, entries: readonly string[]): boolean =>
  entries.some((e) => re(registryEntryRegex(e)).test(image));

/**
 * Every rule an image reference breaks, by the same expressions the ClusterPolicies evaluate. An empty list
 * means the image is admitted.
 */
export function checkImage(image: string, opts: ImageCheckOptions = {}): ImageViolation[] {
  const out: ImageViolation[] = [];
  if (!isWellFormed(image)) {
    const parsed = parseImageRef(image);
    out.push({
      rule: "valid-reference",
      message: parsed.ok ? `"${image}" is not a valid image reference` : parsed.reason,
    });
  }
  if (hasLatestTag(image))
    out.push({
      rule: "no-latest",
      message: `"${image}" uses the mutable tag "latest"; use a release tag or a digest`,
    });
  if (!hasTagOrDigest(image))
    out.push({
      rule: "tag-or-digest",
      message: `"${image}" has no tag and no digest (it would pull "latest")`,
    });
  if (opts.requireDigest && !hasSha256Digest(image))
    out.push({ rule: "require-digest", message: `"${image}" is not pinned by digest (@sha256:<64 hex>)` });
  if (opts.allowedRegistries && !matchesRegistryEntries(image, opts.allowedRegistries))
    out.push({
      rule: "allowed-registry",
      message: `"${image}" is not from an allowed registry (${opts.allowedRegistries.join(", ") || "none allowed"})`,
    });
  return out;
}
