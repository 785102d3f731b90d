/**
 * The deploy workflow's per-stack action (.github/actions/deploy-stack): pulumi/actions' `up` runs the Automation
 * API's `pulumi up --yes --skip-preview`, which skips the preview that refuses a config dropping a protected Harbor
 * project; without it the engine deletes the project's robots and pull Secrets first (seen on the real engine,
 * components/harbor-config/README.md). So a preview of the same stack runs before `up`, and `verify` after it.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ROOT } from "../harness";

type Step = { uses?: string; name?: string; run?: string; with?: Record<string, unknown> };
const read = (file: string) =>
  parse(fs.readFileSync(path.join(ROOT, file), "utf8")) as Record<string, unknown>;

describe("ci: the deploy action previews before it updates", () => {
  const action = read(".github/actions/deploy-stack/action.yml") as { runs: { steps: Step[] } };
  const steps = action.runs.steps;
  const pulumi = steps.filter((s) => s.uses?.startsWith("pulumi/actions@"));

  it("runs pulumi/actions preview, then up, of the same stack, both with the diff; verify after them", () => {
    assert.deepStrictEqual(
      pulumi.map((s) => s.with),
      [
        { command: "preview", "stack-name": "${{ inputs.stack }}", diff: true },
        { command: "up", "stack-name": "${{ inputs.stack }}", diff: true },
      ],
    );
    const at = (s: Step | undefined) => steps.indexOf(s as Step);
    assert.ok(at(pulumi[0]) < at(pulumi[1]), "preview before up");
    assert.ok(at(pulumi[1]) < at(steps.find((s) => s.name === "verify")), "verify after up");
    assert.strictEqual(new Set(pulumi.map((s) => s.uses)).size, 1, "one pulumi/actions version");
  });

  it("is what both deploy jobs (replicas, then primaries) run for each stack", () => {
    const jobs = (read(".github/workflows/deploy.yml") as { jobs: Record<string, { steps?: Step[] }> }).jobs;
    for (const job of ["replicas", "primaries"]) {
      const uses = (jobs[job].steps ?? []).filter((s) => s.uses === "./.github/actions/deploy-stack");
      assert.strictEqual(uses.length, 1, job);
      assert.strictEqual(uses[0].with?.stack, "${{ env.STACK }}", job);
    }
    const direct = Object.entries(jobs).filter(([, j]) =>
      (j.steps ?? []).some((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === "up"),
    );
    assert.deepStrictEqual(direct, [], "no job runs pulumi up around the action");
  });
});
