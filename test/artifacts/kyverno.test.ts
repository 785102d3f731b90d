/**
 * Kyverno (the image policy's chart) under the image mirror and the air-gap rules.
 */
import * as assert from "assert";
import { kyvernoImagesUnder, kyvernoValues } from "../../components/policy/values";
import { mirrorImageRef } from "../../components/artifacts";
import { kyvernoImages } from "../../components/versions";
import { configIssues } from "../harness/config";
import { stackWith } from "../harness";

const base = {
  production: false,
  failurePolicy: "Ignore" as const,
  excludedNamespaces: [],
  pullSecretNames: [],
};
const M = "mirror.example.internal/platform";

describe("artifacts: Kyverno under the image mirror", () => {
  it("without a mirror the values keep the chart's image defaults, but `helm test`'s (`latest` in the chart) is pinned", () => {
    const v = kyvernoValues(base);
    assert.deepStrictEqual(v.test, { image: { ...kyvernoImages.test } });
    assert.strictEqual(v.test.image.tag, "v1.19.0");
    const { test: _test, ...rest } = v;
    assert.ok(!JSON.stringify(rest).includes('"image"'));
  });

  it("with a mirror every image the chart renders is <mirror>/kyverno/<image>:<tag>, as mirrorImageRef says", () => {
    const v = kyvernoValues({ ...base, imageMirror: M });
    const img = (i: { registry: string; repository: string; tag: string }) =>
      `${i.registry}/${i.repository}:${i.tag}`;
    assert.deepStrictEqual(
      [
        v.admissionController.initContainer!.image,
        v.admissionController.container!.image,
        v.backgroundController.image!,
        v.cleanupController.image!,
        v.reportsController.image!,
        v.crds!.migration.image,
        v.webhooksCleanup!.image,
        v.test.image,
      ].map(img),
      Object.values(kyvernoImages).map((i) => mirrorImageRef(`${i.registry}/${i.repository}:${i.tag}`, M)),
    );
    assert.strictEqual(img(kyvernoImagesUnder(M).admission), `${M}/kyverno/kyverno:v1.19.0`);
    assert.strictEqual(img(kyvernoImagesUnder().admission), "reg.kyverno.io/kyverno/kyverno:v1.19.0");
  });

  it("air-gapped: Kyverno's chart needs a source inside the gap; keyless signatures the public Rekor is refused", () => {
    const found = configIssues(
      stackWith("onprem", {
        charts: { harbor: { oci: "oci://m.corp.internal/c" }, velero: { oci: "oci://m.corp.internal/c" } },
        policy: {
          allowedRegistries: ["registry.dc1.corp.internal"],
          signatures: {
            keyless: {
              issuer: "https://token.actions.githubusercontent.com",
              subject: "repo:org/app:ref:refs/heads/main",
            },
            projects: ["platform"],
          },
        },
      }),
    );
    for (const re of [
      /^registry-platform:charts\.kyverno \| nothing \(the default is the public repository https:\/\/kyverno\.github\.io\/kyverno\) \|/,
      /^registry-platform:policy\.signatures\.rekorUrl \| nothing \(keyless verification uses https:\/\/rekor\.sigstore\.dev\) \| a Rekor transparency log inside the air gap/,
    ])
      assert.ok(
        found.some((f) => re.test(f)),
        `no issue matches ${re}; got:\n${found.join("\n")}`,
      );
  });
});
