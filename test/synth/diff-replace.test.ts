/**
 * plan-diff's replace rules (tools/synth/replace.ts) against what the real providers do. A pull request's plan
 * diff warned "Destructive" for in-place updates (preview-diff audit, 2026-12-01): Secret and ConfigMap data under
 * the program's Kubernetes provider (enableSecretMutable / enableConfigMapMutable) and a certificate's
 * `earlyRenewalHours` (terraform-provider-tls updates it in place).
 */
import * as assert from "assert";
import { planStack } from "../../tools/synth/diff";
import { ResourceDoc } from "../../tools/synth/render";

const P = "urn:pulumi:dev::registry-platform::";
const MUTABLE = `${P}pulumi:providers:kubernetes::registry-k8s`;
const PLAIN = `${P}pulumi:providers:kubernetes::plain-k8s`;

function doc(type: string, name: string, inputs: unknown, provider: string | null = null): ResourceDoc {
  return { urn: `${P}${type}::${name}`, type, name, parent: null, provider, dependencies: [], inputs };
}

/** The two Kubernetes providers as the synth records them (provider inputs are strings). */
const providers = [
  doc("pulumi:providers:kubernetes", "registry-k8s", {
    enableSecretMutable: "true",
    enableConfigMapMutable: "true",
  }),
  doc("pulumi:providers:kubernetes", "plain-k8s", {}),
];

/** [action, name, reasons] of each changed resource between `before` and `after` (providers in both). */
function plan(before: ResourceDoc[], after: ResourceDoc[]) {
  return planStack(
    "dev",
    { resources: [...providers, ...before], outputs: {} },
    { resources: [...providers, ...after], outputs: {} },
  ).resources.map((r) => [r.action, r.name, r.reasons]);
}

describe("plan-diff: replace rules as the providers apply them", () => {
  it("Secret and ConfigMap data: updated in place under a provider with the mutable flags, replaced without", () => {
    const secret = (name: string, provider: string, x: string) =>
      doc("kubernetes:core/v1:Secret", name, { type: "Opaque", stringData: { x } }, provider);
    const cm = (name: string, provider: string, x: string) =>
      doc("kubernetes:core/v1:ConfigMap", name, { data: { x } }, provider);
    assert.deepStrictEqual(
      plan(
        [
          secret("s-mutable", MUTABLE, "a"),
          secret("s-plain", PLAIN, "a"),
          cm("c-mutable", MUTABLE, "a"),
          cm("c-plain", PLAIN, "a"),
        ],
        [
          secret("s-mutable", MUTABLE, "b"),
          secret("s-plain", PLAIN, "b"),
          cm("c-mutable", MUTABLE, "b"),
          cm("c-plain", PLAIN, "b"),
        ],
      ),
      [
        ["update", "s-mutable", []],
        [
          "replace",
          "s-plain",
          ["`stringData.x` (Secret data is replaced, not patched (provider without enableSecretMutable))"],
        ],
        ["update", "c-mutable", []],
        [
          "replace",
          "c-plain",
          ["`data.x` (ConfigMap data is replaced, not patched (provider without enableConfigMapMutable))"],
        ],
      ],
    );
  });

  it("a Secret's type is fixed whatever the provider", () => {
    const s = (type: string) =>
      doc("kubernetes:core/v1:Secret", "pull", { type, stringData: { x: "a" } }, MUTABLE);
    assert.deepStrictEqual(plan([s("Opaque")], [s("kubernetes.io/dockerconfigjson")]), [
      ["replace", "pull", ["`type` (a Secret's type and immutability are fixed)"]],
    ]);
  });

  it("a certificate's earlyRenewalHours alone is an update; its validity with it, a replacement", () => {
    const cert = (validityPeriodHours: number, earlyRenewalHours: number) =>
      doc("tls:index/locallySignedCert:LocallySignedCert", "intermediate", {
        validityPeriodHours,
        earlyRenewalHours,
      });
    assert.deepStrictEqual(plan([cert(43800, 720)], [cert(43800, 1080)]), [["update", "intermediate", []]]);
    assert.deepStrictEqual(plan([cert(43800, 720)], [cert(8760, 1080)]), [
      ["replace", "intermediate", ["tls resources are immutable"]],
    ]);
  });
});
