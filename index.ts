/**
 * The registry-platform program: reads and validates the stack config, wires it to the components and
 * exports the stack's output contract. No logic lives here.
 */
import { loadPlatformConfig } from "./config";
import { createProviders } from "./components";

// The program is a function so that the offline synth and the tests can run it once per stack.
// eslint-disable-next-line @typescript-eslint/require-await
export = async () => {
  const cfg = loadPlatformConfig();
  const tags = {
    ...cfg.tags,
    "registry-platform/env": cfg.environment,
    "registry-platform/region": cfg.region,
    "registry-platform/stack": cfg.stack,
  };

  const providers = createProviders("platform", {
    storage:
      cfg.storage.provider === "aws"
        ? { kind: "aws", region: cfg.region }
        : {
            kind: "s3-compatible",
            endpoint: cfg.storage.endpoint!,
            signingRegion: cfg.storage.signingRegion,
            accessKey: cfg.secrets.s3AccessKey!,
            secretKey: cfg.secrets.s3SecretKey!,
          },
    kubernetes: { context: cfg.kubernetes.context, kubeconfig: cfg.secrets.kubeconfig },
    tags,
  });

  // ── storage (components/storage) ──────────────────────────────────────────────────────────────────────

  // ── tls (components/tls) ──────────────────────────────────────────────────────────────────────────────

  // ── harbor (components/harbor) ────────────────────────────────────────────────────────────────────────

  // ── harbor-config (components/harbor-config) ─────────────────────────────────────────────────────────

  // ── velero (components/velero) ────────────────────────────────────────────────────────────────────────

  return {
    environment: cfg.environment,
    region: cfg.region,
    role: cfg.role,
    registryHost: cfg.host,
    registryUrl: `https://${cfg.host}`,
    // (placeholder until the storage section uses the providers)
    providers: [providers.aws.urn, providers.k8s.urn],
    // ── storage outputs ──
    // ── tls outputs ──
    // ── harbor outputs ──
    // ── harbor-config outputs ──
    // ── velero outputs ──
  };
};
