/**
 * The one file that pins every upstream chart, app and image version the platform deploys.
 * Images we choose ourselves are pinned by digest; chart-managed images follow the chart's pinned appVersion.
 */

export const versions = {
  harbor: {
    /** goharbor/harbor-helm chart version. */
    chart: "1.19.1",
    /** Harbor application version shipped by that chart. */
    app: "2.15.1",
    repository: "https://helm.goharbor.io",
    chartName: "harbor",
  },
  velero: {
    /** vmware-tanzu/helm-charts velero chart version. */
    chart: "12.1.0",
    app: "1.18.1",
    repository: "https://vmware-tanzu.github.io/helm-charts",
    chartName: "velero",
  },
  kyverno: {
    chart: "3.9.0",
    app: "1.19.0",
    repository: "https://kyverno.github.io/kyverno",
    chartName: "kyverno",
  },
  certManager: {
    app: "v1.21.0",
  },
} as const;

/** An image reference pinned by tag *and* digest: the digest is what the node pulls, the tag is for humans. */
export interface PinnedImage {
  repository: string;
  tag: string;
  digest: `sha256:${string}`;
}

/** `repository:tag@sha256:...` */
export function imageRef(image: PinnedImage): string {
  return `${image.repository}:${image.tag}@${image.digest}`;
}

export const images = {
  /**
   * Small shell image for the node-trust DaemonSet (copies the CA into the host's containerd certs.d).
   * busybox 1.37.0 (multi-arch index digest).
   */
  busybox: {
    repository: "docker.io/library/busybox",
    tag: "1.37.0",
    digest: "sha256:9db7b59979c38555a39def84a31fb98b5296952f9e3afd4f6f11f05b07adfab0",
  },
  /** Pause image that keeps the node-trust DaemonSet pod alive after its init container wrote the files. */
  pause: {
    repository: "registry.k8s.io/pause",
    tag: "3.10",
    digest: "sha256:ee6521f290b2168b6e0935a181d4cff9be1ac3f505666ef0e3c98fae8199917a",
  },
} as const satisfies Record<string, PinnedImage>;
