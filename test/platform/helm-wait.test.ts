/**
 * Issue 8 item 6: `registry-platform:helm` = `{ wait, timeoutSeconds }` → the Harbor, Velero (and Kyverno) releases'
 * `skipAwait` / `waitForJobs` / `timeout`, so a cluster without workers can deploy.
 */
import * as assert from "assert";
import { configIssues } from "../harness/config";
import { Recorded, runProgram, runProgramFailing, stackRun, stackWith } from "../harness";

const RELEASE = "kubernetes:helm.sh/v3:Release";

function waits(rec: Recorded): Record<string, [unknown, unknown, unknown]> {
  return Object.fromEntries(
    ["registry-harbor-release", "registry-velero-release", "registry-policy-release"].map((n) => {
      const i = rec.inputs(rec.one(RELEASE, n));
      return [n, [i.skipAwait, i.waitForJobs, i.timeout]];
    }),
  );
}

describe("helm: release waits", function () {
  this.timeout(120000);

  it("default: the releases wait for readiness and jobs, Harbor 900 s, Velero and Kyverno 600 s", async () => {
    assert.deepStrictEqual(waits(await stackRun("dev")), {
      "registry-harbor-release": [false, true, 900],
      "registry-velero-release": [false, true, 600],
      "registry-policy-release": [false, true, 600],
    });
  });

  it("wait: false skips the await (no workers needed); timeoutSeconds applies to every release", async () => {
    const rec = await runProgram("dev", stackWith("dev", { helm: { wait: false, timeoutSeconds: 120 } }));
    assert.deepStrictEqual(waits(rec), {
      "registry-harbor-release": [true, false, 120],
      "registry-velero-release": [true, false, 120],
      "registry-policy-release": [true, false, 120],
    });
  });

  it("timeoutSeconds alone keeps the waits", async () => {
    const rec = await runProgram("dev", stackWith("dev", { helm: { timeoutSeconds: 1800 } }));
    assert.deepStrictEqual(waits(rec), {
      "registry-harbor-release": [false, true, 1800],
      "registry-velero-release": [false, true, 1800],
      "registry-policy-release": [false, true, 1800],
    });
  });

  const bad: { name: string; helm: unknown; expect: RegExp }[] = [
    {
      name: "a non-boolean wait",
      helm: { wait: "no" },
      expect: /^registry-platform:helm\.wait \| "no" \| a value of type boolean$/,
    },
    {
      name: "a timeout under a minute",
      helm: { timeoutSeconds: 5 },
      expect: /^registry-platform:helm\.timeoutSeconds \| 5 \| a number >= 60$/,
    },
    {
      name: "an unknown key",
      helm: { atomic: true },
      expect: /^registry-platform:helm\.atomic \| an unknown key \| one of the keys wait, timeoutSeconds$/,
    },
  ];
  for (const t of bad)
    it(`rejects ${t.name}, naming the key; nothing is registered`, async () => {
      const found = configIssues(stackWith("dev", { helm: t.helm }));
      assert.ok(
        found.some((f) => t.expect.test(f)),
        `no issue matches ${t.expect}; got:\n${found.join("\n")}`,
      );
      const { error, registrations } = await runProgramFailing("dev", stackWith("dev", { helm: t.helm }));
      assert.match(String(error), /registry-platform:helm\./);
      assert.deepStrictEqual(
        registrations.filter((r) => r.custom),
        [],
      );
    });
});
