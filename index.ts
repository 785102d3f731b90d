/**
 * The registry-platform program: reads and validates the stack config, wires it to the components and
 * exports the stack's output contract. No logic lives here.
 */
import { loadPlatformConfig } from "./config";
import { createProviders } from "./components";
import { NodeTrust, pemSha256, platformCaBundle, RegistryTls, registryTlsSource } from "./components/tls";

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
            accessKey: cfg.secrets.s3AccessKey!,
            secretKey: cfg.secrets.s3SecretKey!,
          },
    kubernetes: { context: cfg.kubernetes.context, kubeconfig: cfg.secrets.kubeconfig },
    tags,
  });

  // ── storage (components/storage) ──────────────────────────────────────────────────────────────────────

  // ── tls (components/tls) ──────────────────────────────────────────────────────────────────────────────
  // cert-manager mode builds no chain here: the Harbor section creates the CertManagerCertificate in its own
  // namespace. A CA bundle then exists only if tls.rootCertPem names the private issuer's root (none for a
  // public ACME issuer, whose roots nodes already trust), and node trust is skipped without one.
  const tlsSource = registryTlsSource(cfg.tls, cfg.secrets);
  const registryTls = tlsSource
    ? new RegistryTls("registry-tls", {
        host: cfg.host,
        extraSans: cfg.tls.extraSans,
        keyAlgorithm: cfg.tls.keyAlgorithm,
        organization: cfg.tls.organization,
        rootValidityYears: cfg.tls.rootValidityYears,
        intermediateValidityYears: cfg.tls.intermediateValidityYears,
        serverValidityDays: cfg.tls.serverValidityDays,
        earlyRenewalDays: cfg.tls.earlyRenewalDays,
        source: tlsSource,
        protectCa: cfg.protect,
      })
    : undefined;
  const caBundlePem = platformCaBundle(registryTls, cfg.tls.rootCertPem);
  if (cfg.tls.nodeTrust && caBundlePem) {
    new NodeTrust(
      "registry-node-trust",
      {
        namespace: cfg.kubernetes.systemNamespace,
        registryHost: cfg.host,
        extraHosts: cfg.tls.extraSans,
        caBundlePem,
      },
      { providers: { kubernetes: providers.k8s } },
    );
  }

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
    // The CA bundle is public (clients install it); keys are never exported.
    ...(caBundlePem ? { caBundlePem, registryCaSha256: caBundlePem.apply(pemSha256) } : {}),
    // ── harbor outputs ──
    // ── harbor-config outputs ──
    // ── velero outputs ──
  };
};
