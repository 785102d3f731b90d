/**
 * Pure builders of the Harbor API v2.0 payloads for tags (re-exported by {@link ./payloads}): Harbor's tag
 * patterns, immutable tag rules (ImmutableRule) and tag retention (RetentionPolicy).
 */

// ── tag patterns (Harbor's doublestar syntax: `*`, `?`, `[0-9]`, `{a,b}`) ──────────────────────────────────

const DIGITS = "{[0-9],[0-9][0-9],[0-9][0-9][0-9]}";

/**
 * Semver release tags `vMAJOR.MINOR.PATCH` (1-3 digits each) and nothing else. A plain `v*.*.*` would also
 * match CI build tags (`v1.2.3-20250615-abcdef0`): immutable artifacts are never deleted by tag retention, so
 * build tags matched by the immutability rule would outlive their retention window.
 */
export const RELEASE_TAG_PATTERN = `v${DIGITS}.${DIGITS}.${DIGITS}`;
/** Major releases `vMAJOR.0.0`. */
export const MAJOR_RELEASE_TAG_PATTERN = `v${DIGITS}.0.0`;
/** CI build tags `vX.Y.Z-YYYYMMDD-sha7` and any other pre-release of a semver version. */
export const BUILD_TAG_PATTERN = "v*.*.*-*";
/** Every repository of the project. */
export const ALL_REPOSITORIES = "**";

export interface Selector {
  kind: "doublestar";
  decoration: "matches" | "excludes" | "repoMatches" | "repoExcludes";
  pattern: string;
  extras?: string;
}

/** `POST /projects/{p}/immutabletagrules` body (ImmutableRule). */
export function immutableRuleBody(
  tagPattern: string,
  repoPattern: string = ALL_REPOSITORIES,
  disabled = false,
): Record<string, unknown> {
  return {
    disabled,
    action: "immutable",
    template: "immutable_template",
    tag_selectors: [{ kind: "doublestar", decoration: "matches", pattern: tagPattern }],
    scope_selectors: {
      repository: [{ kind: "doublestar", decoration: "repoMatches", pattern: repoPattern }],
    },
  };
}

// ── tag retention (seed §4.5) ─────────────────────────────────────────────────────────────────────────────

export interface RetentionSettings {
  /** Most recent N minor/patch releases kept. Default 10. */
  keepLatestReleases: number;
  /** Days CI build tags are kept after their last push. Default 14. */
  buildTagDays: number;
  /** 6-field cron of the retention run. Default `0 0 2 * * *`. */
  schedule: string;
  /** Channel tags kept forever besides major releases. Default `["stable", "lts"]`. */
  foreverTags: string[];
}

export interface RetentionRule {
  disabled: boolean;
  action: "retain";
  template: "always" | "latestPushedK" | "nDaysSinceLastPush";
  params: Record<string, number>;
  tag_selectors: Selector[];
  scope_selectors: { repository: Selector[] };
}

/** Untagged artifacts are selected by no rule, so every run removes them. */
const TAGGED_ONLY = JSON.stringify({ untagged: false });

function retainRule(
  template: RetentionRule["template"],
  param: number | undefined,
  tagPattern: string,
): RetentionRule {
  return {
    disabled: false,
    action: "retain",
    template,
    params: param === undefined ? {} : { [template]: param },
    tag_selectors: [{ kind: "doublestar", decoration: "matches", pattern: tagPattern, extras: TAGGED_ONLY }],
    scope_selectors: {
      repository: [{ kind: "doublestar", decoration: "repoMatches", pattern: ALL_REPOSITORIES }],
    },
  };
}

/** `{a,b}` for several tags, the tag itself for one. */
export function anyOf(tags: readonly string[]): string {
  return tags.length === 1 ? tags[0] : `{${tags.join(",")}}`;
}

/**
 * The seed's retention rules (§4.5), in Harbor's OR algorithm (an artifact survives when any rule retains
 * it; everything else is deleted at each scheduled run):
 * 1. major releases `vX.0.0`: always;
 * 2. `stable` / `lts` (channel tags): always;
 * 3. the most recently pushed N releases `vX.Y.Z`: the latest minor/patch releases;
 * 4. CI build tags `vX.Y.Z-YYYYMMDD-sha7` (and other pre-releases): pushed within the last D days;
 * untagged artifacts: matched by no rule (`{"untagged":false}` on every selector), so removed.
 *
 * `releasesImmutable`: the project's release tags are immutable. Harbor's retention never deletes an immutable
 * artifact, so "the latest N releases" could not prune anything there; the policy then says what really happens
 * — every release `vX.Y.Z` is retained (`always`, which also covers the majors) — instead of carrying a rule
 * without effect. N applies to projects whose release tags are not immutable.
 */
export function retentionRules(s: RetentionSettings, releasesImmutable = false): RetentionRule[] {
  const rules = releasesImmutable
    ? [
        retainRule("always", undefined, RELEASE_TAG_PATTERN),
        retainRule("nDaysSinceLastPush", s.buildTagDays, BUILD_TAG_PATTERN),
      ]
    : [
        retainRule("always", undefined, MAJOR_RELEASE_TAG_PATTERN),
        retainRule("latestPushedK", s.keepLatestReleases, RELEASE_TAG_PATTERN),
        retainRule("nDaysSinceLastPush", s.buildTagDays, BUILD_TAG_PATTERN),
      ];
  if (s.foreverTags.length > 0) rules.splice(1, 0, retainRule("always", undefined, anyOf(s.foreverTags)));
  return rules;
}

/**
 * A retention rule reduced to what decides its effect (Harbor adds `id` and `priority`, may omit
 * `disabled: false`, empty `extras` or empty `params`), as canonical JSON: rules that compare equal here
 * retain the same artifacts.
 */
export function retentionRuleKey(rule: unknown): string {
  const r = (rule ?? {}) as Record<string, unknown>;
  const selector = (x: unknown) => {
    const o = (x ?? {}) as Record<string, unknown>;
    const extras = typeof o.extras === "string" && o.extras !== "" ? o.extras : undefined;
    return { kind: o.kind, decoration: o.decoration, pattern: o.pattern, ...(extras ? { extras } : {}) };
  };
  const params = Object.entries((r.params ?? {}) as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => [k, Number(v)]);
  const scope = (r.scope_selectors ?? {}) as Record<string, unknown[] | undefined>;
  const scopes = Object.keys(scope)
    .sort()
    .map((k) => [k, (scope[k] ?? []).map(selector)]);
  return JSON.stringify([
    r.disabled === true,
    r.action ?? "retain",
    r.template,
    params,
    ((r.tag_selectors ?? []) as unknown[]).map(selector),
    scopes,
  ]);
}

/** Whether two rule lists retain the same artifacts (order does not matter with algorithm "or"). */
export function sameRetentionRules(a: readonly unknown[], b: readonly unknown[]): boolean {
  const keys = (x: readonly unknown[]) => x.map(retentionRuleKey).sort();
  return JSON.stringify(keys(a)) === JSON.stringify(keys(b));
}

/**
 * The settings a rule list encodes, where it has the layout of {@link retentionRules} (for a readable refresh);
 * fields it does not encode are left out.
 */
export function retentionSettingsOf(rules: readonly RetentionRule[]): Partial<RetentionSettings> {
  const out: Partial<RetentionSettings> = {};
  for (const r of rules) {
    const pattern = r.tag_selectors?.[0]?.pattern;
    if (r.template === "latestPushedK" && pattern === RELEASE_TAG_PATTERN) {
      out.keepLatestReleases = Number(r.params?.latestPushedK);
    } else if (r.template === "nDaysSinceLastPush" && pattern === BUILD_TAG_PATTERN) {
      out.buildTagDays = Number(r.params?.nDaysSinceLastPush);
    } else if (
      r.template === "always" &&
      typeof pattern === "string" &&
      pattern !== MAJOR_RELEASE_TAG_PATTERN &&
      pattern !== RELEASE_TAG_PATTERN
    ) {
      out.foreverTags = /^\{[^{}]*\}$/.test(pattern) ? pattern.slice(1, -1).split(",") : [pattern];
    }
  }
  return out;
}

/** `POST /retentions` / `PUT /retentions/{id}` body (RetentionPolicy). */
export function retentionPolicyBody(
  projectId: number,
  s: RetentionSettings,
  releasesImmutable = false,
): Record<string, unknown> {
  return {
    algorithm: "or",
    rules: retentionRules(s, releasesImmutable),
    trigger: { kind: "Schedule", settings: { cron: s.schedule }, references: {} },
    scope: { level: "project", ref: projectId },
  };
}

/** What a deleted retention resource leaves behind: the project's policy without rules or schedule. */
export function retentionDisabledBody(projectId: number): Record<string, unknown> {
  return {
    algorithm: "or",
    rules: [],
    trigger: { kind: "Schedule", settings: { cron: "" }, references: {} },
    scope: { level: "project", ref: projectId },
  };
}
