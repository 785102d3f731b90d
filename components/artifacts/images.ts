/**
 * Image references and the image mirror (issue 8, air-gapped install): parsing `host/path:tag@digest`,
 * rewriting a reference under a mirror (`<mirror>/<path>`, tag and digest kept), and the list of public
 * hosts an air-gapped stack must not name. Pure.
 */

/** Parts of an image reference. `host` is the registry (docker.io when the reference names none). */
export interface ImageRefParts {
  host: string;
  /** Repository path inside the registry, e.g. `goharbor/harbor-core`, `library/busybox`. */
  path: string;
  tag?: string;
  digest?: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** An image mirror: `host[:port][/path]` (lowercase path segments as registries require). */
export const IMAGE_MIRROR = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

/** True when the first path segment of a reference is a registry host (has a dot or a port, or is localhost). */
function isHostSegment(segment: string): boolean {
  return segment.includes(".") || segment.includes(":") || segment === "localhost";
}

/** Parses `[host[:port]/]path[:tag][@sha256:...]`; Docker Hub's implicit host and `library/` are made explicit. */
export function splitImageRef(ref: string): ImageRefParts {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest))
      throw new Error(`image ${JSON.stringify(ref)}: the digest is not sha256:<64 hex>`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const segments = rest.split("/");
  if (rest === "" || segments.some((s) => s === ""))
    throw new Error(`image ${JSON.stringify(ref)}: not an image reference`);
  let host = "docker.io";
  if (segments.length > 1 && isHostSegment(segments[0])) host = segments.shift()!;
  if (host === "docker.io" && segments.length === 1) segments.unshift("library");
  return {
    host,
    path: segments.join("/"),
    ...(tag !== undefined ? { tag } : {}),
    ...(digest ? { digest } : {}),
  };
}

/** `host/path[:tag][@digest]`. */
export function formatImageRef(p: ImageRefParts): string {
  return `${p.host}/${p.path}${p.tag !== undefined ? `:${p.tag}` : ""}${p.digest ? `@${p.digest}` : ""}`;
}

/** True when `ref` (a reference or a repository) lies under `mirror` (`host[:port][/path]`). */
export function isUnderMirror(ref: string, mirror: string): boolean {
  const m = mirror.replace(/\/+$/, "");
  return ref === m || ref.startsWith(`${m}/`);
}

/**
 * A repository (no tag) under the mirror: `docker.io/goharbor/harbor-core` → `<mirror>/goharbor/harbor-core`,
 * `registry.k8s.io/pause` → `<mirror>/pause`. Unchanged without a mirror or when already under it.
 */
export function mirrorRepository(repository: string, mirror?: string): string {
  if (!mirror || isUnderMirror(repository, mirror)) return repository;
  return `${mirror.replace(/\/+$/, "")}/${splitImageRef(repository).path}`;
}

/** A full reference under the mirror, its tag and digest kept (so a digest-pinned image stays pinned). */
export function mirrorImageRef(ref: string, mirror?: string): string {
  if (!mirror || isUnderMirror(ref, mirror)) return ref;
  const p = splitImageRef(ref);
  return `${mirror.replace(/\/+$/, "")}/${p.path}${p.tag !== undefined ? `:${p.tag}` : ""}${p.digest ? `@${p.digest}` : ""}`;
}

/**
 * Public registries and chart hosts an air-gapped cluster cannot reach (not exhaustive: the guarantee of an
 * air-gapped stack is that every image is under the mirror and every chart source is explicit; this list
 * only refuses the well-known public hosts when they are named anyway).
 */
export const PUBLIC_HOSTS: readonly string[] = [
  "docker.io",
  "index.docker.io",
  "registry-1.docker.io",
  "registry.hub.docker.com",
  "registry.k8s.io",
  "k8s.gcr.io",
  "gcr.io",
  "mirror.gcr.io",
  "ghcr.io",
  "quay.io",
  "public.ecr.aws",
  "mcr.microsoft.com",
  "registry.gitlab.com",
  "nvcr.io",
  "github.com",
  "raw.githubusercontent.com",
  "objects.githubusercontent.com",
  "charts.bitnami.com",
  "helm.goharbor.io",
  "vmware-tanzu.github.io",
  "kyverno.github.io",
  "charts.jetstack.io",
  "reg.kyverno.io",
  "rekor.sigstore.dev",
  "fulcio.sigstore.dev",
];

/** Public host suffixes (any subdomain). */
export const PUBLIC_HOST_SUFFIXES: readonly string[] = [
  ".docker.io",
  ".docker.com",
  ".gcr.io",
  ".pkg.dev",
  ".github.io",
  ".githubusercontent.com",
  ".quay.io",
];

/**
 * The host of an image reference or mirror (`host[:port]/...`; docker.io when none is named), an OCI
 * reference (`oci://host/...`) or an http(s) URL: lowercase, without the port.
 */
export function hostOf(ref: string): string {
  const url = /^[a-z][a-z0-9+.-]*:\/\/([^/]+)/i.exec(ref);
  const segments = ref.split("/");
  const first = segments[0];
  // A single segment is a bare registry (a mirror such as `mirror.internal:5000`) when it has a dot or is
  // localhost; otherwise it is a Docker Hub image (`busybox:1`).
  const bare = /^([^:@]+)(:\d+)?$/.exec(first);
  const host = url
    ? url[1]
    : segments.length > 1
      ? isHostSegment(first)
        ? first
        : "docker.io"
      : bare && (bare[1].includes(".") || bare[1] === "localhost")
        ? first
        : "docker.io";
  return host.replace(/:\d+$/, "").toLowerCase();
}

/** True when a host (from {@link hostOf}) is a well-known public registry or chart host. */
export function isPublicHost(host: string): boolean {
  const h = host.toLowerCase().replace(/:\d+$/, "");
  return PUBLIC_HOSTS.includes(h) || PUBLIC_HOST_SUFFIXES.some((s) => h.endsWith(s));
}
