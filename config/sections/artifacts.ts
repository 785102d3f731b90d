import * as path from "path";
import { z } from "zod";
import { checkChartArchive } from "../../components/artifacts/charts";
import { hostOf, IMAGE_MIRROR, isPublicHost, isUnderMirror } from "../../components/artifacts/images";
import { PINNED_CHARTS, platformCharts, platformImages } from "../../components/artifacts/platform";
import { DEFAULT_REKOR_URL } from "../../components/policy/from-config";
import { ConfigIssue, keyPath, renderValue } from "../errors";
import type { PlatformConfig } from "../parse";

/** How a chart source may be written (the message of a bad `registry-platform:charts.<chart>`). */
export const CHART_SOURCE_SHAPES =
  'one of { path: "<local .tgz>", sha256?: "<64 hex>" }, { repository: "<http(s) URL>" }, { oci: "oci://host[:port]/path" }';

const sha256Hex = z
  .string()
  .regex(/^[a-f0-9]{64}$/, { message: "a sha256 digest: 64 lowercase hex characters" });

/** One chart's source: a local archive (checked against its sha256), an HTTP(S) repository or an OCI path. */
export const chartSourceSchema = z.union(
  [
    z.strictObject({ path: z.string().min(1), sha256: sha256Hex.optional() }),
    z.strictObject({
      repository: z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, {
        message: "an http(s) URL of a chart repository, such as https://charts.example.internal/stable",
      }),
    }),
    z.strictObject({
      oci: z.string().regex(/^oci:\/\/[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?(\/[a-z0-9._-]+)*\/?$/, {
        message:
          "an OCI registry path the charts were pushed to, such as oci://registry.example.internal/charts",
      }),
    }),
  ],
  { error: CHART_SOURCE_SHAPES },
);

/**
 * `registry-platform:charts` — where each chart comes from. Default per chart: the public repository pinned in
 * `components/versions.ts`.
 */
export const chartsSection = z
  .strictObject({
    harbor: chartSourceSchema.optional(),
    velero: chartSourceSchema.optional(),
    /** The image policy's Kyverno chart (`policy.enabled`). */
    kyverno: chartSourceSchema.optional(),
  })
  .prefault({});

/** `registry-platform:images` — where images are pulled from. */
export const imagesSection = z
  .strictObject({
    /**
     * Registry `host[:port][/path]` that holds a copy of every image the platform deploys
     * (`npm run images -- --stack <name>` lists them); each image is pulled as `<mirror>/<path>` with its tag
     * and digest. Default: none (the images' own registries).
     */
    mirror: z
      .string()
      .regex(IMAGE_MIRROR, {
        message: "a registry host[:port][/path], such as mirror.example.internal/platform",
      })
      .optional(),
  })
  .prefault({});

/** `registry-platform:airGapped` — the cluster reaches no public host: every public source left is an error. */
export const airGappedSchema = z.boolean().default(false);

/** `registry-platform:helm` — how the Helm releases are installed. */
export const helmSection = z
  .strictObject({
    /** Wait for every workload and Job of each release to be ready. Default true. */
    wait: z.boolean().default(true),
    /** Helm timeout per release in seconds. Default: Harbor 900, Velero 600. */
    timeoutSeconds: z.number().int().min(60).max(86400).optional(),
  })
  .prefault({});

// ── checks that span keys (run by parse.ts once the shapes are right) ───────────────────────────────────

/**
 * Chart archives and air-gap rules: a `path` source is read and checked against its sha256 now, before any
 * resource is registered; with `airGapped: true` every public source left (an image outside the mirror, a
 * chart from a public repository, Trivy downloading its databases, a proxy cache of a public registry) is
 * an error naming the value. Relative archive paths are read from the working directory, where the engine runs
 * the program and the Kubernetes provider (Helm reads the path from there): the directory of the project's `main`.
 */
export function artifactIssues(c: PlatformConfig, cwd: string = process.cwd()): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const add = (p: PropertyKey[], found: string, allowed: string) =>
    out.push({ key: keyPath(p), found, allowed });

  for (const ch of platformCharts(c)) {
    const src = c.charts[ch.key];
    if (src === undefined || !("path" in src)) continue;
    const r = checkChartArchive(PINNED_CHARTS[ch.key], src, (p) => path.resolve(cwd, p));
    if (!r.ok) add(["charts", ch.key, r.field], r.found, r.allowed);
  }

  if (!c.airGapped) return out;
  const gap = "when airGapped is true";
  const mirror = c.images.mirror;
  const images = platformImages(c);
  if (mirror === undefined) {
    const pub = [...new Set(images.map((i) => i.source))];
    add(
      ["images", "mirror"],
      "nothing",
      `a registry host[:port][/path] inside the air gap holding a copy of every image ${gap}; without it the stack pulls ${pub.join(", ")} (\`npm run images -- --stack ${c.stack}\` lists them)`,
    );
  } else if (isPublicHost(hostOf(mirror))) {
    add(
      ["images", "mirror"],
      renderValue(mirror),
      `a registry inside the air gap, not a public host, ${gap}`,
    );
  } else {
    for (const i of images.filter((x) => !isUnderMirror(x.image, mirror)))
      add(
        ["images", "mirror"],
        `${i.image} (${i.component} ${i.use}) outside it`,
        `every image under the mirror ${gap}`,
      );
  }
  for (const ch of platformCharts(c)) {
    const src = c.charts[ch.key];
    if (ch.kind === "default")
      add(
        ["charts", ch.key],
        `nothing (the default is the public repository ${ch.upstream})`,
        `a source inside the air gap ${gap}: ${CHART_SOURCE_SHAPES}`,
      );
    else if (ch.kind !== "path" && isPublicHost(hostOf(ch.location)))
      add(
        ["charts", ch.key, ch.kind],
        // The value the key path names: the configured `oci` string (location appends the chart's name).
        renderValue(src !== undefined && "oci" in src ? src.oci : ch.location),
        `a chart source inside the air gap, not a public host, ${gap}`,
      );
  }
  const t = c.harbor.trivy;
  if (t.enabled && !t.offline)
    add(
      ["harbor", "trivy", "offline"],
      "false",
      `true ${gap} (otherwise Trivy downloads its vulnerability databases from mirror.gcr.io and ghcr.io)`,
    );
  for (const [k, v] of [
    ["dbRepository", t.dbRepository],
    ["javaDbRepository", t.javaDbRepository],
  ] as const)
    if (t.enabled && v !== undefined && isPublicHost(hostOf(v)))
      add(
        ["harbor", "trivy", k],
        renderValue(v),
        `a repository inside the air gap, not a public host, ${gap}`,
      );
  const sig = c.policy.enabled ? c.policy.signatures : undefined;
  if (sig) {
    // Keyless verification defaults to the public Rekor; a key needs none unless one is named.
    const rekor = sig.rekorUrl ?? (sig.keyless ? DEFAULT_REKOR_URL : undefined);
    if (rekor !== undefined && isPublicHost(hostOf(rekor)))
      add(
        ["policy", "signatures", "rekorUrl"],
        sig.rekorUrl !== undefined
          ? renderValue(sig.rekorUrl)
          : `nothing (keyless verification uses ${rekor})`,
        `a Rekor transparency log inside the air gap ${gap}`,
      );
  }
  c.harborConfig.proxyCaches.forEach((p, i) => {
    if (isPublicHost(hostOf(p.url)))
      add(
        ["harborConfig", "proxyCaches", i, "url"],
        renderValue(p.url),
        `a registry inside the air gap ${gap} (a proxy cache of a public registry cannot reach it)`,
      );
  });
  return out;
}
