/**
 * The bench's one-bucket baseline loads every SDK class the platform uses (tools/bench/surface.ts), so that the
 * ratio measures the platform's own modules and work, not SDK modules only one side loads.
 */
import * as assert from "assert";
import { baselineSurface } from "../../tools/bench/surface";
import { stackRun } from "../harness";

/** The type token an SDK class registers (`__pulumiType`: `aws:s3/bucket:Bucket`, `aws` for a provider). */
function typeOf(cls: unknown): string | undefined {
  const t: unknown = (cls as { __pulumiType?: unknown }).__pulumiType;
  return typeof t === "string" ? t : undefined;
}

/** What covers a registered type: its class, the provider class of its package, or the generic class it uses. */
function coveringType(type: string): string {
  if (type.startsWith("pulumi:providers:")) return type.slice("pulumi:providers:".length);
  // A Kubernetes object of a group the SDK has no class for (Kyverno, cert-manager): apiextensions.CustomResource.
  if (/^kubernetes:[^/]*\.(io|com)\//.test(type) && !/k8s\.io\//.test(type)) return "CustomResource";
  return type;
}

describe("bench: the baseline's SDK surface", () => {
  const surface = baselineSurface();
  const types = new Set(surface.map(typeOf).filter((t): t is string => t !== undefined));

  it("is loaded: every member is a class or function", () => {
    assert.ok(surface.length >= 40);
    for (const [i, x] of surface.entries()) assert.strictEqual(typeof x, "function", `member ${i}`);
    assert.ok(types.has("aws:s3/bucket:Bucket") && types.has("kubernetes:helm.sh/v3:Release"));
  });

  for (const stack of ["dev", "onprem", "prod-apne1", "prod-apne2"]) {
    it(`covers every type ${stack} registers`, async function () {
      this.timeout(60_000);
      const run = await stackRun(stack);
      const registered = new Set(
        run.all.filter((r) => r.custom && !r.type.startsWith("registry-platform:")).map((r) => r.type),
      );
      assert.ok(registered.size > 10, `${stack} registers its resources`);
      const generic = new Set([
        "pulumi-nodejs:dynamic:Resource",
        "pulumi:pulumi:StackReference",
        "CustomResource",
      ]);
      const missing = [...registered].filter((t) => {
        const c = coveringType(t);
        return !types.has(c) && !generic.has(c);
      });
      assert.deepStrictEqual(missing, [], `${stack}: types the baseline does not load`);
    });
  }
});
