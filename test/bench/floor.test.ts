/**
 * The bench's `floor` variant registers a synth's recorded resources again without the platform's code
 * (tools/bench/floor.ts): it must register the same resources — same URNs, so the same types, names and
 * parents — with their providers and recorded inputs.
 */
import * as assert from "assert";
import { RecordedResource, replay } from "../../tools/bench/floor";
import { reveal, runOnMocks } from "../../tools/synth/engine";
import { providerUrn, resourceDocs } from "../../tools/synth/render";
import { projectName } from "../../tools/synth/root";
import { stackRun } from "../harness";

describe("bench: floor replays a synth's recorded resources", function () {
  this.timeout(60_000);

  it("registers the same URNs, providers and inputs as the dev synth, and caps promise stacks for the run", async () => {
    const original = await stackRun("dev");
    const recorded = JSON.parse(JSON.stringify(resourceDocs(original.result))) as RecordedResource[];
    const limit = Error.stackTraceLimit;
    let count = 0;
    let limitDuring = -1;
    const replayed = await runOnMocks(
      { project: projectName(), stack: "dev", config: {}, secretKeys: [] },
      () => {
        count = replay(recorded);
        limitDuring = Error.stackTraceLimit;
        return {};
      },
    );
    assert.strictEqual(count, recorded.length);
    assert.strictEqual(limitDuring, 0, "the SDK's per-promise stacks are capped as the program caps them");
    assert.strictEqual(Error.stackTraceLimit, limit, "and the limit is back after the run");
    const urns = (rs: { urn: string }[]) => rs.map((r) => r.urn).sort();
    assert.deepStrictEqual(urns(replayed.registrations), urns(original.all));
    const byUrn = new Map(replayed.registrations.map((r) => [r.urn, r]));
    for (const r of original.all) {
      const again = byUrn.get(r.urn)!;
      assert.strictEqual(again.parent, r.parent, r.urn);
      assert.strictEqual(providerUrn(again.provider), providerUrn(r.provider), r.urn);
    }
    const bucket = original.all.find((r) => r.type === "aws:s3/bucket:Bucket")!;
    assert.deepStrictEqual(reveal(byUrn.get(bucket.urn)!.wire), reveal(bucket.wire));
    const secret = original.all.find((r) => r.type === "kubernetes:core/v1:Secret")!;
    assert.ok(
      JSON.stringify(reveal(byUrn.get(secret.urn)!.wire)).includes("[secret]"),
      "secrets as the synth redacted them",
    );
  });
});
