/**
 * The TLS capability's wiring from the validated platform config. Pure; the platform component calls it.
 */
import type { PlatformConfig } from "../../config";
import type { CertManagerCertificateArgs } from "./cert-manager";
import { RegistryTlsArgs, registryTlsSource } from "./registry-tls";

/** The TLS secret cert-manager fills in cert-manager mode (Harbor's ingress names it). */
export const REGISTRY_CERT_MANAGER_SECRET = "registry-tls";

/**
 * {@link RegistryTlsArgs} for a stack, or `undefined` in cert-manager mode: there the chain is cert-manager's,
 * and a CA bundle exists only if `tls.rootCertPem` names the private issuer's root.
 */
export function registryTlsArgsFromConfig(cfg: PlatformConfig): RegistryTlsArgs | undefined {
  const source = registryTlsSource(cfg.tls, cfg.secrets);
  if (!source) return undefined;
  return {
    host: cfg.host,
    extraSans: cfg.tls.extraSans,
    keyAlgorithm: cfg.tls.keyAlgorithm,
    organization: cfg.tls.organization,
    rootValidityYears: cfg.tls.rootValidityYears,
    intermediateValidityYears: cfg.tls.intermediateValidityYears,
    serverValidityDays: cfg.tls.serverValidityDays,
    earlyRenewalDays: cfg.tls.earlyRenewalDays,
    source,
    protectCa: cfg.protect,
  };
}

/** The cert-manager `Certificate` of cert-manager mode (in Harbor's namespace), or `undefined`. */
export function certManagerArgsFromConfig(
  cfg: PlatformConfig,
  namespace: CertManagerCertificateArgs["namespace"],
): CertManagerCertificateArgs | undefined {
  const cm = cfg.tls.mode === "cert-manager" ? cfg.tls.certManager : undefined;
  if (!cm) return undefined;
  return {
    namespace,
    secretName: REGISTRY_CERT_MANAGER_SECRET,
    dnsNames: [cfg.host, ...cfg.tls.extraSans],
    issuer: { name: cm.issuerName, kind: cm.issuerKind, group: cm.issuerGroup },
    keyAlgorithm: cfg.tls.keyAlgorithm,
  };
}
