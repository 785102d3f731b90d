/** HarborConfig's plan: its args with the defaults applied, and every bad arg refused at once. */
import * as assert from "assert";
import { HarborConfigArgs, harborConfigPlan } from "../../components/harbor-config/plan";

/** The plan of a Harbor at `https://x` with `args`. */
const planOf = (args: Omit<HarborConfigArgs, "url" | "adminPassword">) =>
  harborConfigPlan({ url: "https://x", adminPassword: "p", ...args });

describe("harbor-config plan", () => {
  it('defaults: unprotected projects, retention on, robot rotation "1"; protectProjects is taken as given', () => {
    const plan = planOf({ projects: [{ name: "a" }] });
    assert.deepStrictEqual(
      [
        plan.protectProjects,
        plan.robotRotation,
        plan.projects.map((p) => [p.tagRetention, p.immutableReleaseTags]),
      ],
      [false, "1", [[true, true]]],
    );
    assert.strictEqual(planOf({ protectProjects: true }).protectProjects, true);
  });

  it("pull Secrets: a name two entries would write into one namespace, or one too long to name, is refused", () => {
    assert.throws(
      () =>
        planOf({
          projects: [
            { name: "team-a", pullSecretNamespaces: ["apps"] },
            { name: "team_a", pullSecretNamespaces: ["web", "apps"] },
            { name: "a".repeat(245) + ".b" + "c".repeat(8), pullSecretNamespaces: ["apps"] },
            // Same Secret name, other namespaces: no clash.
            { name: "team.a", pullSecretNamespaces: [] },
          ],
          proxyCaches: [{ name: "team_a_", type: "docker-hub", url: "https://hub.docker.com" }],
        }),
      (e: Error) =>
        /projects\[1\]\.name: a name whose pull Secret is not harbor-team-a-pull, which "team-a" already writes into namespace apps/.test(
          e.message,
        ) &&
        /projects\[2\]\.name: a name of at most 241 characters when pullSecretNamespaces is set/.test(
          e.message,
        ) &&
        !/projects\[0\]|projects\[3\]|proxyCaches\[0\]/.test(e.message),
    );
    // Different namespaces: both Secrets can exist.
    assert.doesNotThrow(() =>
      planOf({
        projects: [
          { name: "team-a", pullSecretNamespaces: ["apps"] },
          { name: "team_a", pullSecretNamespaces: ["web"] },
        ],
      }),
    );
  });

  it("bad args are refused with every problem at once (the component plans before it registers anything)", () => {
    assert.throws(
      () =>
        planOf({
          projects: [{ name: "a" }, { name: "a", quotaGiB: -5 }],
          proxyCaches: [
            { name: "a", type: "docker-hub", url: "http://insecure" },
            { name: "b", type: "quay", url: "https://quay.io/?tab=x" },
            { name: "c", type: "harbor", url: "https://robot:pw@peer.example.com" },
          ],
        }),
      (e: Error) =>
        /projects\[1\]: project name "a" is used twice/.test(e.message) &&
        /projects\[1\]\.quotaGiB/.test(e.message) &&
        /proxyCaches\[0\]\.url: an https URL/.test(e.message) &&
        /proxyCaches\[1\]\.url: found "https:\/\/quay\.io\/\?tab=x"; allowed: .* without query/.test(
          e.message,
        ) &&
        /proxyCaches\[2\]\.url: found/.test(e.message),
    );
    // A trailing slash is fine: it is sent and compared the way Harbor stores it (normalized).
    assert.doesNotThrow(() =>
      planOf({ proxyCaches: [{ name: "a", type: "docker-hub", url: "https://registry-1.docker.io/" }] }),
    );
  });
});
