/**
 * The Kyverno chart values we set (a typed subset of kyverno/kyverno chart 3.9 `values.yaml`; every key is
 * spelled exactly as there) and the pure function that builds them.
 */
import * as pulumi from "@pulumi/pulumi";
import { mirrorRepository } from "../artifacts/images";
import { kyvernoImages, RegistryImage } from "../versions";

export interface ControllerValues {
  replicas: number;
  /** Set only under an image mirror (see {@link kyvernoImagesUnder}). */
  image?: RegistryImage;
  podDisruptionBudget?: { enabled: boolean; minAvailable: number };
  /** PEM bundle mounted as the controller's trusted CAs (signature checks reach the private registry). */
  caCertificates?: { data: pulumi.Input<string> };
}

export interface KyvernoValues {
  admissionController: ControllerValues & {
    initContainer?: { image: RegistryImage };
    container?: { image: RegistryImage };
  };
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
  /** Under an image mirror: the post-upgrade migration hook's image. */
  crds?: { migration: { image: RegistryImage } };
  /** Under an image mirror: the pre-delete webhook cleanup hooks' image. */
  webhooksCleanup?: { image: RegistryImage };
  /** Under an image mirror: the image of the pods `helm test` runs. */
  test: { image: RegistryImage };
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
  /**
   * Registry (`host[:port][/path]`) every Kyverno image is pulled from: `<mirror>/kyverno/<image>:<tag>`.
   * Default: none (the chart's own registries, values unchanged).
   */
  imageMirror?: string;
}

/**
 * Kyverno's images under a mirror, as the chart takes them (`registry` = the mirror, same repository and
 * tag): the chart renders `<mirror>/kyverno/kyverno:v1.19.0`, what `mirrorImageRef` makes of
 * `reg.kyverno.io/kyverno/kyverno:v1.19.0`. Without a mirror, the chart's defaults.
 */
export function kyvernoImagesUnder(imageMirror?: string): Record<keyof typeof kyvernoImages, RegistryImage> {
  return Object.fromEntries(
    Object.entries(kyvernoImages).map(([k, i]) => {
      if (!imageMirror) return [k, { ...i }];
      const full = mirrorRepository(`${i.registry}/${i.repository}`, imageMirror);
      const registry = full.slice(0, full.length - i.repository.length - 1);
      return [k, { registry, repository: i.repository, tag: i.tag }];
    }),
  ) as Record<keyof typeof kyvernoImages, RegistryImage>;
}

export const KYVERNO_RELEASE_NAME = "kyverno";
export const MIN_PRODUCTION_ADMISSION_REPLICAS = 3;

export function kyvernoValues(a: KyvernoValuesArgs): KyvernoValues {
  const admissionReplicas = a.admissionReplicas ?? (a.production ? MIN_PRODUCTION_ADMISSION_REPLICAS : 1);
  const others = a.production ? 2 : 1;
  const ca = a.caBundlePem ? { caCertificates: { data: a.caBundlePem } } : {};
  const pdb = (replicas: number) =>
    replicas > 1 ? { podDisruptionBudget: { enabled: true, minAvailable: replicas - 1 } } : {};
  const img = a.imageMirror ? kyvernoImagesUnder(a.imageMirror) : undefined;
  return {
    admissionController: {
      replicas: admissionReplicas,
      ...pdb(admissionReplicas),
      ...ca,
      ...(img ? { initContainer: { image: img.admissionInit }, container: { image: img.admission } } : {}),
    },
    backgroundController: {
      replicas: others,
      ...pdb(others),
      ...ca,
      ...(img ? { image: img.background } : {}),
    },
    cleanupController: { replicas: others, ...pdb(others), ...(img ? { image: img.cleanup } : {}) },
    reportsController: { replicas: others, ...pdb(others), ...ca, ...(img ? { image: img.reports } : {}) },
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
    ...(img
      ? {
          crds: { migration: { image: img.migration } },
          webhooksCleanup: { image: img.webhooksCleanup },
        }
      : {}),
    // The chart's `helm test` image defaults to `latest`: pinned with or without a mirror.
    test: { image: (img ?? kyvernoImagesUnder()).test },
  };
}
