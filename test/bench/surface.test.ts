/**
 * The bench's one-bucket baseline loads every SDK class the platform uses (tools/bench/surface.ts), so that the
 * ratio measures the platform's own modules and work, not SDK modules only one side loads.
 */
import * as assert from "assert";
import * as apiextensions from "@pulumi/kubernetes/apiextensions";
import { baselineSurface, surfaceClass } from "../../tools/bench/surface";
import { stackRun } from "../harness";

/** A Kubernetes object of a group the SDK has no class for (Kyverno, cert-manager): apiextensions.CustomResource. */
const isCustomObject = (type: string) =>
  /^kubernetes:[^/]*\.(io|com)\//.test(type) && !/k8s\.io\//.test(type);

describe("bench: the baseline's SDK surface", () => {
  const surface = baselineSurface();

  it("is loaded: every member is a class or function; classes are found by the type they register", () => {
    assert.ok(surface.length >= 40);
    for (const [i, x] of surface.entries()) assert.strictEqual(typeof x, "function", `member ${i}`);
    assert.ok(surfaceClass("aws:s3/bucket:Bucket"));
    assert.ok(surfaceClass("kubernetes:helm.sh/v3:Release"));
    assert.strictEqual(
      surfaceClass("pulumi:providers:aws"),
      surfaceClass("aws"),
      "a provider by its package",
    );
    assert.strictEqual(surfaceClass("pulumi-nodejs:dynamic:Resource"), undefined);
    assert.ok(surface.includes(apiextensions.CustomResource), "custom objects' class");
  });

  for (const stack of ["dev", "onprem", "prod-apne1", "prod-apne2"]) {
    it(`covers every type ${stack} registers`, async function () {
      this.timeout(60_000);
      const run = await stackRun(stack);
      const registered = new Set(
        run.all.filter((r) => r.custom && !r.type.startsWith("registry-platform:")).map((r) => r.type),
      );
      assert.ok(registered.size > 10, `${stack} registers its resources`);
      const generic = new Set(["pulumi-nodejs:dynamic:Resource", "pulumi:pulumi:StackReference"]);
      const missing = [...registered].filter(
        (t) => surfaceClass(t) === undefined && !generic.has(t) && !isCustomObject(t),
      );
      assert.deepStrictEqual(missing, [], `${stack}: types the baseline does not load`);
    });
  }
});
