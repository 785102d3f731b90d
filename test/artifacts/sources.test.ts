/**
 * Issue 8 item 5 on the whole program: a chart source per chart (pinned public repository by default, a
 * repository, an OCI reference or a local archive checked against its sha256 before anything is
 * registered), an image mirror that rewrites every image the platform deploys (digests kept), and
 * `airGapped: true` refusing any public host left.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { configIssues } from "../harness/config";
import { Recorded, runProgram, runProgramFailing, stackRun, stackWith } from "../harness";
import { scratchDir } from "../harness/scratch";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const HARBOR = "registry-harbor-release";
const VELERO = "registry-velero-release";
const HARBOR_SHA = "893253e1f849d3c3c8827d030b08c91a5267a60ce86cbad8ef14359b37def04d";

/** A packaged chart like `helm package` makes: `<name>/Chart.yaml` (+ values.yaml) in a .tgz. */
function chartArchive(dir: string, name: string, version: string, extra = ""): string {
  const src = fs.mkdtempSync(path.join(dir, "src-"));
  fs.mkdirSync(path.join(src, name));
  fs.writeFileSync(
    path.join(src, name, "Chart.yaml"),
    `apiVersion: v2\nname: ${name}\nversion: ${version}\n`,
  );
  fs.writeFileSync(path.join(src, name, "values.yaml"), `# test chart ${extra}\n`);
  const file = path.join(dir, `${name}-${version}.tgz`);
  execFileSync("tar", ["-czf", file, "-C", src, name]);
  return file;
}

function sha256(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

function release(rec: Recorded, name: string): Record<string, any> {
  return rec.inputs(rec.one(RELEASE, name));
}

/** Every `image` string in a JSON value (container specs and chart values alike), with its path. */
function imagesIn(v: unknown, at = ""): [string, string][] {
  if (Array.isArray(v)) return v.flatMap((x, i) => imagesIn(x, `${at}[${i}]`));
  if (typeof v !== "object" || v === null) return [];
  return Object.entries(v).flatMap(([k, x]): [string, string][] => {
    const p = at ? `${at}.${k}` : k;
    if (k === "image" && typeof x === "string") return [[p, x]];
    if (k === "image" && typeof x === "object" && x !== null && typeof x.repository === "string")
      return [[p, typeof x.registry === "string" ? `${x.registry}/${x.repository}` : x.repository]];
    return imagesIn(x, p);
  });
}

describe("chart sources", function () {
  this.timeout(120000);
  let tmp: string;
  before(() => {
    tmp = scratchDir("chart-src");
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("default: the public repositories pinned in versions.ts", async () => {
    const rec = await stackRun("dev");
    const h = release(rec, HARBOR);
    const v = release(rec, VELERO);
    assert.deepStrictEqual(
      [h.chart, h.version, h.repositoryOpts],
      ["harbor", "1.19.1", { repo: "https://helm.goharbor.io" }],
    );
    assert.deepStrictEqual(
      [v.chart, v.version, v.repositoryOpts],
      ["velero", "12.1.0", { repo: "https://vmware-tanzu.github.io/helm-charts" }],
    );
  });

  it("repository and OCI sources: pinned version, chart from there", async () => {
    const rec = await runProgram(
      "dev",
      stackWith("dev", {
        charts: {
          harbor: { repository: "http://127.0.0.1:8879/charts" },
          velero: { oci: "oci://registry.example.internal:5000/charts" },
        },
      }),
    );
    const h = release(rec, HARBOR);
    const v = release(rec, VELERO);
    assert.deepStrictEqual(
      [h.chart, h.version, h.repositoryOpts],
      ["harbor", "1.19.1", { repo: "http://127.0.0.1:8879/charts" }],
    );
    assert.deepStrictEqual(
      [v.chart, v.version, v.repositoryOpts],
      ["oci://registry.example.internal:5000/charts/velero", "12.1.0", undefined],
    );
  });

  it("a local archive with its sha256: the path is the chart, no repository", async () => {
    const file = chartArchive(tmp, "velero", "12.1.0");
    const rec = await runProgram(
      "dev",
      stackWith("dev", { charts: { velero: { path: file, sha256: sha256(file) } } }),
    );
    const v = release(rec, VELERO);
    assert.deepStrictEqual([v.chart, v.repositoryOpts], [file, undefined]);
  });

  it("a local archive whose sha256 differs: an error naming the key and both digests, nothing registered", async () => {
    const file = chartArchive(tmp, "velero", "12.1.0", "tampered");
    const wrong = "0".repeat(64);
    const sc = stackWith("dev", { charts: { velero: { path: file, sha256: wrong } } });
    const { error, registrations } = await runProgramFailing("dev", sc);
    const msg = String(error);
    assert.match(msg, /registry-platform:charts\.velero/);
    assert.ok(msg.includes(wrong), msg);
    assert.ok(msg.includes(sha256(file)), msg);
    assert.deepStrictEqual(
      registrations.filter((r) => r.custom),
      [],
    );
  });

  it("the pinned version without a sha256 is checked against the published archive's digest", () => {
    const file = chartArchive(tmp, "harbor", "1.19.1", "not the published one");
    const issues = configIssues(stackWith("dev", { charts: { harbor: { path: file } } }));
    const hit = issues.find((i) => i.startsWith("registry-platform:charts.harbor"));
    assert.ok(hit, issues.join("\n"));
    assert.ok(hit.includes(HARBOR_SHA), hit);
    assert.ok(hit.includes(sha256(file)), hit);
  });

  it("bad sources name the key and list the allowed shapes", () => {
    const issues = configIssues(stackWith("dev", { charts: { harbor: { url: "https://x" } } }));
    const hit = issues.find((i) => i.startsWith("registry-platform:charts.harbor"));
    assert.ok(hit, issues.join("\n"));
    for (const shape of ["path", "repository", "oci"]) assert.ok(hit.includes(shape), hit);
  });
});

describe("image mirror", function () {
  this.timeout(120000);
  const MIRROR = "mirror.example.internal:5000/platform";

  it("rewrites every image the platform deploys, keeping tags and digests", async () => {
    const rec = await runProgram(
      "dev",
      stackWith("dev", {
        images: { mirror: MIRROR },
        velero: {
          drillCronJob: true,
          drillImage:
            "registry.dev.example.internal/platform/drill:v1.0.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        },
      }),
    );
    const found = rec.all.flatMap((r) => imagesIn(rec.inputs(r), `${r.name}`));
    assert.ok(found.length >= 14, found.map((f) => f.join(" ")).join("\n"));
    const outside = found.filter(([, img]) => !img.startsWith(`${MIRROR}/`));
    assert.deepStrictEqual(outside, []);
    const all = found.map(([, i]) => i);
    for (const digestRef of all.filter((i) => i.includes("@")))
      assert.match(digestRef, /:[^/@]+@sha256:[0-9a-f]{64}$/, digestRef);
    assert.ok(
      all.includes(
        `${MIRROR}/library/busybox:1.37.0@sha256:9db7b59979c38555a39def84a31fb98b5296952f9e3afd4f6f11f05b07adfab0`,
      ),
    );
    assert.ok(all.includes(`${MIRROR}/goharbor/harbor-core`));
  });
});

describe("airGapped", function () {
  this.timeout(120000);

  it("dev marked air-gapped: every public source left is an error naming its value", () => {
    const issues = configIssues(stackWith("dev", { airGapped: true }));
    for (const re of [
      /^registry-platform:images\.mirror \| nothing \|.*docker\.io\/goharbor\/harbor-core/,
      /^registry-platform:charts\.harbor \| .*https:\/\/helm\.goharbor\.io/,
      /^registry-platform:charts\.velero \| .*https:\/\/vmware-tanzu\.github\.io\/helm-charts/,
      /^registry-platform:harbor\.trivy\.offline \| false \|/,
    ])
      assert.ok(
        issues.some((i) => re.test(i)),
        `no issue matches ${re}; got:\n${issues.join("\n")}`,
      );
  });

  it("onprem is air-gapped: no public registry or chart host anywhere in what it registers", async () => {
    const rec = await stackRun("onprem");
    const text = JSON.stringify(rec.all.map((r) => rec.inputs(r)));
    for (const host of [
      "docker.io",
      "registry.k8s.io",
      "ghcr.io",
      "gcr.io",
      "quay.io",
      "github.io",
      "goharbor.io",
    ])
      assert.ok(!text.includes(host), host);
  });
});
