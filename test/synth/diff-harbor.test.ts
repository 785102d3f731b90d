/**
 * plan-diff on Harbor resources: their inputs are compared in the flat view their provider diffs
 * (components/harbor-config/shape.ts), so a layout move is no change and a setting is named by its input.
 */
import * as assert from "assert";
import { planStack } from "../../tools/synth/diff";
import { ResourceDoc } from "../../tools/synth/render";

const P = "urn:pulumi:dev::registry-platform::";
const HC = `${P}registry-platform:platform:RegistryPlatform$registry-platform:harbor-config:HarborConfig`;

function project(inputs: Record<string, unknown>): ResourceDoc {
  return {
    urn: `${HC}$pulumi-nodejs:dynamic:Resource::apps-project`,
    type: "pulumi-nodejs:dynamic:Resource",
    name: "apps-project",
    parent: `${HC}::harbor-config`,
    provider: `${P}pulumi:providers:pulumi-nodejs::default`,
    dependencies: [],
    inputs: { __provider: "[dynamic provider code]", connection: "[secret]", name: "apps", ...inputs },
  };
}

describe("plan-diff: Harbor resources are compared in their flat view, as their provider diffs them", () => {
  const snap = (r: ResourceDoc) => ({ resources: [r], outputs: {} });

  it("a property moving into `spec` (kind, a release ago) is no change", () => {
    const before = project({ kind: "harbor:Project", spec: { public: false, quotaGiB: -1 } });
    const after = project({ spec: { kind: "harbor:Project", public: false, quotaGiB: -1 } });
    assert.deepStrictEqual(planStack("dev", snap(before), snap(after)).resources, []);
  });

  it("a changed setting is an update named by its input", () => {
    const before = project({ kind: "harbor:Project", spec: { public: false, quotaGiB: -1 } });
    const after = project({ spec: { kind: "harbor:Project", public: false, quotaGiB: 20 } });
    const plan = planStack("dev", snap(before), snap(after));
    assert.deepStrictEqual(
      plan.resources.map((r) => [r.action, r.name, r.changes]),
      [["update", "apps-project", [{ path: "inputs.quotaGiB", before: -1, after: 20 }]]],
    );
  });
});
