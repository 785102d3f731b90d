/**
 * The platform config built in code, for programs that use `RegistryPlatform` as a library without stack
 * files: the same keys, defaults and rules as the `registry-platform:` stack config, with typed values.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { ConfigError, ConfigIssue, NAMESPACE, renderValue } from "./errors";
import { ConfigSource, parsePlatformConfig, PlatformConfig } from "./parse";
import { configSchema } from "./schema";
import { isSecretKey, SECRET_KEYS, SecretKey } from "./secrets";

/**
 * The config as an object: every `registry-platform:` key of a stack file, without the namespace, as
 * values (not JSON text), defaults optional; secret keys under `secrets` (plain strings or Outputs; they
 * become secret Outputs).
 */
export type PlatformConfigValues = z.input<typeof configSchema> & {
  secrets?: Partial<Record<SecretKey, pulumi.Input<string>>>;
};

export interface PlatformConfigOptions {
  /**
   * Part of the default `namePrefix` (`<project>-<stack>`). Default: the running Pulumi program's project
   * (`registry-platform` outside a Pulumi run).
   */
  project?: string;
  /** Part of the default `namePrefix` and of the tags. Default: the running stack (`default` outside a run). */
  stack?: string;
}

/** Top-level keys whose stack values are plain strings (the parser reads every other value as JSON). */
const STRING_KEYS = new Set(["environment", "region", "role", "host", "namePrefix"]);

/**
 * Validates `values` and returns the typed {@link PlatformConfig} (every default and environment rule
 * applied), or throws one {@link ConfigError} listing every problem (key path, value found, what is allowed;
 * secret values never shown).
 */
export function platformConfig(
  values: PlatformConfigValues,
  opts: PlatformConfigOptions = {},
): PlatformConfig {
  const issues: ConfigIssue[] = [];
  const text: Record<string, string> = {};
  const secretKeys = new Set<string>();
  const secrets: Partial<Record<SecretKey, pulumi.Input<string>>> = {};
  const input = (values ?? {}) as Record<string, unknown>;

  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (key === "secrets") continue;
    if (isSecretKey(key)) {
      issues.push({
        key: `${NAMESPACE}:${key}`,
        found: "a plain value",
        allowed: `the value under secrets.${key}`,
      });
      continue;
    }
    text[key] = STRING_KEYS.has(key) && typeof value === "string" ? value : JSON.stringify(value);
  }

  const given = input.secrets;
  if (given !== undefined && (typeof given !== "object" || given === null || Array.isArray(given))) {
    issues.push({ key: `${NAMESPACE}:secrets`, found: renderValue(typeof given), allowed: "an object" });
  } else {
    for (const [key, value] of Object.entries((given ?? {}) as Record<string, unknown>)) {
      if (value === undefined) continue;
      if (!isSecretKey(key)) {
        issues.push({
          key: `${NAMESPACE}:secrets.${key}`,
          found: "an unknown key",
          allowed: `one of the keys ${Object.keys(SECRET_KEYS).join(", ")}`,
        });
        continue;
      }
      secrets[key] = value as pulumi.Input<string>;
      secretKeys.add(key);
      text[key] = "[secret]"; // presence only: the parser never reads a secret's text
    }
  }

  const src: ConfigSource = {
    project: opts.project ?? (pulumi.getProject() || "registry-platform"),
    stack: opts.stack ?? (pulumi.getStack() || "default"),
    values: text,
    secretKeys,
  };
  const r = parsePlatformConfig(src, (k) => pulumi.secret(pulumi.output(secrets[k] ?? "")));
  // Values given in code: no `pulumi config set` commands; a missing secret goes under `secrets`.
  const inCode = (i: ConfigIssue): ConfigIssue => ({
    key: i.key,
    found: i.found,
    allowed: i.missingSecret ? `${i.allowed}, given as secrets.${i.missingSecret}` : i.allowed,
  });
  if (!r.ok || issues.length > 0)
    throw new ConfigError(
      [...issues, ...(r.ok ? [] : r.issues.map(inCode))].sort((a, b) => a.key.localeCompare(b.key)),
    );
  return r.config;
}
