/**
 * What a stack pulls, for mirroring it into an air gap: every image (upstream → what the cluster pulls), the
 * Trivy databases and the charts. Built from `components/artifacts/platform.ts`, the same pure functions the
 * chart values and pod specs come from.
 */
import type { PlatformConfig } from "../../config";
import {
  PlatformChart,
  platformCharts,
  PlatformDatabase,
  platformDatabases,
  PlatformImage,
  platformImages,
} from "../../components/artifacts/platform";

export interface ImagesReport {
  stack: string;
  airGapped: boolean;
  /** `images.mirror`, if set. */
  mirror?: string;
  images: PlatformImage[];
  databases: PlatformDatabase[];
  charts: PlatformChart[];
}

export function imagesReport(cfg: PlatformConfig): ImagesReport {
  return {
    stack: cfg.stack,
    airGapped: cfg.airGapped,
    ...(cfg.images.mirror !== undefined ? { mirror: cfg.images.mirror } : {}),
    images: platformImages(cfg),
    databases: platformDatabases(cfg),
    charts: platformCharts(cfg),
  };
}

/** Where a chart source is, and the command that puts the published archive there. */
function chartTarget(c: PlatformChart): string {
  const archive = `${c.name}-${c.version}.tgz`;
  switch (c.kind) {
    case "default":
      return "(pulled from there; set charts." + c.key + " to install from inside an air gap)";
    case "oci":
      return `${c.location}:${c.version}   (helm push ${archive} ${c.location.slice(0, -(c.name.length + 1))})`;
    case "repository":
      return `${c.location}   (serve ${archive} with an index.yaml: helm repo index)`;
    case "path":
      return `${c.location}`;
  }
}

/** The report as text: one line per artifact, `source -> target`, grouped. */
export function renderImagesReport(r: ImagesReport): string {
  const lines: string[] = [];
  lines.push(
    `stack ${r.stack}: ${r.images.length} images, ${r.databases.length} Trivy databases, ${r.charts.length} charts` +
      (r.mirror ? `; image mirror ${r.mirror}` : "; no image mirror") +
      (r.airGapped ? "; air-gapped" : ""),
  );
  lines.push("");
  lines.push("images (copy with their digests, e.g. `crane copy <source> <target>` or `skopeo copy --all`):");
  const width = Math.max(...r.images.map((i) => i.source.length));
  for (const i of r.images)
    lines.push(
      `  ${i.source.padEnd(width)}  ->  ${i.source === i.image ? "(pulled from there)" : i.image}   [${i.component}: ${i.use}]`,
    );
  if (r.databases.length > 0) {
    lines.push("");
    lines.push("Trivy databases (OCI artifacts, e.g. `oras copy <source> <target>`):");
    const w = Math.max(...r.databases.map((d) => d.source.length));
    for (const d of r.databases) lines.push(`  ${d.source.padEnd(w)}  ->  ${d.target}   [${d.use}]`);
  }
  lines.push("");
  lines.push("charts (the published archive and its sha256):");
  for (const c of r.charts)
    lines.push(
      `  ${c.name} ${c.version}  ${c.upstream}  ${c.sha256 ? `sha256 ${c.sha256}` : "(no published sha256 pinned)"}`,
      `      ->  ${chartTarget(c)}`,
    );
  return lines.join("\n");
}
