/**
 * Where a Helm chart comes from (issue 8, air-gapped install) and how `helm.v3.Release` takes it, plus the
 * check of a local chart archive against its sha256 before anything is installed.
 *
 * `helm.v3.Release` (pulumi-kubernetes) takes: a chart name + `repositoryOpts.repo` (+ `version`) for an
 * HTTP(S) chart repository; a full `oci://host/path/<chart>` reference as `chart` (+ `version`, no
 * `repositoryOpts`); or a local path as `chart` (Helm then ignores `version`, and the provider's checksum of
 * the rendered manifest still catches any change of the archive's content).
 */
import { createHash } from "crypto";
import * as fs from "fs";
import { gunzipSync } from "zlib";

/** A chart pinned in `versions.ts`. */
export interface PinnedChart {
  chartName: string;
  /** Chart version. */
  chart: string;
  /** The public HTTP(S) chart repository. */
  repository: string;
  /** sha256 (hex) of the published archive `<chartName>-<chart>.tgz`, where it is pinned. */
  sha256?: string;
}

/** One chart's source (config `registry-platform:charts.<chart>`). */
export type ChartSource =
  | {
      /** A packaged chart (`.tgz`), absolute or relative to the project directory (where `pulumi` runs). */
      path: string;
      /** sha256 (hex) of the archive. Default: the published archive's, when the archive is the pinned version. */
      sha256?: string;
    }
  | {
      /** An HTTP(S) chart repository (with an `index.yaml`) serving the pinned version. */
      repository: string;
    }
  | {
      /**
       * An OCI registry path the chart was pushed to (`helm push <chart>.tgz oci://host/path`); the chart is
       * pulled from `oci://host/path/<chart>` at the pinned version.
       */
      oci: string;
    };

/** The `helm.v3.Release` arguments that name the chart. */
export interface ReleaseChartArgs {
  chart: string;
  version?: string;
  repositoryOpts?: { repo: string };
}

/** `oci://host/path` → `oci://host/path/<chart>`. */
export function ociChartRef(oci: string, chartName: string): string {
  return `${oci.replace(/\/+$/, "")}/${chartName}`;
}

/** The Release's chart arguments for a source (default: the pinned public repository). */
export function releaseChartArgs(pinned: PinnedChart, source?: ChartSource): ReleaseChartArgs {
  if (source === undefined || "repository" in source)
    return {
      chart: pinned.chartName,
      version: pinned.chart,
      repositoryOpts: { repo: source?.repository ?? pinned.repository },
    };
  if ("oci" in source) return { chart: ociChartRef(source.oci, pinned.chartName), version: pinned.chart };
  return { chart: source.path };
}

/**
 * Where a chart is pulled from, for humans and for the air-gap check: the repository URL, the OCI reference
 * or the archive path.
 */
export function chartLocation(pinned: PinnedChart, source?: ChartSource): string {
  if (source === undefined) return pinned.repository;
  if ("repository" in source) return source.repository;
  if ("oci" in source) return ociChartRef(source.oci, pinned.chartName);
  return source.path;
}

/** What a chart archive holds: its digest and its Chart.yaml name and version. */
export interface ChartArchiveInfo {
  sha256: string;
  name?: string;
  version?: string;
}

/** Reads a `.tgz` chart archive: sha256 of the file, and `name`/`version` of its top-level `Chart.yaml`. */
export function inspectChartArchive(file: string): ChartArchiveInfo {
  const bytes = fs.readFileSync(file);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  let chartYaml: string | undefined;
  try {
    chartYaml = tarEntry(gunzipSync(bytes), (name) => /^[^/]+\/Chart\.yaml$/.test(name));
  } catch {
    chartYaml = undefined;
  }
  if (chartYaml === undefined) return { sha256 };
  // Loaded here, not at import: only stacks with a local chart archive read one (saves ~70 ms per program run).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parse } = require("yaml") as typeof import("yaml");
  const doc = parse(chartYaml) as { name?: unknown; version?: unknown } | null;
  return {
    sha256,
    ...(typeof doc?.name === "string" ? { name: doc.name } : {}),
    ...(typeof doc?.version === "string" || typeof doc?.version === "number"
      ? { version: String(doc.version) }
      : {}),
  };
}

/** The text of the first regular file in a (ustar/pax/GNU) tar whose name matches. */
function tarEntry(tar: Buffer, match: (name: string) => boolean): string | undefined {
  let off = 0;
  let longName: string | undefined;
  const field = (o: number, n: number) =>
    tar
      .subarray(o, o + n)
      .toString("utf8")
      .replace(/\0.*$/s, "");
  while (off + 512 <= tar.length) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(field(off + 124, 12).trim() || "0", 8);
    const type = String.fromCharCode(header[156] || 48);
    const prefix = field(off + 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(off, 100)}` : field(off, 100));
    const body = tar.subarray(off + 512, off + 512 + size);
    longName = undefined;
    if (type === "L") longName = body.toString("utf8").replace(/\0.*$/s, "");
    else if ((type === "0" || type === "\0") && match(name.replace(/^\.\//, "")))
      return body.toString("utf8");
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

/** The result of checking a `path` source: what was expected and found, or the problem. */
export type ArchiveCheck =
  | { ok: true; info: ChartArchiveInfo }
  | { ok: false; field: "path" | "sha256"; found: string; allowed: string };

/**
 * Checks a local archive before anything is installed: it must be readable, be the chart `pinned.chartName`,
 * and have the given sha256 — or, when none is given, be the pinned version with the published archive's
 * sha256 (another version needs its sha256 stated). `resolve` turns a relative path into a readable one.
 */
export function checkChartArchive(
  pinned: PinnedChart,
  source: { path: string; sha256?: string },
  resolve: (p: string) => string = (p) => p,
): ArchiveCheck {
  let info: ChartArchiveInfo;
  try {
    info = inspectChartArchive(resolve(source.path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "unreadable";
    return {
      ok: false,
      field: "path",
      found: `${JSON.stringify(source.path)}, which cannot be read (${code})`,
      allowed: `a readable packaged chart (.tgz) of ${pinned.chartName}`,
    };
  }
  if (info.name !== undefined && info.name !== pinned.chartName)
    return {
      ok: false,
      field: "path",
      found: `an archive of the chart ${JSON.stringify(info.name)}`,
      allowed: `a packaged chart of ${pinned.chartName}`,
    };
  const isPinned = info.version === pinned.chart;
  const expected = source.sha256 ?? (isPinned ? pinned.sha256 : undefined);
  if (expected === undefined)
    return {
      ok: false,
      field: "sha256",
      found: isPinned
        ? `nothing (no published digest of ${pinned.chartName} ${pinned.chart} is pinned in versions.ts; the archive's sha256 is ${info.sha256})`
        : `nothing (the archive is ${pinned.chartName} ${info.version ?? "of unknown version"}, not the pinned ${pinned.chart}; its sha256 is ${info.sha256})`,
      allowed: "the sha256 of the archive you mean to install (64 hex)",
    };
  if (expected.toLowerCase() !== info.sha256)
    return {
      ok: false,
      field: source.sha256 !== undefined ? "sha256" : "path",
      found: `an archive with sha256 ${info.sha256}`,
      allowed:
        source.sha256 !== undefined
          ? `an archive with the configured sha256 ${expected}`
          : `the published ${pinned.chartName}-${pinned.chart}.tgz, sha256 ${expected} (or state the archive's sha256)`,
    };
  return { ok: true, info };
}
