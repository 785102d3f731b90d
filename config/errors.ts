/**
 * Config errors: every problem names the key path, what was found and what is allowed.
 * Values of secret keys are never rendered.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";

import { NAMESPACE } from "./namespace";
import { withoutUserInfo } from "../components/redact";

export { withoutUserInfo };

export { NAMESPACE };

export interface ConfigIssue {
  /** Full key path, e.g. `registry-platform:storage.backupRetention.days`. */
  key: string;
  /** What was found, rendered for humans (`nothing` when missing, `[secret]` for secret values). */
  found: string;
  /** What is allowed. */
  allowed: string;
  /** The exact command that fixes it, when there is one (listed together at the end of the error). */
  fix?: string;
  /** Set when the issue is a required secret key that has no value. */
  missingSecret?: string;
}

/** The distinct fix commands of `issues`, in order. */
export function fixCommands(issues: readonly ConfigIssue[]): string[] {
  return [...new Set(issues.flatMap((i) => (i.fix ? [i.fix] : [])))];
}

/**
 * Every problem of the stack config. A `pulumi.RunError`: the engine prints its message alone — no stack trace,
 * no dump of `issues` — as it does for any error that is the user's to fix, not a bug.
 */
export class ConfigError extends pulumi.RunError {
  public readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    // A URL found in a value (or echoed by a rule's text) may hold a user and password: never shown.
    issues = issues.map((i) => ({
      ...i,
      found: withoutUserInfo(i.found),
      allowed: withoutUserInfo(i.allowed),
      ...(i.fix !== undefined ? { fix: withoutUserInfo(i.fix) } : {}),
    }));
    const fixes = fixCommands(issues);
    super(
      `invalid stack configuration (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
        issues.map((i) => `  - ${formatIssue(i)}`).join("\n") +
        (fixes.length > 0
          ? `\nto fix, run (in the project directory, with the stack selected):\n${fixes.map((f) => `  ${f}`).join("\n")}`
          : ""),
    );
    this.issues = issues;
    this.name = "ConfigError";
    // A user's input problem, not a bug: the message says everything, and a stack without frames keeps the
    // engine's error formatting fast (see config/error-stacks.ts).
    this.stack = `${this.name}: ${this.message}`;
  }
}

export function formatIssue(i: ConfigIssue): string {
  return `${i.key}: found ${i.found}; allowed: ${i.allowed}`;
}

/** `["storage", "backupRetention", "days"]` → `registry-platform:storage.backupRetention.days`. */
export function keyPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return `${NAMESPACE}:${out}`;
}

/** Renders a value briefly: JSON, at most 80 characters; `nothing` for undefined. */
export function renderValue(v: unknown): string {
  if (v === undefined) return "nothing";
  let s: string;
  try {
    s = JSON.stringify(v) ?? typeof v;
  } catch {
    s = typeof v;
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

type ZodIssue = z.core.$ZodIssue;

/** Turns one zod issue into our issue. `allowedKeys` lists the known keys of the object at the issue's path. */
export function fromZodIssue(
  issue: ZodIssue,
  redacted: (path: readonly PropertyKey[]) => boolean,
  allowedKeys: (path: readonly PropertyKey[]) => string[] | undefined,
): ConfigIssue[] {
  const path = issue.path;
  const found = (v: unknown) => (redacted(path) ? "[secret]" : renderValue(v));
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = allowedKeys(path) ?? [];
      return issue.keys.map((k) => ({
        key: keyPath([...path, k]),
        found: "an unknown key",
        allowed: known.length > 0 ? `one of the keys ${known.join(", ")}` : "no other keys",
      }));
    }
    case "invalid_type":
      return [
        {
          key: keyPath(path),
          found: issue.input === undefined ? "nothing (the key is required)" : found(issue.input),
          // A schema may say what it expects (e.g. a size string); zod's own text starts "Invalid input".
          allowed:
            issue.input !== undefined && issue.message && !/^Invalid input/.test(issue.message)
              ? issue.message
              : `a value of type ${issue.expected}`,
        },
      ];
    case "invalid_value":
      return [
        {
          key: keyPath(path),
          found: found(issue.input),
          allowed: `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`,
        },
      ];
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
      const op = issue.code === "too_small" ? (issue.inclusive ? ">=" : ">") : issue.inclusive ? "<=" : "<";
      const what =
        issue.origin === "string"
          ? `a string of length ${op} ${bound}`
          : issue.origin === "array"
            ? `a list of ${op} ${bound} items`
            : `a ${issue.origin === "int" ? "whole number" : "number"} ${op} ${bound}`;
      return [{ key: keyPath(path), found: found(issue.input), allowed: what }];
    }
    case "invalid_format":
    case "custom":
      return [{ key: keyPath(path), found: found(issue.input), allowed: issue.message }];
    case "invalid_union":
      return [{ key: keyPath(path), found: found(issue.input), allowed: issue.message }];
    case "invalid_key": {
      // A record's key refused (e.g. a tag key): what its own schema allows, not zod's "Invalid key in record".
      const inner = issue.issues.flatMap((i) =>
        fromZodIssue(
          { ...i, path: [] },
          () => false,
          () => undefined,
        ).map((x) => x.allowed),
      );
      return [
        {
          key: keyPath(path),
          found: `the key ${renderValue(issue.input)}`,
          allowed: inner.length > 0 ? inner.join("; ") : issue.message,
        },
      ];
    }
    default:
      return [{ key: keyPath(path), found: found(issue.input), allowed: issue.message }];
  }
}
