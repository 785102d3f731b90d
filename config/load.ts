/**
 * Reads the `registry-platform:` namespace from the Pulumi runtime (the only place config is read) and
 * validates it with {@link parseOrThrow}.
 */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { NAMESPACE } from "./errors";
import { ConfigSource, parseOrThrow, PlatformConfig } from "./parse";

/** `isConfigSecret` is exported by the Node SDK's runtime but marked internal in its typings. */
function isConfigSecret(fullKey: string): boolean {
  const rt = pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean };
  return rt.isConfigSecret ? rt.isConfigSecret(fullKey) : false;
}

/** True on the mock engine (offline synth, tests); a real engine's monitor is a gRPC client. */
export function onMockEngine(): boolean {
  return pulumi.runtime.getMonitor() instanceof MockMonitor;
}

/** The namespace's config as a {@link ConfigSource} (other namespaces' keys in `otherKeys`). */
export function runtimeConfigSource(): ConfigSource {
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  const otherKeys: string[] = [];
  for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(`${NAMESPACE}:`)) {
      otherKeys.push(fullKey);
      continue;
    }
    const key = fullKey.slice(NAMESPACE.length + 1);
    values[key] = value;
    if (isConfigSecret(fullKey)) secretKeys.add(key);
  }
  return {
    project: pulumi.getProject(),
    stack: pulumi.getStack(),
    values,
    secretKeys,
    otherKeys,
    // Offline-synth stand-ins for secrets never pass on a real engine.
    allowStandIns: onMockEngine(),
  };
}

/** Loads and validates the stack config; throws a ConfigError listing every problem. */
export function loadPlatformConfig(): PlatformConfig {
  const cfg = new pulumi.Config(NAMESPACE);
  return parseOrThrow(runtimeConfigSource(), (key) => cfg.requireSecret(key));
}
