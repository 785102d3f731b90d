/**
 * Every config problem at once (SPEC R9.2): when the schema refuses values, the rules that span keys still run
 * on the config without them; and the checks of secret texts the components cannot see (they get Outputs).
 */
import type { z } from "zod";
import { CHART_DEFAULT_ADMIN_PASSWORD } from "../components/harbor/resolve";
import { ConfigIssue, NAMESPACE } from "./errors";
import { configSchema, RawConfig } from "./schema";
import { setSecretCommand } from "./secrets";

/** Stands in for a `host` of the wrong form while the other rules run (the PEM checks are skipped then). */
const HOST_STAND_IN = "registry.invalid";

/**
 * `data` without the values the schema refused, parsed again: each refused value is removed (a value inside
 * a list removes the whole list) so its default applies; a refused `host` gets a stand-in. Undefined when that
 * does not give a valid config (a required key such as `environment` is wrong).
 */
export function withoutInvalidValues(
  data: Record<string, unknown>,
  zodIssues: readonly z.core.$ZodIssue[],
): { raw: RawConfig; hostReplaced: boolean } | undefined {
  const copy = structuredClone(data);
  let hostReplaced = false;
  for (const zi of zodIssues) {
    const paths = zi.code === "unrecognized_keys" ? zi.keys.map((k) => [...zi.path, k]) : [[...zi.path]];
    for (const path of paths) {
      if (path.length === 0) return undefined;
      if (path.length === 1 && path[0] === "host") {
        copy.host = HOST_STAND_IN;
        hostReplaced = true;
        continue;
      }
      // Cut at the first list on the path: removing one item would renumber the others.
      const cut = path.findIndex((p) => typeof p === "number");
      const keep = cut < 0 ? path : path.slice(0, cut);
      let parent: unknown = copy;
      for (const p of keep.slice(0, -1)) parent = (parent as Record<PropertyKey, unknown> | undefined)?.[p];
      if (parent !== null && typeof parent === "object" && !Array.isArray(parent))
        delete (parent as Record<PropertyKey, unknown>)[keep[keep.length - 1]];
    }
  }
  const again = configSchema.safeParse(copy, { jitless: true });
  return again.success ? { raw: again.data, hostReplaced } : undefined;
}

/**
 * True when `issue` is about a key already reported for its form, or one inside or around it, or when its
 * allowed text names such a key (a rule that depends on it, e.g. "... when storage.provider is ...").
 */
export function involvesReported(issue: ConfigIssue, reported: readonly string[]): boolean {
  const key = issue.key.slice(NAMESPACE.length + 1);
  return reported.some((r) => {
    const base = r.replace(/\[.*$/, "");
    if (key === r || key === base) return true;
    if (key.startsWith(`${base}.`) || key.startsWith(`${base}[`) || base.startsWith(`${key}.`)) return true;
    // The key and its shorter forms (harbor.trivy.enabled, trivy.enabled) as words of the allowed text.
    const segments = base.split(".");
    return segments.some((_, i) => {
      const name = segments.slice(i).join(".");
      return (
        (i === 0 || i < segments.length - 1) &&
        new RegExp(`(^|[^\\w.])${name.replace(/\./g, "\\.")}($|[^\\w])`).test(issue.allowed)
      );
    });
  });
}

/**
 * The Harbor component refuses the chart's default admin password and one shorter than 8 characters, but only
 * when given as a plain string: from the stack config it is a secret Output, so the text is checked here. The
 * value is never rendered.
 */
export function adminPasswordIssues(text: string | undefined): ConfigIssue[] {
  if (text === undefined) return [];
  const found =
    text === CHART_DEFAULT_ADMIN_PASSWORD
      ? "the Harbor chart's default password"
      : text.length < 8
        ? "a password shorter than 8 characters"
        : undefined;
  if (found === undefined) return [];
  return [
    {
      key: `${NAMESPACE}:harborAdminPassword`,
      found,
      allowed:
        "a password of at least 8 characters other than the chart's default (or unset: one is generated)",
      fix: setSecretCommand("harborAdminPassword"),
    },
  ];
}
