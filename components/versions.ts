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
    /** velero-plugin-for-aws line built for Velero 1.18 (plugin v1.14.x). */
    pluginForAws: "v1.14.3",
  },
  /**
   * Kyverno (image policy, components/policy). The chart pins its own images (reg.kyverno.io/kyverno/*) by
   * the appVersion tag; we do not override them, so no digest is ours to pin. Their digests cannot be read
   * offline (no registry access here): pin `admissionController.container.image.digest` etc. once read with
   * `crane digest reg.kyverno.io/kyverno/kyverno:v1.19.0`. The CLI used by `npm run test:kyverno` is
   * v1.19.1 (tools/go/kyverno/go.mod), the same 1.19 line.
   */
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
  /**
   * Velero server image, the chart's appVersion (1.18.1), pinned by its multi-platform index digest. The chart
   * takes `image.digest` in preference to `image.tag`.
   */
  velero: {
    repository: "docker.io/velero/velero",
    tag: "v1.18.1",
    digest: "sha256:11459094b1b21ec7c817b08f8067d9e89380835547915cac9c4132ff05b55b90",
  },
} as const satisfies Record<string, PinnedImage>;

/**
 * An image pinned by tag only, because no digest for it could be verified from public sources when it was
 * added. Prefer {@link PinnedImage}; each entry here says why it is tag-only.
 */
export interface TagPinnedImage {
  repository: string;
  tag: string;
  digest?: undefined;
}

/** `repository:tag`, or `repository:tag@digest` when a digest is known. */
export function imageRefOf(image: PinnedImage | TagPinnedImage): string {
  return image.digest
    ? `${image.repository}:${image.tag}@${image.digest}`
    : `${image.repository}:${image.tag}`;
}

export const tagPinnedImages = {
  /**
   * velero-plugin-for-aws v1.14.3 (the plugin line for Velero 1.18). TAG ONLY: no public source available to us
   * pairs the v1.14.3 tag with a digest (the digest often quoted next to chart 12.1.0, sha256:7e82f717..., is
   * v1.14.0's). Pin the digest here once it is read from the registry (`crane digest`, `docker buildx imagetools
   * inspect`).
   */
  veleroPluginForAws: {
    repository: "docker.io/velero/velero-plugin-for-aws",
    tag: versions.velero.pluginForAws,
  },
} as const satisfies Record<string, TagPinnedImage>;
