/**
 * The admission examples of the image policy (SPEC R7), one table for three consumers: the matcher's unit
 * tests, the real Kyverno CLI run over the generated ClusterPolicies (`kyverno-cli.kyverno.ts`, every kind ×
 * container list), and the CrossGuard pack's tests. Pure data, no imports.
 */

/** The platform registry of the examples. */
export const TABLE_REGISTRY = "registry.example.internal";
/** The allow-list of the examples (besides the platform registry). */
export const TABLE_ALLOWED = ["ghcr.io/acme", "registry.k8s.io", "mirror.example.internal:5000"] as const;
export const TABLE_ALLOWED_ENTRIES = [TABLE_REGISTRY, ...TABLE_ALLOWED];

const D = "sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";
export const TABLE_DIGEST = D;

/** Expected verdict per ClusterPolicy: true = admitted. */
export interface Verdicts {
  /** image-references: well-formed, tag or digest, not latest. */
  references: boolean;
  /** require-image-digests. */
  digests: boolean;
  /** allowed-image-registries (platform registry + {@link TABLE_ALLOWED}). */
  registries: boolean;
}

export interface AdmissionCase {
  /** Short id, used in resource names (lowercase, dashes). */
  id: string;
  /** The table's column (what the issue lists). */
  kind:
    | "tag"
    | "digest"
    | "tag+digest"
    | "registry with port"
    | "docker hub default"
    | "latest"
    | "no tag"
    | "uppercase"
    | "another registry";
  image: string;
  /** The parse: normalized registry and path, tag, digest; or `invalid`. */
  parsed: { registry: string; path: string; tag?: string; digest?: string } | "invalid";
  allow: Verdicts;
}

const ok = { references: true, digests: false, registries: true };

export const ADMISSION_CASES: readonly AdmissionCase[] = [
  {
    id: "tag",
    kind: "tag",
    image: `${TABLE_REGISTRY}/apps/web:v1.3.0`,
    parsed: { registry: TABLE_REGISTRY, path: "apps/web", tag: "v1.3.0" },
    allow: ok,
  },
  {
    id: "build-tag",
    kind: "tag",
    image: `${TABLE_REGISTRY}/apps/web:v1.2.3-20250615-abcdef0`,
    parsed: { registry: TABLE_REGISTRY, path: "apps/web", tag: "v1.2.3-20250615-abcdef0" },
    allow: ok,
  },
  {
    id: "digest",
    kind: "digest",
    image: `${TABLE_REGISTRY}/apps/web@${D}`,
    parsed: { registry: TABLE_REGISTRY, path: "apps/web", digest: D },
    allow: { references: true, digests: true, registries: true },
  },
  {
    id: "tag-digest",
    kind: "tag+digest",
    image: `${TABLE_REGISTRY}/apps/web:v1.3.0@${D}`,
    parsed: { registry: TABLE_REGISTRY, path: "apps/web", tag: "v1.3.0", digest: D },
    allow: { references: true, digests: true, registries: true },
  },
  {
    id: "short-digest",
    kind: "digest",
    image: `${TABLE_REGISTRY}/apps/web@sha256:0a1b2c`,
    parsed: "invalid",
    allow: { references: false, digests: false, registries: true },
  },
  {
    id: "port-listed",
    kind: "registry with port",
    image: "mirror.example.internal:5000/tools/jq:1.7.1",
    parsed: { registry: "mirror.example.internal:5000", path: "tools/jq", tag: "1.7.1" },
    allow: ok,
  },
  {
    id: "port-other",
    kind: "registry with port",
    image: `${TABLE_REGISTRY}:5443/apps/web:v1.3.0`,
    parsed: { registry: `${TABLE_REGISTRY}:5443`, path: "apps/web", tag: "v1.3.0" },
    allow: { references: true, digests: false, registries: false },
  },
  {
    id: "port-no-tag",
    kind: "registry with port",
    image: "mirror.example.internal:5000/tools/jq",
    parsed: { registry: "mirror.example.internal:5000", path: "tools/jq" },
    allow: { references: false, digests: false, registries: true },
  },
  {
    id: "port-digest",
    kind: "registry with port",
    image: `mirror.example.internal:5000/tools/jq@${D}`,
    parsed: { registry: "mirror.example.internal:5000", path: "tools/jq", digest: D },
    allow: { references: true, digests: true, registries: true },
  },
  {
    id: "localhost-port",
    kind: "registry with port",
    image: "localhost:5000/dev/app:1.0.0",
    parsed: { registry: "localhost:5000", path: "dev/app", tag: "1.0.0" },
    allow: { references: true, digests: false, registries: false },
  },
  {
    id: "hub-official",
    kind: "docker hub default",
    image: "nginx:1.27.0",
    parsed: { registry: "docker.io", path: "library/nginx", tag: "1.27.0" },
    allow: { references: true, digests: false, registries: false },
  },
  {
    id: "hub-user",
    kind: "docker hub default",
    image: "bitnami/redis:7.4.1",
    parsed: { registry: "docker.io", path: "bitnami/redis", tag: "7.4.1" },
    allow: { references: true, digests: false, registries: false },
  },
  {
    id: "hub-explicit",
    kind: "docker hub default",
    image: "docker.io/library/nginx:1.27.0",
    parsed: { registry: "docker.io", path: "library/nginx", tag: "1.27.0" },
    allow: { references: true, digests: false, registries: false },
  },
  {
    id: "hub-localhost-tag",
    kind: "docker hub default",
    image: "localhost:5000",
    parsed: { registry: "docker.io", path: "library/localhost", tag: "5000" },
    allow: { references: true, digests: false, registries: false },
  },
  {
    id: "latest",
    kind: "latest",
    image: `${TABLE_REGISTRY}/apps/web:latest`,
    parsed: { registry: TABLE_REGISTRY, path: "apps/web", tag: "latest" },
    allow: { references: false, digests: false, registries: true },
  },
  {
    id: "latest-digest",
    kind: "latest",
    image: `${TABLE_REGISTRY}/apps/web:latest@${D}`,
    parsed: { registry: TABLE_REGISTRY, path: "apps/web", tag: "latest", digest: D },
    allow: { references: false, digests: true, registries: true },
  },
  {
    id: "hub-latest",
    kind: "latest",
    image: "nginx:latest",
    parsed: { registry: "docker.io", path: "library/nginx", tag: "latest" },
    allow: { references: false, digests: false, registries: false },
  },
  {
    id: "latest-in-path",
    kind: "latest",
    image: `${TABLE_REGISTRY}/latest/web:v1.0.0`,
    parsed: { registry: TABLE_REGISTRY, path: "latest/web", tag: "v1.0.0" },
    allow: ok,
  },
  {
    id: "no-tag",
    kind: "no tag",
    image: `${TABLE_REGISTRY}/apps/web`,
    parsed: { registry: TABLE_REGISTRY, path: "apps/web" },
    allow: { references: false, digests: false, registries: true },
  },
  {
    id: "hub-no-tag",
    kind: "no tag",
    image: "nginx",
    parsed: { registry: "docker.io", path: "library/nginx" },
    allow: { references: false, digests: false, registries: false },
  },
  {
    id: "upper-path",
    kind: "uppercase",
    image: `${TABLE_REGISTRY}/Apps/Web:v1.3.0`,
    parsed: "invalid",
    allow: { references: false, digests: false, registries: true },
  },
  {
    id: "upper-hub",
    kind: "uppercase",
    image: "Nginx:1.27.0",
    parsed: "invalid",
    allow: { references: false, digests: false, registries: false },
  },
  {
    id: "upper-host",
    kind: "uppercase",
    image: "REGISTRY.EXAMPLE.INTERNAL/apps/web:v1.3.0",
    parsed: { registry: TABLE_REGISTRY, path: "apps/web", tag: "v1.3.0" },
    allow: ok,
  },
  {
    id: "upper-tag",
    kind: "uppercase",
    image: `${TABLE_REGISTRY}/apps/web:V1.3.0`,
    parsed: { registry: TABLE_REGISTRY, path: "apps/web", tag: "V1.3.0" },
    allow: ok,
  },
  {
    id: "upper-latest",
    kind: "uppercase",
    image: `${TABLE_REGISTRY}/apps/web:LATEST`,
    parsed: { registry: TABLE_REGISTRY, path: "apps/web", tag: "LATEST" },
    allow: { references: false, digests: false, registries: true },
  },
  {
    id: "other-registry",
    kind: "another registry",
    image: "quay.io/prometheus/node-exporter:v1.8.2",
    parsed: { registry: "quay.io", path: "prometheus/node-exporter", tag: "v1.8.2" },
    allow: { references: true, digests: false, registries: false },
  },
  {
    id: "allowed-prefix",
    kind: "another registry",
    image: "ghcr.io/acme/tool:1.0.0",
    parsed: { registry: "ghcr.io", path: "acme/tool", tag: "1.0.0" },
    allow: ok,
  },
  {
    id: "prefix-boundary",
    kind: "another registry",
    image: "ghcr.io/acmecorp/tool:1.0.0",
    parsed: { registry: "ghcr.io", path: "acmecorp/tool", tag: "1.0.0" },
    allow: { references: true, digests: false, registries: false },
  },
  {
    id: "host-suffix",
    kind: "another registry",
    image: `${TABLE_REGISTRY}.evil.example/apps/web:v1.3.0`,
    parsed: { registry: `${TABLE_REGISTRY}.evil.example`, path: "apps/web", tag: "v1.3.0" },
    allow: { references: true, digests: false, registries: false },
  },
  {
    id: "allowed-registry",
    kind: "another registry",
    image: `registry.k8s.io/pause:3.10@${D}`,
    parsed: { registry: "registry.k8s.io", path: "pause", tag: "3.10", digest: D },
    allow: { references: true, digests: true, registries: true },
  },
];

/** A compliant image used for the main container when the case's image goes into another list. */
export const COMPLIANT_IMAGE = `${TABLE_REGISTRY}/apps/base:v1.0.0@${D}`;
