/**
 * Chart sources → `helm.v3.Release` arguments, and the archive check (pure, on temporary archives).
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import {
  checkChartArchive,
  inspectChartArchive,
  PinnedChart,
  releaseChartArgs,
} from "../../components/artifacts";
import { versions } from "../../components/versions";
import { configIssues } from "../harness/config";
import { stackWith } from "../harness";
import { scratchDir } from "../harness/scratch";

const PINNED: PinnedChart = {
  chartName: "demo",
  chart: "1.2.3",
  repository: "https://charts.example.com",
  sha256: "0".repeat(64),
};

function archive(dir: string, name: string, version: string): string {
  const src = fs.mkdtempSync(path.join(dir, "src-"));
  fs.mkdirSync(path.join(src, name));
  fs.writeFileSync(
    path.join(src, name, "Chart.yaml"),
    `apiVersion: v2\nname: ${name}\nversion: ${version}\n`,
  );
  const file = path.join(dir, `${name}-${version}-${path.basename(src)}.tgz`);
  execFileSync("tar", ["-czf", file, "-C", src, name]);
  return file;
}

const sha = (f: string) => createHash("sha256").update(fs.readFileSync(f)).digest("hex");

describe("artifacts: chart sources", () => {
  let tmp: string;
  before(() => {
    tmp = scratchDir("charts");
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("pins both charts' published archive digests (SHA256SUMS of the reference archives)", () => {
    assert.strictEqual(
      versions.harbor.sha256,
      "893253e1f849d3c3c8827d030b08c91a5267a60ce86cbad8ef14359b37def04d",
    );
    assert.strictEqual(
      versions.velero.sha256,
      "1ab80a78c7af567c66aaeaad512b824a344e32882be45b829267d0b1fef785fd",
    );
  });

  it("Release arguments per source", () => {
    assert.deepStrictEqual(releaseChartArgs(PINNED), {
      chart: "demo",
      version: "1.2.3",
      repositoryOpts: { repo: "https://charts.example.com" },
    });
    assert.deepStrictEqual(releaseChartArgs(PINNED, { repository: "http://127.0.0.1:8879" }), {
      chart: "demo",
      version: "1.2.3",
      repositoryOpts: { repo: "http://127.0.0.1:8879" },
    });
    assert.deepStrictEqual(releaseChartArgs(PINNED, { oci: "oci://r.example.internal/charts/" }), {
      chart: "oci://r.example.internal/charts/demo",
      version: "1.2.3",
    });
    assert.deepStrictEqual(releaseChartArgs(PINNED, { path: "charts/demo-1.2.3.tgz" }), {
      chart: "charts/demo-1.2.3.tgz",
    });
  });

  it("reads name and version from the archive's Chart.yaml", () => {
    const f = archive(tmp, "demo", "1.2.3");
    assert.deepStrictEqual(inspectChartArchive(f), { sha256: sha(f), name: "demo", version: "1.2.3" });
  });

  it("archive checks: the given digest, the pinned one for the pinned version, readable, the right chart", () => {
    const f = archive(tmp, "demo", "1.2.3");
    assert.deepStrictEqual(checkChartArchive(PINNED, { path: f, sha256: sha(f) }), {
      ok: true,
      info: { sha256: sha(f), name: "demo", version: "1.2.3" },
    });
    // Pinned version, no sha256 given: compared with the published archive's digest.
    const pinned = checkChartArchive(PINNED, { path: f });
    assert.ok(
      !pinned.ok &&
        pinned.field === "path" &&
        pinned.found.includes(sha(f)) &&
        pinned.allowed.includes("0".repeat(64)),
    );
    // Another version needs its sha256 stated.
    const other = checkChartArchive(PINNED, { path: archive(tmp, "demo", "2.0.0") });
    assert.ok(
      !other.ok && other.field === "sha256" && /demo 2\.0\.0, not the pinned 1\.2\.3/.test(other.found),
    );
    // Another chart.
    const wrong = checkChartArchive(PINNED, { path: archive(tmp, "other", "1.2.3"), sha256: "1".repeat(64) });
    assert.ok(!wrong.ok && wrong.field === "path" && wrong.found.includes('"other"'));
    // Missing file; a relative path is resolved by the caller.
    const missing = checkChartArchive(PINNED, { path: "nope.tgz" }, (p) => path.join(tmp, p));
    assert.ok(!missing.ok && missing.field === "path" && missing.found.includes("ENOENT"));
    // Not a tar.gz at all: no Chart.yaml, so only a given digest can vouch for it.
    const junk = path.join(tmp, "junk.tgz");
    fs.writeFileSync(junk, "not a chart");
    const j = checkChartArchive(PINNED, { path: junk });
    assert.ok(!j.ok && j.field === "sha256");
  });

  const bad: { name: string; charts: unknown; expect: RegExp }[] = [
    {
      name: "a sha256 that is not 64 hex",
      charts: { harbor: { path: "/x.tgz", sha256: "abc" } },
      expect:
        /^registry-platform:charts\.harbor\.sha256 \| "abc" \| a sha256 digest: 64 lowercase hex characters$/,
    },
    {
      name: "an OCI reference without its scheme",
      charts: { velero: { oci: "registry.example.internal/charts" } },
      expect:
        /^registry-platform:charts\.velero\.oci \| "registry\.example\.internal\/charts" \| an OCI registry path .* such as oci:\/\/registry\.example\.internal\/charts$/,
    },
    {
      name: "an ftp repository",
      charts: { harbor: { repository: "ftp://charts.example.internal" } },
      expect:
        /^registry-platform:charts\.harbor\.repository \| "ftp:\/\/charts\.example\.internal" \| an http\(s\) URL of a chart repository/,
    },
    {
      name: "two sources at once",
      charts: { harbor: { repository: "https://c.example.internal", oci: "oci://c.example.internal/x" } },
      expect: /^registry-platform:charts\.harbor \| .* \| one of /,
    },
    {
      name: "a chart the platform does not install",
      charts: { certManager: { repository: "https://c.example.internal" } },
      expect:
        /^registry-platform:charts\.certManager \| an unknown key \| one of the keys harbor, velero, kyverno$/,
    },
  ];
  for (const t of bad)
    it(`rejects ${t.name}, naming the key and the allowed shapes`, () => {
      const found = configIssues(stackWith("dev", { charts: t.charts }));
      assert.ok(
        found.some((f) => t.expect.test(f)),
        `no issue matches ${t.expect}; got:\n${found.join("\n")}`,
      );
    });
});
