/**
 * CRUD and diff of the immutable tag rule and retention policy kinds against the fake Harbor, one fresh client
 * per operation as the dynamic providers do (the other kinds: resources.test.ts, resources-system.test.ts).
 */
import * as assert from "assert";
import { immutableRuleCrud, projectCrud, retentionCrud } from "../../components/harbor-config/crud";
import { RELEASE_TAG_PATTERN, retentionPolicyBody } from "../../components/harbor-config/payloads";
import { FakeHarbor } from "./support/fake-harbor";
import { ops, projectInputs } from "./support/crud-ops";
import { clientOf, immutableRuleInputs, retentionInputs, startFake } from "./support/setup";

describe("harbor-config resources: ImmutableTagRule", () => {
  let fake: FakeHarbor;
  const inputs = immutableRuleInputs;
  beforeEach(async () => {
    fake = await startFake();
    await projectCrud.create(clientOf(fake), projectInputs(fake));
    fake.clearLog();
  });
  afterEach(() => fake.stop());

  it("create sends the semver rule; a second create adopts it instead of duplicating", async () => {
    const c = await ops(fake, immutableRuleCrud).create(inputs(fake));
    const post = fake.writes()[0];
    assert.deepStrictEqual(post.body, {
      disabled: false,
      action: "immutable",
      template: "immutable_template",
      tag_selectors: [{ kind: "doublestar", decoration: "matches", pattern: RELEASE_TAG_PATTERN }],
      scope_selectors: { repository: [{ kind: "doublestar", decoration: "repoMatches", pattern: "**" }] },
    });
    assert.strictEqual(post.headers["x-is-resource-name"], "true");
    const again = await ops(fake, immutableRuleCrud).create(inputs(fake));
    assert.strictEqual(again.outs.ruleId, c.outs.ruleId);
    assert.strictEqual(again.outs.adopted, true);
    assert.strictEqual(fake.immutableRules.size, 1);
  });

  it("a rule switched to 'excluding' in Harbor shows as drift on refresh, and the update restores 'matching'", async () => {
    const c = await ops(fake, immutableRuleCrud).create(inputs(fake));
    // Someone edits the rule in Harbor's UI: every tag but the releases is now immutable.
    const rule = fake.immutableRules.get(c.outs.ruleId)!.rule;
    rule.tag_selectors[0].decoration = "excludes";
    const r = await ops(fake, immutableRuleCrud).read(c.id, c.outs);
    assert.strictEqual(immutableRuleCrud.diff(r.props!, inputs(fake)).changes, true);
    await ops(fake, immutableRuleCrud).update(c.id, r.props!, inputs(fake));
    assert.strictEqual(fake.immutableRules.get(c.outs.ruleId)!.rule.tag_selectors[0].decoration, "matches");
    const again = await ops(fake, immutableRuleCrud).read(c.id, c.outs);
    assert.deepStrictEqual(immutableRuleCrud.diff(again.props!, inputs(fake)), {
      changes: false,
      replaces: [],
    });
    // The same for the repository selector.
    fake.immutableRules.get(c.outs.ruleId)!.rule.scope_selectors.repository[0].decoration = "repoExcludes";
    const repo = await ops(fake, immutableRuleCrud).read(c.id, c.outs);
    assert.strictEqual(immutableRuleCrud.diff(repo.props!, inputs(fake)).changes, true);
  });

  it("update changes the pattern in place; delete twice succeeds", async () => {
    const c = await ops(fake, immutableRuleCrud).create(inputs(fake));
    await ops(fake, immutableRuleCrud).update(c.id, c.outs, inputs(fake, { tagPattern: "release-*" }));
    assert.strictEqual(fake.immutableRules.get(c.outs.ruleId)!.rule.tag_selectors[0].pattern, "release-*");
    await ops(fake, immutableRuleCrud).delete(c.id, c.outs);
    assert.strictEqual(fake.immutableRules.size, 0);
    await ops(fake, immutableRuleCrud).delete(c.id, c.outs);
    fake.projects.clear();
    await ops(fake, immutableRuleCrud).delete(c.id, c.outs);
    assert.deepStrictEqual(fake.schemaErrors, []);
  });
});

describe("harbor-config resources: RetentionPolicy", () => {
  let fake: FakeHarbor;
  let projectId: number;
  const inputs = retentionInputs;
  beforeEach(async () => {
    fake = await startFake();
    projectId = (await projectCrud.create(clientOf(fake), projectInputs(fake))).outs.projectId;
    fake.clearLog();
  });
  afterEach(() => fake.stop());

  it("create posts the seed's policy for the project and binds it", async () => {
    const c = await ops(fake, retentionCrud).create(inputs(fake));
    const post = fake.writes().find((w) => w.path === "/retentions")!;
    assert.deepStrictEqual(
      post.body,
      retentionPolicyBody(projectId, {
        keepLatestReleases: 10,
        buildTagDays: 14,
        schedule: "0 0 2 * * *",
        foreverTags: ["stable", "lts"],
      }),
    );
    assert.strictEqual(fake.projects.get(projectId)!.metadata.retention_id, String(c.outs.retentionId));
    assert.deepStrictEqual(fake.schemaErrors, []);
  });

  it("a second create adopts the bound policy (Harbor allows one per project)", async () => {
    const c = await ops(fake, retentionCrud).create(inputs(fake));
    fake.clearLog();
    const again = await ops(fake, retentionCrud).create(inputs(fake, { keepLatestReleases: 5 }));
    assert.strictEqual(again.outs.retentionId, c.outs.retentionId);
    assert.strictEqual(again.outs.adopted, true);
    assert.strictEqual(fake.retentions.size, 1);
    assert.deepStrictEqual(
      fake.writes().map((w): unknown[] => [w.method, w.path]),
      [["PUT", `/retentions/${c.outs.retentionId}`]],
    );
    assert.strictEqual(fake.retentions.get(c.outs.retentionId).rules[2].params.latestPushedK, 5);
  });

  it("a binding to a policy that no longer exists is cleared before creating a new one", async () => {
    fake.projects.get(projectId)!.metadata.retention_id = "4242";
    const c = await ops(fake, retentionCrud).create(inputs(fake));
    assert.notStrictEqual(c.outs.retentionId, 4242);
    assert.strictEqual(fake.projects.get(projectId)!.metadata.retention_id, String(c.outs.retentionId));
  });

  it("update replaces the policy document; delete empties it, twice; a later create re-fills it", async () => {
    const c = await ops(fake, retentionCrud).create(inputs(fake));
    await ops(fake, retentionCrud).update(c.id, c.outs, inputs(fake, { buildTagDays: 30 }));
    assert.strictEqual(fake.retentions.get(c.outs.retentionId).rules[3].params.nDaysSinceLastPush, 30);
    await ops(fake, retentionCrud).delete(c.id, c.outs);
    assert.deepStrictEqual(fake.retentions.get(c.outs.retentionId).rules, []);
    assert.strictEqual(fake.retentions.get(c.outs.retentionId).trigger.settings.cron, "");
    await ops(fake, retentionCrud).delete(c.id, c.outs);
    assert.deepStrictEqual(await ops(fake, retentionCrud).read(c.id, c.outs), {});
    const again = await ops(fake, retentionCrud).create(inputs(fake));
    assert.strictEqual(again.outs.retentionId, c.outs.retentionId);
    assert.strictEqual(fake.retentions.get(c.outs.retentionId).rules.length, 4);
    fake.projects.clear();
    await ops(fake, retentionCrud).delete(c.id, c.outs);
  });
});
