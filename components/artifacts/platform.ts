/**
 * Everything a stack pulls from a registry or a chart repository, from the same pure functions that build
 * the chart values and pod specs (so the list and what is deployed cannot drift): every image with where it
 * comes from and where the stack pulls it (under `images.mirror`), the Trivy databases, and each chart with
 * its source. `npm run images` prints it; the air-gap check of the config reads it.
 */
import type { PlatformConfig } from "../../config";
import { harborDeployedImages, HarborImageKey } from "../harbor/images";
import { kyvernoImagesUnder } from "../policy/values";
import { nodeTrustImages } from "../tls/node-trust";
import { veleroImages } from "../velero/values";
import { trivyDatabases, versions } from "../versions";
import { ChartSource, chartLocation, PinnedChart, releaseChartArgs, ReleaseChartArgs } from "./charts";
import { mirrorImageRef } from "./images";

export interface PlatformImage {
  /** Capability that deploys it: harbor, velero, node-trust. */
  component: string;
  /** What runs it, e.g. `core`, `server, node agent, CRD upgrade Job`. */
  use: string;
  /** The upstream reference (what to copy into the mirror). */
  source: string;
  /** The reference the cluster pulls (equal to `source` without a mirror). */
  image: string;
}

/** Every image the stack deploys, in a stable order. */
export function platformImages(cfg: PlatformConfig): PlatformImage[] {
  const mirror = cfg.images.mirror;
  const out: PlatformImage[] = [];
  const h = cfg.harbor;
  const selection = {
    expose: h.expose,
    trivy: h.trivy,
    database: h.database,
    redis: h.redis,
    metrics: h.metrics,
  };
  const upstream = harborDeployedImages(selection);
  const pulled = harborDeployedImages({ ...selection, imageMirror: mirror });
  for (const k of Object.keys(upstream) as HarborImageKey[]) {
    out.push({
      component: "harbor",
      use:
        k === "database"
          ? "database (and its init containers)"
          : k === "core"
            ? "core (and its upgrade Job)"
            : k,
      source: `${upstream[k]!.repository}:${upstream[k]!.tag}`,
      image: `${pulled[k]!.repository}:${pulled[k]!.tag}`,
    });
  }
  if (cfg.velero.enabled) {
    const up = veleroImages();
    const pull = veleroImages(mirror);
    // The chart renders `repository@digest` once a digest is set, and drops the tag (its deployment,
    // node-agent and upgrade-crds templates; seen on the live cluster of `npm run e2e`). The source keeps the
    // tag for the reader; copy tools fetch `repo:tag@digest` by its digest.
    out.push({
      component: "velero",
      use: "server, node agent, CRD upgrade Job",
      source: `${up.server.repository}:${up.server.tag}@${up.server.digest}`,
      image: `${pull.server.repository}@${pull.server.digest}`,
    });
    out.push({
      component: "velero",
      use: "aws plugin init container",
      source: up.pluginForAws,
      image: pull.pluginForAws,
    });
    if (cfg.velero.drillCronJob && cfg.velero.drillImage)
      out.push({
        component: "velero",
        use: "restore drill CronJob",
        source: cfg.velero.drillImage,
        image: mirrorImageRef(cfg.velero.drillImage, mirror),
      });
  }
  if (cfg.policy.enabled) {
    const up = kyvernoImagesUnder();
    const pull = kyvernoImagesUnder(mirror);
    const ref = (i: { registry: string; repository: string; tag: string }) =>
      `${i.registry}/${i.repository}:${i.tag}`;
    const uses: Record<keyof typeof up, string> = {
      admissionInit: "admission controller init container",
      admission: "admission controller",
      background: "background controller",
      cleanup: "cleanup controller",
      reports: "reports controller",
      migration: "CRD migration hook (post-upgrade)",
      webhooksCleanup: "webhook cleanup hooks (pre-delete)",
      test: "test pods (helm test only)",
    };
    for (const k of Object.keys(up) as (keyof typeof up)[])
      out.push({ component: "policy", use: `Kyverno ${uses[k]}`, source: ref(up[k]), image: ref(pull[k]) });
  }
  if (cfg.tls.nodeTrust && (cfg.tls.mode !== "cert-manager" || cfg.tls.rootCertPem)) {
    const up = nodeTrustImages();
    const pull = nodeTrustImages(mirror);
    out.push({
      component: "node-trust",
      use: "install-ca init container",
      source: up.installCa,
      image: pull.installCa,
    });
    out.push({ component: "node-trust", use: "pause container", source: up.pause, image: pull.pause });
  }
  return out;
}

export interface PlatformDatabase {
  use: string;
  /** The upstream OCI artifact. */
  source: string;
  /** Where the stack's Trivy pulls it. */
  target: string;
}

/** The Trivy vulnerability databases to mirror: those with a configured repository (`harbor.trivy.*`). */
export function platformDatabases(cfg: PlatformConfig): PlatformDatabase[] {
  const t = cfg.harbor.trivy;
  if (!t.enabled) return [];
  const out: PlatformDatabase[] = [];
  if (t.dbRepository)
    out.push({
      use: "Trivy vulnerability DB",
      source: `${trivyDatabases.db.repository}:${trivyDatabases.db.tag}`,
      target: `${t.dbRepository}:${trivyDatabases.db.tag}`,
    });
  if (t.javaDbRepository)
    out.push({
      use: "Trivy Java DB",
      source: `${trivyDatabases.javaDb.repository}:${trivyDatabases.javaDb.tag}`,
      target: `${t.javaDbRepository}:${trivyDatabases.javaDb.tag}`,
    });
  return out;
}

export interface PlatformChart {
  /** Config key of its source (`charts.harbor`). */
  key: ChartKey;
  name: string;
  version: string;
  /** sha256 of the published archive, where pinned. */
  sha256?: string;
  /** The public repository it is published in. */
  upstream: string;
  /** `default` (the public repository), `repository`, `oci` or `path`. */
  kind: "default" | "repository" | "oci" | "path";
  /** Where the stack pulls it from. */
  location: string;
  /** The `helm.v3.Release` arguments naming it. */
  release: ReleaseChartArgs;
}

/** The charts the platform installs, by their `registry-platform:charts` key. */
export const PINNED_CHARTS = {
  harbor: versions.harbor,
  velero: versions.velero,
  kyverno: versions.kyverno,
} as const satisfies Record<string, PinnedChart>;
export type ChartKey = keyof typeof PINNED_CHARTS;

function chartOf(key: ChartKey, pinned: PinnedChart, source?: ChartSource): PlatformChart {
  return {
    key,
    name: pinned.chartName,
    version: pinned.chart,
    ...(pinned.sha256 !== undefined ? { sha256: pinned.sha256 } : {}),
    upstream: pinned.repository,
    kind:
      source === undefined ? "default" : "path" in source ? "path" : "oci" in source ? "oci" : "repository",
    location: chartLocation(pinned, source),
    release: releaseChartArgs(pinned, source),
  };
}

/** The charts the stack installs. */
export function platformCharts(cfg: PlatformConfig): PlatformChart[] {
  return [
    chartOf("harbor", versions.harbor, cfg.charts.harbor),
    ...(cfg.velero.enabled ? [chartOf("velero", versions.velero, cfg.charts.velero)] : []),
    ...(cfg.policy.enabled ? [chartOf("kyverno", versions.kyverno, cfg.charts.kyverno)] : []),
  ];
}
