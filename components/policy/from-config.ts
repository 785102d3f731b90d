/**
 * The policy capability's wiring from the validated platform config. Pure; the platform component calls it
 * with the Harbor config's pull secrets and the platform CA.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../config";
import { resolvedPolicyModes, signedProjects } from "../../config/sections/policy";
import type { ImagePolicyArgs } from "./image-policy";

/** What the image policy takes from the other capabilities. */
export interface PolicyInputs {
  /** Per Harbor project, the pull robot's `.dockerconfigjson` (secret); signature checks read with it. */
  pullDockerConfigJson?: Readonly<Record<string, pulumi.Output<string>>>;
  /** The platform CA bundle, if any. */
  caBundlePem?: pulumi.Output<string>;
}

export const DEFAULT_REKOR_URL = "https://rekor.sigstore.dev";

/** The platform's own namespaces: never subject to the image policy. */
export function platformNamespaces(cfg: PlatformConfig): string[] {
  return [
    cfg.kubernetes.systemNamespace,
    cfg.harbor.namespace,
    ...(cfg.velero.enabled ? [cfg.velero.namespace] : []),
    cfg.policy.namespace,
  ];
}

/** {@link ImagePolicyArgs} for a stack, or `undefined` when `policy.enabled` is false. */
export function imagePolicyArgsFromConfig(
  cfg: PlatformConfig,
  inputs: PolicyInputs,
): ImagePolicyArgs | undefined {
  const p = cfg.policy;
  if (!p.enabled) return undefined;
  const modes = resolvedPolicyModes(p, cfg.isProduction);
  const label = p.digestNamespaceLabel?.split("=");
  const s = p.signatures;
  return {
    namespace: p.namespace,
    production: cfg.isProduction,
    admissionReplicas: modes.admissionReplicas,
    failureAction: modes.failureAction,
    failurePolicy: modes.failurePolicy,
    registryHost: cfg.host,
    allowedRegistries: p.allowedRegistries,
    excludedNamespaces: [...new Set([...p.excludedNamespaces, ...platformNamespaces(cfg)])],
    ...(label ? { digestNamespaceLabel: { key: label[0], value: label[1] } } : {}),
    ...(s
      ? {
          signatures: {
            projects: signedProjects(p, cfg.harborConfig.projects),
            attestor: s.keyless
              ? { kind: "keyless", ...s.keyless, rekorUrl: s.rekorUrl ?? DEFAULT_REKOR_URL }
              : { kind: "key", publicKeyPem: s.publicKey!, ...(s.rekorUrl ? { rekorUrl: s.rekorUrl } : {}) },
            pullDockerConfigJson: inputs.pullDockerConfigJson ?? {},
          },
        }
      : {}),
    caBundlePem: inputs.caBundlePem,
    protect: cfg.protect,
  };
}
