import * as assert from "assert";
import {
  auditForwardingBody,
  BUILD_TAG_PATTERN,
  changedMetadata,
  dockerConfigJson,
  gcScheduleBody,
  immutableRuleBody,
  MAJOR_RELEASE_TAG_PATTERN,
  NO_SCHEDULE_BODY,
  projectCreateBody,
  projectMetadata,
  ProjectSettings,
  PULL_ROBOT_ACCESS,
  pullSecretName,
  purgeAuditScheduleBody,
  PUSH_ROBOT_ACCESS,
  READ_ONLY_ACTIONS,
  registryCreateBody,
  registryHostOf,
  registryUpdateBody,
  RELEASE_TAG_PATTERN,
  retentionDisabledBody,
  retentionPolicyBody,
  retentionRules,
  RetentionSettings,
  robotCreateBody,
  robotUpdateBody,
} from "../../components/harbor-config/payloads";
import { schemaProblems } from "./support/fake-harbor";
import { Artifact, simulateRetention, tagMatches } from "./support/retention-sim";

const SEED_DEFAULTS: RetentionSettings = {
  keepLatestReleases: 10,
  buildTagDays: 14,
  schedule: "0 0 2 * * *",
  foreverTags: ["stable", "lts"],
};

const PROJECT: ProjectSettings = {
  name: "platform",
  public: false,
  scanOnPush: true,
  preventVulnerable: true,
  severity: "high",
  cosign: true,
  quotaGiB: 500,
};

describe("harbor-config payloads: shapes match the swagger definitions", () => {
  const cases: [string, string, unknown][] = [
    ["project create", "ProjectReq", projectCreateBody(PROJECT)],
    [
      "proxy-cache project create",
      "ProjectReq",
      projectCreateBody({ ...PROJECT, quotaGiB: -1, registryId: 3 }),
    ],
    ["project metadata update", "ProjectReq", { metadata: { severity: "critical" } }],
    ["quota update", "QuotaUpdateReq", { hard: { storage: 1024 ** 3 } }],
    [
      "robot create",
      "RobotCreate",
      robotCreateBody({
        project: "p",
        name: "r",
        description: "",
        access: [...PULL_ROBOT_ACCESS],
        duration: -1,
      }),
    ],
    [
      "robot update",
      "Robot",
      robotUpdateBody("robot$p+r", {
        project: "p",
        name: "r",
        description: "d",
        access: [...PUSH_ROBOT_ACCESS],
        duration: -1,
      }),
    ],
    ["robot secret refresh", "RobotSec", {}],
    ["immutable rule", "ImmutableRule", immutableRuleBody(RELEASE_TAG_PATTERN)],
    [
      "immutable rule update",
      "ImmutableRule",
      { id: 4, ...immutableRuleBody(RELEASE_TAG_PATTERN, "**", true) },
    ],
    ["retention policy", "RetentionPolicy", retentionPolicyBody(7, SEED_DEFAULTS)],
    ["emptied retention policy", "RetentionPolicy", retentionDisabledBody(7)],
    ["gc schedule", "Schedule", gcScheduleBody("0 0 3 * * 0", true, 1)],
    [
      "purge schedule",
      "Schedule",
      purgeAuditScheduleBody("0 0 4 * * *", 2160, ["pull_artifact", "create_artifact"]),
    ],
    ["schedule off", "Schedule", NO_SCHEDULE_BODY],
    ["audit forwarding", "Configurations", auditForwardingBody("syslog.example:514", false)],
    [
      "registry create",
      "Registry",
      registryCreateBody({
        name: "hub",
        type: "docker-hub",
        url: "https://hub.docker.com",
        description: "",
        insecure: false,
      }),
    ],
    [
      "registry create with credentials",
      "Registry",
      registryCreateBody({
        name: "q",
        type: "quay",
        url: "https://quay.io",
        description: "d",
        insecure: false,
        accessKey: "user",
        accessSecret: "pw",
      }),
    ],
    [
      "registry update",
      "RegistryUpdate",
      registryUpdateBody({
        name: "hub",
        type: "docker-hub",
        url: "https://hub.docker.com",
        description: "",
        insecure: false,
      }),
    ],
  ];
  for (const [what, def, body] of cases) {
    it(`${what} is a valid ${def}`, () => assert.deepStrictEqual(schemaProblems(def, body), []));
  }

  it("the fixture is strict: a misspelled key or a boolean where Harbor wants a string is rejected", () => {
    assert.notDeepStrictEqual(schemaProblems("ProjectReq", { projectname: "x" }), []);
    assert.notDeepStrictEqual(
      schemaProblems("ProjectReq", { project_name: "x", metadata: { auto_scan: true } }),
      [],
    );
    assert.notDeepStrictEqual(schemaProblems("Schedule", { schedule: { type: "Fortnightly" } }), []);
  });
});

describe("harbor-config payloads: projects", () => {
  it("metadata is Harbor's string form: private, scan on push, vulnerability gate, cosign", () => {
    assert.deepStrictEqual(projectMetadata(PROJECT), {
      public: "false",
      auto_scan: "true",
      prevent_vul: "true",
      severity: "high",
      enable_content_trust_cosign: "true",
    });
    assert.deepStrictEqual(projectCreateBody(PROJECT), {
      project_name: "platform",
      metadata: projectMetadata(PROJECT),
      storage_limit: 500 * 1024 ** 3,
    });
    assert.strictEqual(projectCreateBody({ ...PROJECT, quotaGiB: -1 }).storage_limit, -1);
  });

  it("changedMetadata keeps only the keys that differ", () => {
    const desired = projectMetadata(PROJECT);
    assert.deepStrictEqual(changedMetadata({ ...desired, severity: "low", retention_id: "3" }, desired), {
      severity: "high",
    });
    assert.deepStrictEqual(changedMetadata(desired, desired), {});
    assert.deepStrictEqual(changedMetadata(undefined, { a: "1" }), { a: "1" });
  });
});

describe("harbor-config payloads: robots", () => {
  it("the cluster pull robot holds only pull/read permissions on its one project", () => {
    const body = robotCreateBody({
      project: "apps",
      name: "cluster-pull",
      description: "",
      access: [...PULL_ROBOT_ACCESS],
      duration: -1,
    });
    assert.strictEqual(body.level, "project");
    const perms = body.permissions as {
      kind: string;
      namespace: string;
      access: { resource: string; action: string }[];
    }[];
    assert.strictEqual(perms.length, 1);
    assert.strictEqual(perms[0].kind, "project");
    assert.strictEqual(perms[0].namespace, "apps");
    for (const a of perms[0].access)
      assert.ok(READ_ONLY_ACTIONS.includes(a.action), `${a.resource}:${a.action}`);
    assert.deepStrictEqual(perms[0].access, [
      { resource: "repository", action: "pull" },
      { resource: "artifact", action: "read" },
    ]);
  });

  it("the CI push robot is a separate permission set that can push but not delete", () => {
    const actions = PUSH_ROBOT_ACCESS.map((a) => `${a.resource}:${a.action}`);
    assert.ok(actions.includes("repository:push"));
    assert.ok(!actions.some((a) => a.endsWith(":delete") || a.endsWith(":*")));
    assert.ok(!PULL_ROBOT_ACCESS.some((a) => a.action === "push"));
  });
});

describe("harbor-config payloads: tag patterns (doublestar, as Harbor matches them)", () => {
  it("release pattern covers semver releases and nothing else; build tags stay mutable", () => {
    for (const t of ["v1.2.3", "v0.0.1", "v10.20.300", "v2.0.0"])
      assert.ok(tagMatches(RELEASE_TAG_PATTERN, t), t);
    for (const t of [
      "v1.2.3-20250615-abcdef0",
      "v1.2.3-rc.1",
      "v1.2",
      "1.2.3",
      "v1.2.3.4",
      "latest",
      "stable",
      "v1234.0.0",
    ]) {
      assert.ok(!tagMatches(RELEASE_TAG_PATTERN, t), t);
    }
    const rule = immutableRuleBody(RELEASE_TAG_PATTERN) as { tag_selectors: { pattern: string }[] };
    assert.strictEqual(rule.tag_selectors[0].pattern, RELEASE_TAG_PATTERN);
  });

  it("major and build-tag patterns", () => {
    assert.ok(tagMatches(MAJOR_RELEASE_TAG_PATTERN, "v3.0.0"));
    assert.ok(!tagMatches(MAJOR_RELEASE_TAG_PATTERN, "v3.1.0"));
    assert.ok(!tagMatches(MAJOR_RELEASE_TAG_PATTERN, "v3.0.0-20250615-abcdef0"));
    assert.ok(tagMatches(BUILD_TAG_PATTERN, "v1.2.3-20250615-abcdef0"));
    assert.ok(!tagMatches(BUILD_TAG_PATTERN, "v1.2.3"));
  });
});

describe("harbor-config payloads: tag retention encodes seed §4.5", () => {
  it("rules, selectors, trigger and scope are exactly the seed's policy", () => {
    const tagged = '{"untagged":false}';
    const repo = { repository: [{ kind: "doublestar", decoration: "repoMatches", pattern: "**" }] };
    const rule = (template: string, params: Record<string, number>, pattern: string) => ({
      disabled: false,
      action: "retain",
      template,
      params,
      tag_selectors: [{ kind: "doublestar", decoration: "matches", pattern, extras: tagged }],
      scope_selectors: repo,
    });
    const d = "{[0-9],[0-9][0-9],[0-9][0-9][0-9]}";
    assert.deepStrictEqual(retentionPolicyBody(7, SEED_DEFAULTS), {
      algorithm: "or",
      rules: [
        // MAJOR releases: forever
        rule("always", {}, `v${d}.0.0`),
        // stable / lts: forever
        rule("always", {}, "{stable,lts}"),
        // minor/patch releases: the most recent 10
        rule("latestPushedK", { latestPushedK: 10 }, `v${d}.${d}.${d}`),
        // CI build tags vX.Y.Z-YYYYMMDD-sha7: kept 14 days after their push
        rule("nDaysSinceLastPush", { nDaysSinceLastPush: 14 }, "v*.*.*-*"),
      ],
      trigger: { kind: "Schedule", settings: { cron: "0 0 2 * * *" }, references: {} },
      scope: { level: "project", ref: 7 },
    });
  });

  it("on a sample repository: keeps majors, stable/lts, the latest N releases, recent build tags; removes the rest", () => {
    const releases: Artifact[] = Array.from({ length: 12 }, (_, i) => ({
      id: `v1.${i + 1}.0`,
      tags: [`v1.${i + 1}.0`],
      pushedDaysAgo: 200 - i * 10,
    }));
    const artifacts: Artifact[] = [
      { id: "v1.0.0", tags: ["v1.0.0"], pushedDaysAgo: 400 },
      { id: "v2.0.0", tags: ["v2.0.0"], pushedDaysAgo: 300 },
      { id: "stable", tags: ["stable", "v1.9.9-20240101-0000000"], pushedDaysAgo: 250 },
      { id: "lts", tags: ["lts"], pushedDaysAgo: 900 },
      ...releases,
      { id: "build-new", tags: ["v1.12.1-20250615-abcdef0"], pushedDaysAgo: 3 },
      { id: "build-old", tags: ["v1.11.1-20250101-1234567"], pushedDaysAgo: 30 },
      { id: "rc", tags: ["v1.13.0-rc.1"], pushedDaysAgo: 5 },
      { id: "untagged", tags: [], pushedDaysAgo: 1 },
      { id: "latest", tags: ["latest"], pushedDaysAgo: 1 },
    ];
    const rules = retentionRules({ ...SEED_DEFAULTS, keepLatestReleases: 10 });
    const r = simulateRetention(rules, artifacts);
    assert.deepStrictEqual(r.deleted.sort(), ["build-old", "latest", "untagged", "v1.1.0", "v1.2.0"].sort());
    for (const kept of ["v1.0.0", "v2.0.0", "stable", "lts", "v1.3.0", "v1.12.0", "build-new", "rc"]) {
      assert.ok(r.retained.includes(kept), kept);
    }

    // With release tags immutable, Harbor's retention skips the old releases instead of deleting them.
    const withImmutability = simulateRetention(rules, artifacts, [RELEASE_TAG_PATTERN]);
    assert.deepStrictEqual(withImmutability.immutableKept.sort(), ["v1.1.0", "v1.2.0"]);
    assert.deepStrictEqual(withImmutability.deleted.sort(), ["build-old", "latest", "untagged"]);
  });

  it("immutable release tags: the policy retains every release (N would prune nothing), the rest is unchanged", () => {
    const d = "{[0-9],[0-9][0-9],[0-9][0-9][0-9]}";
    const rules = retentionRules(SEED_DEFAULTS, true);
    assert.deepStrictEqual(
      rules.map((r) => [r.template, r.params, r.tag_selectors[0].pattern]),
      [
        ["always", {}, `v${d}.${d}.${d}`],
        ["always", {}, "{stable,lts}"],
        ["nDaysSinceLastPush", { nDaysSinceLastPush: 14 }, "v*.*.*-*"],
      ],
    );
    const artifacts: Artifact[] = [
      ...Array.from({ length: 12 }, (_, i) => ({
        id: `v1.${i + 1}.0`,
        tags: [`v1.${i + 1}.0`],
        pushedDaysAgo: 200 - i * 10,
      })),
      { id: "build-old", tags: ["v1.11.1-20250101-1234567"], pushedDaysAgo: 30 },
      { id: "latest", tags: ["latest"], pushedDaysAgo: 1 },
    ];
    // What the policy says is what Harbor does: every release retained by a rule, none only "skipped".
    const r = simulateRetention(rules, artifacts, [RELEASE_TAG_PATTERN]);
    assert.deepStrictEqual(r.immutableKept, []);
    assert.deepStrictEqual(r.deleted.sort(), ["build-old", "latest"]);
    assert.deepStrictEqual(retentionPolicyBody(7, SEED_DEFAULTS, true).rules, rules);
  });

  it("foreverTags: none, one, several", () => {
    assert.strictEqual(retentionRules({ ...SEED_DEFAULTS, foreverTags: [] }).length, 3);
    assert.strictEqual(
      retentionRules({ ...SEED_DEFAULTS, foreverTags: ["stable"] })[1].tag_selectors[0].pattern,
      "stable",
    );
  });
});

describe("harbor-config payloads: pull secrets", () => {
  it("dockerconfigjson is built as data: a robot name with $ and + survives intact", () => {
    const json = dockerConfigJson("registry.example.com:8443", "robot$platform+cluster-pull", "s3cr$t'\"");
    const doc = JSON.parse(json) as {
      auths: Record<string, { username: string; password: string; auth: string }>;
    };
    const entry = doc.auths["registry.example.com:8443"];
    assert.strictEqual(entry.username, "robot$platform+cluster-pull");
    assert.strictEqual(entry.password, "s3cr$t'\"");
    assert.strictEqual(
      Buffer.from(entry.auth, "base64").toString("utf8"),
      "robot$platform+cluster-pull:s3cr$t'\"",
    );
  });

  it("registry host and secret names", () => {
    assert.strictEqual(registryHostOf("https://registry.example.com"), "registry.example.com");
    assert.strictEqual(registryHostOf("https://registry.example.com:8443/"), "registry.example.com:8443");
    assert.strictEqual(pullSecretName("platform"), "harbor-platform-pull");
    assert.strictEqual(pullSecretName("my_team"), "harbor-my-team-pull");
  });
});
