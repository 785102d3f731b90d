/**
 * Config test helpers: a stack file's config as the program's ConfigSource, and the parse result as
 * `key | found | allowed` lines.
 */
import * as assert from "assert";
import { parsePlatformConfig, PlatformConfig } from "../../config";
import { ConfigIssue, ConfigSource } from "../../config";
import { StackConfig, stackConfigSource } from "../../tools/synth/stackfile";
import { withOfflineStandIns } from "../../tools/synth/stand-ins";

/** The stack config as the program's ConfigSource, as a real engine would hand it (no stand-ins). */
export function configSource(sc: StackConfig, stack = "t"): ConfigSource {
  return stackConfigSource(sc, "registry-platform", stack);
}

/**
 * The parsed config, with offline stand-ins for the secrets the stack does not hold (as the offline synth
 * does); fails the test with every problem when it is rejected.
 */
export function parsedConfig(sc: StackConfig, stack = "t"): PlatformConfig {
  const { stackConfig } = withOfflineStandIns(sc, "registry-platform", stack);
  const r = parsePlatformConfig({ ...configSource(stackConfig, stack), allowStandIns: true });
  if (!r.ok) assert.fail(r.issues.map((i) => `${i.key}: ${i.found} / ${i.allowed}`).join("\n"));
  return r.config;
}

/** The problems of a config that must be rejected, as a real engine sees them. */
export function rejected(sc: StackConfig, extra: Partial<ConfigSource> = {}): ConfigIssue[] {
  const r = parsePlatformConfig({ ...configSource(sc), ...extra });
  assert.ok(!r.ok, "expected the config to be rejected");
  return r.issues;
}

/** The problems of a config that must be rejected, as `key | found | allowed`. */
export function configIssues(sc: StackConfig, extra: Partial<ConfigSource> = {}): string[] {
  return rejected(sc, extra).map((i) => `${i.key} | ${i.found} | ${i.allowed}`);
}

/** `sc` with a secret key set to a real value (as `pulumi config set --secret` would hand it over). */
export function withSecret(sc: StackConfig, key: string, value: string): StackConfig {
  const full = key.includes(":") ? key : `registry-platform:${key}`;
  return {
    config: { ...sc.config, [full]: value },
    secretKeys: [...new Set([...sc.secretKeys, full])],
  };
}
