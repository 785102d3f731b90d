/**
 * The Kyverno chart values we set (a typed subset of kyverno/kyverno chart 3.9 `values.yaml`; every key is
 * spelled exactly as there) and the pure function that builds them.
 */
import * as pulumi from "@pulumi/pulumi";

export interface ControllerValues {
  replicas: number;
  podDisruptionBudget?: { enabled: boolean; minAvailable: number };
  /** PEM bundle mounted as the controller's trusted CAs (signature checks reach the private registry). */
  caCertificates?: { data: pulumi.Input<string> };
}

export interface KyvernoValues {
  admissionController: ControllerValues;
  backgroundController: ControllerValues;
  cleanupController: ControllerValues;
  reportsController: ControllerValues;
  features: {
    policyReports: { enabled: true };
    admissionReports: { enabled: true };
    backgroundScan: { enabled: true };
    /** Only when the configured failure policy is `Ignore`: forces it on every webhook. */
    forceFailurePolicyIgnore: { enabled: boolean };
  };
  config: {
    webhooks: {
      namespaceSelector: {
        matchExpressions: { key: "kubernetes.io/metadata.name"; operator: "NotIn"; values: string[] }[];
      };
    };
    excludeKyvernoNamespace: true;
  };
  /** dockerconfigjson Secrets (in Kyverno's namespace) for reading signatures: the `--imagePullSecrets` flag. */
  existingImagePullSecrets: string[];
}

export interface KyvernoValuesArgs {
  /** Production: admission controller replicas ≥ 3 with a PodDisruptionBudget; 2 of every other controller. */
  production: boolean;
  /** Admission controller replicas; default 3 in production, 1 elsewhere. */
  admissionReplicas?: number;
  failurePolicy: "Fail" | "Ignore";
  /** Namespaces the webhooks never see (kube-system and the platform's own). */
  excludedNamespaces: readonly string[];
  /** The platform CA bundle (PEM). */
  caBundlePem?: pulumi.Input<string>;
  pullSecretNames: readonly string[];
}

export const KYVERNO_RELEASE_NAME = "kyverno";
export const MIN_PRODUCTION_ADMISSION_REPLICAS = 3;

export function kyvernoValues(a: KyvernoValuesArgs): KyvernoValues {
  const admissionReplicas = a.admissionReplicas ?? (a.production ? MIN_PRODUCTION_ADMISSION_REPLICAS : 1);
  const others = a.production ? 2 : 1;
  const ca = a.caBundlePem ? { caCertificates: { data: a.caBundlePem } } : {};
  const pdb = (replicas: number) =>
    replicas > 1 ? { podDisruptionBudget: { enabled: true, minAvailable: replicas - 1 } } : {};
  return {
    admissionController: { replicas: admissionReplicas, ...pdb(admissionReplicas), ...ca },
    backgroundController: { replicas: others, ...pdb(others), ...ca },
    cleanupController: { replicas: others, ...pdb(others) },
    reportsController: { replicas: others, ...pdb(others), ...ca },
    features: {
      policyReports: { enabled: true },
      admissionReports: { enabled: true },
      backgroundScan: { enabled: true },
      forceFailurePolicyIgnore: { enabled: a.failurePolicy === "Ignore" },
    },
    config: {
      webhooks: {
        namespaceSelector: {
          matchExpressions: [
            { key: "kubernetes.io/metadata.name", operator: "NotIn", values: [...a.excludedNamespaces] },
          ],
        },
      },
      excludeKyvernoNamespace: true,
    },
    existingImagePullSecrets: [...a.pullSecretNames],
  };
}
