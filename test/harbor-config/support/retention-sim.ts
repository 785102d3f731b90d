/**
 * Test oracle: evaluates Harbor tag retention and immutability rules the way Harbor does, to show what a
 * policy keeps and deletes for a sample repository.
 *
 * - Tag patterns: doublestar v1 matching of one path component (`*` any run, `?` one character, `[0-9]`,
 *   `[^x]` classes, `{a,b}` alternatives), anchored at both ends.
 * - Retention (algorithm "or"): each rule selects artifacts by its tag selectors (ANDed; `{"untagged":false}`
 *   leaves untagged artifacts out) and then by its template (always / latestPushedK / nDaysSinceLastPush);
 *   an artifact selected by any rule is retained, every other one is deleted — unless one of its tags matches
 *   an immutability rule, in which case Harbor keeps it (retention's performer skips immutable artifacts).
 */
import type { RetentionRule } from "../../../components/harbor-config/payloads";

export function tagMatches(pattern: string, name: string): boolean {
  let pi = 0;
  let ni = 0;
  while (pi < pattern.length) {
    const c = pattern[pi];
    if (c === "*") {
      const rest = pattern.slice(pi + 1);
      for (let k = ni; k <= name.length; k++) if (tagMatches(rest, name.slice(k))) return true;
      return false;
    }
    if (c === "{") {
      const end = pattern.indexOf("}", pi);
      if (end < 0) throw new Error(`bad pattern ${pattern}`);
      const rest = pattern.slice(end + 1);
      return pattern
        .slice(pi + 1, end)
        .split(",")
        .some((o) => tagMatches(o + rest, name.slice(ni)));
    }
    if (ni >= name.length) return false;
    if (c === "?") {
      pi++;
      ni++;
      continue;
    }
    if (c === "[") {
      const end = pattern.indexOf("]", pi);
      if (end < 0) throw new Error(`bad pattern ${pattern}`);
      let body = pattern.slice(pi + 1, end);
      const negate = body.startsWith("^");
      if (negate) body = body.slice(1);
      let hit = false;
      for (let i = 0; i < body.length; i++) {
        const lo = body[i];
        let hi = lo;
        if (body[i + 1] === "-" && i + 2 < body.length) {
          hi = body[i + 2];
          i += 2;
        }
        if (lo <= name[ni] && name[ni] <= hi) hit = true;
      }
      if (hit === negate) return false;
      pi = end + 1;
      ni++;
      continue;
    }
    if (c !== name[ni]) return false;
    pi++;
    ni++;
  }
  return ni === name.length;
}

export interface Artifact {
  id: string;
  tags: string[];
  /** Days since the last push. */
  pushedDaysAgo: number;
}

function selectorKeeps(sel: RetentionRule["tag_selectors"][number], a: Artifact): boolean {
  const untagged = sel.extras ? (JSON.parse(sel.extras) as { untagged?: boolean }).untagged === true : true;
  if (a.tags.length === 0) return sel.decoration === "excludes" ? !untagged : untagged;
  if (sel.decoration === "matches") return a.tags.some((t) => tagMatches(sel.pattern, t));
  return a.tags.some((t) => !tagMatches(sel.pattern, t));
}

export interface RetentionOutcome {
  retained: string[];
  deleted: string[];
  /** Not retained by any rule but kept because immutable. */
  immutableKept: string[];
}

export function simulateRetention(
  rules: RetentionRule[],
  artifacts: Artifact[],
  immutablePatterns: string[] = [],
): RetentionOutcome {
  const kept = new Set<string>();
  for (const rule of rules) {
    if (rule.disabled) continue;
    let selected = artifacts.filter((a) => rule.tag_selectors.every((s) => selectorKeeps(s, a)));
    if (rule.template === "latestPushedK") {
      selected = [...selected]
        .sort((x, y) => x.pushedDaysAgo - y.pushedDaysAgo)
        .slice(0, rule.params.latestPushedK);
    } else if (rule.template === "nDaysSinceLastPush") {
      selected = selected.filter((a) => a.pushedDaysAgo <= rule.params.nDaysSinceLastPush);
    }
    for (const a of selected) kept.add(a.id);
  }
  const out: RetentionOutcome = { retained: [], deleted: [], immutableKept: [] };
  for (const a of artifacts) {
    if (kept.has(a.id)) out.retained.push(a.id);
    else if (a.tags.some((t) => immutablePatterns.some((p) => tagMatches(p, t))))
      out.immutableKept.push(a.id);
    else out.deleted.push(a.id);
  }
  return out;
}
