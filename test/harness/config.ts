/**
 * Config test helpers: a stack file's config as the program's ConfigSource, and the parse result as
 * `key | found | allowed` lines.
 */
import * as assert from "assert";
import { parsePlatformConfig, PlatformConfig } from "../../config";
import { ConfigSource } from "../../config/parse";
import { StackConfig } from "../../tools/synth/stackfile";

const NS = "registry-platform:";

export function configSource(sc: StackConfig, stack = "t"): ConfigSource {
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  for (const [k, v] of Object.entries(sc.config)) {
    if (!k.startsWith(NS)) continue;
    const short = k.slice(NS.length);
    values[short] = v;
    if (sc.secretKeys.includes(k)) secretKeys.add(short);
  }
  return { project: "registry-platform", stack, values, secretKeys };
}

/** The parsed config; fails the test with every problem when it is rejected. */
export function parsedConfig(sc: StackConfig, stack = "t"): PlatformConfig {
  const r = parsePlatformConfig(configSource(sc, stack));
  if (!r.ok) assert.fail(r.issues.map((i) => `${i.key}: ${i.found} / ${i.allowed}`).join("\n"));
  return r.config;
}

/** The problems of a config that must be rejected, as `key | found | allowed`. */
export function configIssues(sc: StackConfig, stack = "t"): string[] {
  const r = parsePlatformConfig(configSource(sc, stack));
  assert.ok(!r.ok, "expected the config to be rejected");
  return r.issues.map((i) => `${i.key} | ${i.found} | ${i.allowed}`);
}
