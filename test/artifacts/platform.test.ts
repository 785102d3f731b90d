/**
 * One source: `platformImages(cfg)` (what `npm run images` lists and the air-gap check reads) is exactly the
 * set of images the program deploys for that config — walked out of every registered resource (chart values,
 * DaemonSet and CronJob specs) — with and without a mirror. And the air-gap rules, key by key.
 */
import * as assert from "assert";
import { kyvernoImages } from "../../components/versions";
import { platformCharts, platformImages } from "../../components/artifacts/platform";
import { configIssues, parsedConfig } from "../harness/config";
import { Recorded, runProgram, stackFile, stackRun, stackWith } from "../harness";
import { StackConfig } from "../../tools/synth/stackfile";

/**
 * Every image reference in a resource's inputs: container `image` strings and chart `image` objects, rendered
 * as the charts do: `repository@digest` when a digest is set (the Velero chart drops the tag then: seen on the
 * live cluster of `npm run e2e`), else `repository:tag`.
 */
function imagesIn(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(imagesIn);
  if (typeof v !== "object" || v === null) return [];
  return Object.entries(v).flatMap(([k, x]): string[] => {
    if (k === "image" && typeof x === "string") return [x];
    if (k === "image" && typeof x === "object" && x !== null && typeof x.repository === "string")
      return [
        `${typeof x.registry === "string" ? `${x.registry}/` : ""}${x.repository}${x.digest ? `@${x.digest}` : `:${x.tag}`}`,
      ];
    return imagesIn(x);
  });
}

function deployed(rec: Recorded): string[] {
  return [...new Set(rec.all.flatMap((r) => imagesIn(rec.inputs(r))))].sort();
}

const DRILL = "registry.example.internal/platform/drill:1.0@sha256:" + "cd".repeat(32);

describe("artifacts: the image list is what the program deploys", function () {
  this.timeout(180000);
  const cases: { name: string; stack: string; sc: () => StackConfig }[] = [
    { name: "dev", stack: "dev", sc: () => stackFile("dev") },
    { name: "prod-apne2", stack: "prod-apne2", sc: () => stackFile("prod-apne2") },
    { name: "onprem (mirror)", stack: "onprem", sc: () => stackFile("onprem") },
    {
      name: "dev with a mirror, the drill CronJob, LoadBalancer and no metrics",
      stack: "dev",
      sc: () =>
        stackWith("dev", {
          images: { mirror: "mirror.example.internal/p" },
          velero: { drillCronJob: true, drillImage: DRILL },
          harbor: { expose: "loadBalancer", metrics: { enabled: false }, trivy: { enabled: false } },
        }),
    },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const sc = c.sc();
      const rec = c.name === c.stack ? await stackRun(c.stack) : await runProgram(c.stack, sc);
      const cfg = parsedConfig(sc, c.stack);
      // Without a mirror Kyverno's values keep the chart's own image defaults (which the listed sources are,
      // checked with helm template) but `helm test`'s, pinned (the chart's is `latest`); with one, every Kyverno
      // image is in the values too.
      const testImage = `${kyvernoImages.test.registry}/${kyvernoImages.test.repository}:${kyvernoImages.test.tag}`;
      const listed = [
        ...new Set(
          platformImages(cfg)
            .filter(
              (i) =>
                cfg.images.mirror !== undefined ||
                i.component !== "policy" ||
                (cfg.policy.enabled && i.image === testImage),
            )
            .map((i) => i.image),
        ),
      ].sort();
      assert.deepStrictEqual(deployed(rec), listed);
    });

  it("lists the charts with the Release arguments the program registers", async () => {
    const rec = await stackRun("onprem");
    for (const ch of platformCharts(parsedConfig(stackFile("onprem"), "onprem"))) {
      const capability = ch.key === "kyverno" ? "policy" : ch.key;
      const i = rec.inputs(rec.one("kubernetes:helm.sh/v3:Release", `registry-${capability}-release`));
      assert.deepStrictEqual(
        { chart: i.chart, version: i.version, repositoryOpts: i.repositoryOpts },
        {
          repositoryOpts: undefined,
          ...ch.release,
        },
      );
    }
  });
});

describe("artifacts: airGapped rules", () => {
  const gapped = (changes: Record<string, unknown>) =>
    configIssues(stackWith("onprem", { airGapped: true, ...changes }));
  const table: { name: string; changes: Record<string, unknown>; expect: RegExp }[] = [
    {
      name: "a mirror on a public registry",
      changes: { images: { mirror: "docker.io/example" } },
      expect:
        /^registry-platform:images\.mirror \| "docker\.io\/example" \| a registry inside the air gap, not a public host/,
    },
    {
      name: "a chart from a public repository",
      changes: { charts: { harbor: { repository: "https://helm.goharbor.io" } } },
      expect:
        /^registry-platform:charts\.harbor\.repository \| "https:\/\/helm\.goharbor\.io" \| a chart source inside the air gap/,
    },
    {
      name: "a chart from a public OCI registry",
      changes: { charts: { velero: { oci: "oci://ghcr.io/vmware-tanzu/charts" } } },
      // The value found is the one the key path names: the `oci` string, not the whole source object.
      expect:
        /^registry-platform:charts\.velero\.oci \| "oci:\/\/ghcr\.io\/vmware-tanzu\/charts" \| a chart source inside the air gap/,
    },
    {
      name: "the Trivy DB from ghcr.io",
      changes: {
        harbor: {
          replicas: 2,
          trivy: { enabled: true, offline: true, dbRepository: "ghcr.io/aquasecurity/trivy-db" },
        },
      },
      expect:
        /^registry-platform:harbor\.trivy\.dbRepository \| "ghcr\.io\/aquasecurity\/trivy-db" \| a repository inside the air gap/,
    },
    {
      name: "Trivy online",
      changes: { harbor: { replicas: 2, trivy: { enabled: true, offline: false } } },
      expect: /^registry-platform:harbor\.trivy\.offline \| false \| true when airGapped is true/,
    },
    {
      name: "a proxy cache of Docker Hub",
      changes: {
        harborConfig: {
          projects: [{ name: "platform" }],
          proxyCaches: [{ name: "hub", type: "docker-hub", url: "https://hub.docker.com" }],
        },
      },
      expect:
        /^registry-platform:harborConfig\.proxyCaches\[0\]\.url \| "https:\/\/hub\.docker\.com" \| a registry inside the air gap/,
    },
    {
      name: "no mirror",
      changes: { images: {} },
      expect: /^registry-platform:images\.mirror \| nothing \| .*registry\.k8s\.io\/pause:3\.10@sha256:/,
    },
    {
      name: "a mirror that is not host[/path]",
      changes: { images: { mirror: "https://mirror.example.internal" } },
      expect:
        /^registry-platform:images\.mirror \| "https:\/\/mirror\.example\.internal" \| a registry host\[:port\]\[\/path\]/,
    },
    {
      name: "airGapped not a boolean",
      changes: { airGapped: "yes" },
      expect: /^registry-platform:airGapped \| "yes" \| a value of type boolean$/,
    },
  ];
  for (const t of table)
    it(`rejects ${t.name}, naming the value`, () => {
      const found = gapped(t.changes);
      assert.ok(
        found.some((f) => t.expect.test(f)),
        `no issue matches ${t.expect}; got:\n${found.join("\n")}`,
      );
    });

  it("the same public sources pass when the stack is not air-gapped", () => {
    const sc = stackWith("onprem", {
      airGapped: false,
      images: {},
      charts: { harbor: { repository: "https://helm.goharbor.io" } },
    });
    assert.strictEqual(parsedConfig(sc, "onprem").airGapped, false);
  });
});
