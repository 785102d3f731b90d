/**
 * Tag rules for CI (SPEC R7.3): release tags `vMAJOR.MINOR.PATCH` and build tags
 * `vMAJOR.MINOR.PATCH-YYYYMMDD-<sha7>`. Pure; `tools/tag/cli.ts` is the command-line front end
 * (`npm run tag`). Harbor's retention rules (harbor-config) and immutability match the same shapes.
 */

/** Longest tag the registry accepts (the distribution grammar allows 128 characters). */
export const MAX_TAG_LENGTH = 128;

const NUM = "(0|[1-9][0-9]*)";
/** A release tag: `v1.2.3`. */
export const RELEASE_TAG_RE = new RegExp(`^v${NUM}\\.${NUM}\\.${NUM}$`);
/** A build tag: `v1.2.3-20250615-abcdef0` (UTC date, first 7 hex digits of the commit). */
export const BUILD_TAG_RE = new RegExp(`^v${NUM}\\.${NUM}\\.${NUM}-([0-9]{8})-([0-9a-f]{7})$`);

export type TagKind = "release" | "build";

export type TagCheck = { ok: true; kind: TagKind } | { ok: false; reason: string };

/** Accepts a release or build tag; otherwise says why not (latest, uppercase, length, not semver, bad date). */
export function checkTag(tag: string): TagCheck {
  if (tag.length === 0) return { ok: false, reason: "empty tag" };
  if (tag.length > MAX_TAG_LENGTH)
    return {
      ok: false,
      reason: `tag is ${tag.length} characters long; at most ${MAX_TAG_LENGTH} are allowed`,
    };
  if (tag.toLowerCase() === "latest")
    return {
      ok: false,
      reason: `"${tag}" is mutable and never allowed; use vMAJOR.MINOR.PATCH or a build tag`,
    };
  if (tag !== tag.toLowerCase())
    return {
      ok: false,
      reason: `"${tag}" has uppercase letters; tags are lowercase (v1.2.3, v1.2.3-20250615-abcdef0)`,
    };
  if (RELEASE_TAG_RE.test(tag)) return { ok: true, kind: "release" };
  const b = BUILD_TAG_RE.exec(tag);
  if (b) {
    const date = b[4];
    if (!isDate(date)) return { ok: false, reason: `"${tag}": ${date} is not a calendar date (YYYYMMDD)` };
    return { ok: true, kind: "build" };
  }
  return {
    ok: false,
    reason: `"${tag}" is not semver: expected vMAJOR.MINOR.PATCH (v1.2.3) or vMAJOR.MINOR.PATCH-YYYYMMDD-<sha7> (v1.2.3-20250615-abcdef0)`,
  };
}

function isDate(yyyymmdd: string): boolean {
  return isCalendarDate(yyyymmdd.slice(0, 4), yyyymmdd.slice(4, 6), yyyymmdd.slice(6, 8));
}

function isCalendarDate(year: string, month: string, day: string): boolean {
  const [y, m, d] = [Number(year), Number(month), Number(day)];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * A build tag's `--date`: an ISO 8601 date (`2025-06-15`, that UTC day) or a date-time with its zone
 * (`2025-06-15T10:00:00Z`, `…+02:00`). Returns the time, or why the text is refused: `Date`'s own parser rolls
 * `2025-02-30` over to March 2, reads `1` as 2001 and a time without a zone in the runner's local time zone.
 */
export function parseTagDate(text: string): { ok: true; at: Date } | { ok: false; reason: string } {
  const m = ISO_DATE_TIME.exec(text);
  const iso = "an ISO 8601 date (2025-06-15) or date-time with a zone (2025-06-15T10:00:00Z)";
  if (!m) return { ok: false, reason: `"${text}" is not ${iso}` };
  const [, y, mo, d, hh, mm, ss, zone] = m;
  if (!isCalendarDate(y, mo, d))
    return { ok: false, reason: `"${text}": ${y}-${mo}-${d} is not a calendar date` };
  if (hh !== undefined) {
    if (zone === undefined)
      return { ok: false, reason: `"${text}" has no time zone; add Z (UTC) or an offset such as +02:00` };
    const off = zone === "Z" ? undefined : /^[+-](\d{2}):(\d{2})$/.exec(zone);
    if (
      Number(hh) > 23 ||
      Number(mm) > 59 ||
      Number(ss ?? 0) > 59 ||
      (off && (Number(off[1]) > 23 || Number(off[2]) > 59))
    )
      return { ok: false, reason: `"${text}" is not a valid time` };
  }
  return { ok: true, at: new Date(hh === undefined ? `${text}T00:00:00Z` : text) };
}

/**
 * Accepts `1.2.3` or `v1.2.3` (no pre-release or build metadata: the build tag adds its own). The numbers stay
 * digit strings: semver puts no bound on them, and `Number` would round those beyond 2^53.
 */
export function parseVersion(version: string): { major: string; minor: string; patch: string } | undefined {
  const m = new RegExp(`^v?${NUM}\\.${NUM}\\.${NUM}$`).exec(version);
  if (!m) return undefined;
  return { major: m[1], minor: m[2], patch: m[3] };
}

/** `v1.2.3` from `1.2.3` or `v1.2.3`; throws with the reason otherwise. */
export function releaseTag(version: string): string {
  const v = parseVersion(version);
  if (!v) throw new Error(`version "${version}" is not MAJOR.MINOR.PATCH (e.g. 1.2.3)`);
  return `v${v.major}.${v.minor}.${v.patch}`;
}

/**
 * The build tag `vMAJOR.MINOR.PATCH-YYYYMMDD-<sha7>` for a version, a commit SHA (7 to 40 hex digits, any
 * case) and a time (its UTC date).
 */
export function buildTag(version: string, sha: string, at: Date): string {
  if (!/^[0-9a-fA-F]{7,40}$/.test(sha))
    throw new Error(`sha "${sha}" is not a commit hash (7 to 40 hex digits)`);
  if (Number.isNaN(at.getTime())) throw new Error("invalid date");
  const date = at.toISOString().slice(0, 10).replace(/-/g, "");
  return `${releaseTag(version)}-${date}-${sha.slice(0, 7).toLowerCase()}`;
}
