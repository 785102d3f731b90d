/**
 * CRUD and diff of every Harbor resource kind, exercised directly (no Pulumi) against the fake Harbor, one
 * fresh client per operation as the dynamic providers do.
 */
import * as assert from "assert";
import * as net from "net";
import { HarborConnection, UNKNOWN } from "../../components/harbor-config/client";
import {
  auditForwardingCrud,
  BaseInputs,
  Crud,
  gcCrud,
  immutableRuleCrud,
  ImmutableRuleInputs,
  projectCrud,
  ProjectInputs,
  purgeAuditCrud,
  registryCrud,
  RegistryInputs,
  retentionCrud,
  RetentionInputs,
  robotCrud,
  RobotInputs,
} from "../../components/harbor-config/crud";
import {
  PULL_ROBOT_ACCESS,
  PUSH_ROBOT_ACCESS,
  READ_ONLY_ACTIONS,
  RELEASE_TAG_PATTERN,
  retentionPolicyBody,
} from "../../components/harbor-config/payloads";
import { FakeHarbor } from "./support/fake-harbor";
import {
  clientOf,
  connOf,
  projectInputs as baseProjectInputs,
  rejection,
  robotInputs as baseRobotInputs,
  startFake,
} from "./support/setup";

/** This file's project: a 100 GiB quota. */
const projectInputs = (fake: FakeHarbor, over: Partial<ProjectInputs> = {}): ProjectInputs =>
  baseProjectInputs(fake, { quotaGiB: 100, ...over });
/** This file's pull robot: described as "pull". */
const robotInputs = (fake: FakeHarbor, over: Partial<RobotInputs> = {}): RobotInputs =>
  baseRobotInputs(fake, { description: "pull", ...over });

/** The CRUD functions bound to fresh clients of `fake`. */
function ops<I extends BaseInputs, O extends I>(fake: FakeHarbor, crud: Crud<I, O>) {
  return {
    diff: (olds: O, news: I) => crud.diff(olds, news),
    create: (i: I) => crud.create(clientOf(fake), i),
    read: (id: string, p: O) => crud.read(clientOf(fake), id, p),
    update: (id: string, o: O, n: I) => crud.update(clientOf(fake), id, o, n),
    delete: (id: string, p: O) => crud.delete(clientOf(fake), id, p),
  };
}

describe("harbor-config resources: Project", () => {
  let fake: FakeHarbor;
  beforeEach(async () => (fake = await startFake()));
  afterEach(() => fake.stop());

  it("create sends the project with its metadata and quota, and returns the id", async () => {
    const p = ops(fake, projectCrud);
    const r = await p.create(projectInputs(fake, { cosign: true }));
    const post = fake.writes()[0];
    assert.strictEqual(post.method, "POST");
    assert.deepStrictEqual(post.body, {
      project_name: "platform",
      metadata: {
        public: "false",
        auto_scan: "true",
        prevent_vul: "true",
        severity: "high",
        enable_content_trust_cosign: "true",
      },
      storage_limit: 100 * 1024 ** 3,
    });
    const rec = fake.projectByName("platform")!;
    assert.strictEqual(r.id, String(rec.project_id));
    assert.strictEqual(r.outs.projectId, rec.project_id);
    assert.strictEqual(r.outs.adopted, false);
    assert.deepStrictEqual(fake.schemaErrors, []);
  });

  it("re-running create for an existing name adopts it (no duplicate) and converges only what differs", async () => {
    const p = ops(fake, projectCrud);
    await p.create(projectInputs(fake, { severity: "low" }));
    fake.clearLog();
    const again = await p.create(projectInputs(fake, { severity: "critical" }));
    assert.strictEqual(again.outs.adopted, true);
    assert.strictEqual([...fake.projects.values()].length, 1);
    const writes = fake.writes().map((w): unknown[] => [w.method, w.path, w.body, w.status]);
    assert.deepStrictEqual(writes, [
      ["POST", "/projects", writes[0][2], 409],
      ["PUT", `/projects/${again.outs.projectId}`, { metadata: { severity: "critical" } }, 200],
    ]);
  });

  it("update sends only the changed fields", async () => {
    const p = ops(fake, projectCrud);
    const c = await p.create(projectInputs(fake));
    fake.clearLog();
    await p.update(c.id, c.outs, projectInputs(fake, { severity: "critical" }));
    assert.deepStrictEqual(
      fake.writes().map((w): unknown[] => [w.method, w.path, w.body]),
      [["PUT", `/projects/${c.id}`, { metadata: { severity: "critical" } }]],
    );
    fake.clearLog();
    await p.update(c.id, c.outs, projectInputs(fake, { quotaGiB: 200 }));
    const quotaId = [...fake.quotas.values()][0].id;
    assert.deepStrictEqual(
      fake.writes().map((w): unknown[] => [w.method, w.path, w.body]),
      [["PUT", `/quotas/${quotaId}`, { hard: { storage: 200 * 1024 ** 3 } }]],
    );
    fake.clearLog();
    const rotated = projectInputs(fake, { connection: { ...connOf(fake), password: "rotated" } });
    assert.deepStrictEqual(projectCrud.diff(c.outs, rotated), { changes: true, replaces: [] });
    const u = await p.update(c.id, c.outs, rotated);
    assert.strictEqual(u.outs.connection.password, "rotated", "the state keeps the current credentials");
    assert.deepStrictEqual(fake.requests, [], "nothing sent to Harbor");
  });

  it("diff is pure: replace on name/proxy change, update otherwise, unknown values never call Harbor", () => {
    const base = { ...projectInputs(fake), projectId: 1, adopted: false };
    assert.deepStrictEqual(projectCrud.diff(base, projectInputs(fake)), { changes: false, replaces: [] });
    assert.deepStrictEqual(projectCrud.diff(base, projectInputs(fake, { name: "other" })), {
      changes: true,
      replaces: ["name"],
    });
    assert.deepStrictEqual(projectCrud.diff(base, projectInputs(fake, { cosign: true })), {
      changes: true,
      replaces: [],
    });
    const unknownUrl = projectInputs(fake, { connection: { ...connOf(fake), url: UNKNOWN } });
    assert.deepStrictEqual(projectCrud.diff(base, unknownUrl), { changes: true, replaces: [] });
    assert.deepStrictEqual(projectCrud.diff(base, projectInputs(fake, { name: UNKNOWN })), {
      changes: true,
      replaces: ["name"],
    });
    assert.strictEqual(fake.requests.length, 0);
  });

  it("read reflects changes made in Harbor, and reports a deleted project as gone", async () => {
    const p = ops(fake, projectCrud);
    const c = await p.create(projectInputs(fake));
    fake.projects.get(c.outs.projectId)!.metadata.severity = "low";
    const r = await p.read(c.id, c.outs);
    assert.strictEqual(r.props?.severity, "low");
    assert.strictEqual(r.props?.quotaGiB, 100);
    fake.projects.clear();
    assert.deepStrictEqual(await p.read(c.id, c.outs), {});
  });

  it("delete succeeds, and succeeds again when the project is already gone", async () => {
    const p = ops(fake, projectCrud);
    const c = await p.create(projectInputs(fake));
    await p.delete(c.id, c.outs);
    assert.strictEqual(fake.projects.size, 0);
    await p.delete(c.id, c.outs);
    assert.strictEqual(fake.requests.filter((r) => r.method === "DELETE").pop()?.status, 404);
  });

  it("delete of a project with repositories fails with Harbor's reason and what to do", async () => {
    const p = ops(fake, projectCrud);
    const c = await p.create(projectInputs(fake));
    fake.projects.get(c.outs.projectId)!.repo_count = 3;
    const e = await rejection(() => p.delete(c.id, c.outs));
    assert.match(
      e.message,
      /Harbor refused to delete project "platform" \(HTTP 412: the project contains repositories/,
    );
    assert.match(e.message, /delete its repositories first/);
  });

  it("adopting a regular project where a proxy cache is configured fails clearly", async () => {
    const p = ops(fake, projectCrud);
    await p.create(projectInputs(fake));
    fake.registries.set(500, { id: 500, name: "hub", type: "docker-hub" });
    const e = await rejection(() => p.create(projectInputs(fake, { registryId: 500 })));
    assert.match(
      e.message,
      /already exists as a regular project, but a proxy cache of registry 500 is configured/,
    );
  });
});

describe("harbor-config resources: RobotAccount", () => {
  let fake: FakeHarbor;
  beforeEach(async () => {
    fake = await startFake();
    await projectCrud.create(clientOf(fake), projectInputs(fake));
    fake.clearLog();
  });
  afterEach(() => fake.stop());

  it("the pull robot is created with only pull/read on its project; the secret is returned", async () => {
    const r = await ops(fake, robotCrud).create(robotInputs(fake));
    const post = fake.writes().find((w) => w.method === "POST" && w.path === "/robots")!;
    assert.strictEqual(post.body.level, "project");
    assert.strictEqual(post.body.name, "cluster-pull");
    assert.strictEqual(post.body.permissions.length, 1);
    assert.strictEqual(post.body.permissions[0].namespace, "platform");
    for (const a of post.body.permissions[0].access)
      assert.ok(READ_ONLY_ACTIONS.includes(a.action), `${a.resource}:${a.action}`);
    assert.strictEqual(r.outs.fullName, "robot$platform+cluster-pull");
    assert.strictEqual(r.outs.secret, fake.robots.get(r.outs.robotId)!.secret);
    assert.strictEqual(post.user, "admin");
    assert.deepStrictEqual(fake.schemaErrors, []);
  });

  it("the push robot is a separate account with push rights", async () => {
    const pull = await ops(fake, robotCrud).create(robotInputs(fake));
    const push = await ops(fake, robotCrud).create(
      robotInputs(fake, { name: "ci-push", access: PUSH_ROBOT_ACCESS.map((a) => ({ ...a })) }),
    );
    assert.notStrictEqual(pull.outs.robotId, push.outs.robotId);
    assert.notStrictEqual(pull.outs.secret, push.outs.secret);
    const pushPerms = fake.robots
      .get(push.outs.robotId)!
      .permissions[0].access.map((a: { action: string }) => a.action);
    assert.ok(pushPerms.includes("push"));
    assert.ok(
      !fake.robots
        .get(pull.outs.robotId)!
        .permissions[0].access.some((a: { action: string }) => a.action === "push"),
    );
  });

  it("re-running create adopts the robot (409), converges it and refreshes its secret: no duplicate", async () => {
    const first = await ops(fake, robotCrud).create(robotInputs(fake));
    fake.clearLog();
    const again = await ops(fake, robotCrud).create(robotInputs(fake, { description: "changed" }));
    assert.strictEqual(fake.robotsOf("platform").length, 1);
    assert.strictEqual(again.outs.robotId, first.outs.robotId);
    assert.strictEqual(again.outs.adopted, true);
    assert.notStrictEqual(again.outs.secret, first.outs.secret);
    assert.strictEqual(again.outs.secret, fake.robots.get(first.outs.robotId)!.secret);
    assert.deepStrictEqual(
      fake.writes().map((w): unknown[] => [w.method, w.path, w.status]),
      [
        ["POST", "/robots", 409],
        ["PUT", `/robots/${first.outs.robotId}`, 200],
        ["PATCH", `/robots/${first.outs.robotId}`, 200],
      ],
    );
  });

  it("changing the rotation trigger refreshes the secret only", async () => {
    const c = await ops(fake, robotCrud).create(robotInputs(fake));
    fake.clearLog();
    assert.deepStrictEqual(robotCrud.diff(c.outs, robotInputs(fake, { rotation: "2" })), {
      changes: true,
      replaces: [],
    });
    const u = await ops(fake, robotCrud).update(c.id, c.outs, robotInputs(fake, { rotation: "2" }));
    assert.notStrictEqual(u.outs.secret, c.outs.secret);
    assert.strictEqual(u.outs.secret, fake.robots.get(c.outs.robotId)!.secret);
    assert.deepStrictEqual(
      fake.writes().map((w): unknown[] => [w.method, w.body]),
      [["PATCH", {}]],
    );
  });

  it("changing permissions sends a PUT with the new set and keeps the secret", async () => {
    const c = await ops(fake, robotCrud).create(robotInputs(fake));
    fake.clearLog();
    const next = robotInputs(fake, { access: [{ resource: "repository", action: "pull" }] });
    const u = await ops(fake, robotCrud).update(c.id, c.outs, next);
    assert.strictEqual(u.outs.secret, c.outs.secret);
    const w = fake.writes();
    assert.strictEqual(w.length, 1);
    assert.strictEqual(w[0].method, "PUT");
    assert.deepStrictEqual(w[0].body.permissions[0].access, [{ resource: "repository", action: "pull" }]);
    assert.strictEqual(w[0].body.name, "robot$platform+cluster-pull");
  });

  it("project or name change replaces the robot", () => {
    const o = {
      ...robotInputs(fake),
      robotId: 1,
      fullName: "robot$platform+cluster-pull",
      secret: "s",
      adopted: false,
    };
    assert.deepStrictEqual(robotCrud.diff(o, robotInputs(fake, { name: "other" })).replaces, ["name"]);
    assert.deepStrictEqual(robotCrud.diff(o, robotInputs(fake, { project: "apps" })).replaces, ["project"]);
  });

  it("delete twice succeeds; delete after the project was deleted succeeds", async () => {
    const c = await ops(fake, robotCrud).create(robotInputs(fake));
    await ops(fake, robotCrud).delete(c.id, c.outs);
    assert.strictEqual(fake.robots.size, 0);
    await ops(fake, robotCrud).delete(c.id, c.outs);
    const d = await ops(fake, robotCrud).create(robotInputs(fake));
    fake.projects.clear();
    await ops(fake, robotCrud).delete(d.id, d.outs);
  });

  it("read reports permissions and a deleted robot as gone", async () => {
    const c = await ops(fake, robotCrud).create(robotInputs(fake));
    const r = await ops(fake, robotCrud).read(c.id, c.outs);
    assert.deepStrictEqual(r.props?.access, PULL_ROBOT_ACCESS);
    fake.robots.clear();
    assert.deepStrictEqual(await ops(fake, robotCrud).read(c.id, c.outs), {});
  });
});

describe("harbor-config resources: ImmutableTagRule", () => {
  let fake: FakeHarbor;
  const inputs = (f: FakeHarbor, over: Partial<ImmutableRuleInputs> = {}): ImmutableRuleInputs => ({
    kind: "harbor:ImmutableTagRule",
    connection: connOf(f),
    project: "platform",
    tagPattern: RELEASE_TAG_PATTERN,
    repoPattern: "**",
    disabled: false,
    ...over,
  });
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
  const inputs = (f: FakeHarbor, over: Partial<RetentionInputs> = {}): RetentionInputs => ({
    kind: "harbor:RetentionPolicy",
    connection: connOf(f),
    project: "platform",
    keepLatestReleases: 10,
    buildTagDays: 14,
    schedule: "0 0 2 * * *",
    foreverTags: ["stable", "lts"],
    ...over,
  });
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

describe("harbor-config resources: system schedules, audit log forwarding, registry endpoints", () => {
  let fake: FakeHarbor;
  beforeEach(async () => (fake = await startFake()));
  afterEach(() => fake.stop());
  const conn = (): HarborConnection => connOf(fake);

  it("GC: created weekly with delete_untagged, adopted when one exists, updated, switched off twice", async () => {
    const g = ops(fake, gcCrud);
    const inputs = {
      kind: "harbor:GcSchedule",
      connection: conn(),
      schedule: "0 0 3 * * 0",
      deleteUntagged: true,
      workers: 1,
    };
    const c = await g.create(inputs);
    assert.strictEqual(c.outs.adopted, false);
    assert.deepStrictEqual(fake.writes()[0].body, {
      schedule: { type: "Custom", cron: "0 0 3 * * 0" },
      parameters: { delete_untagged: true, workers: 1, dry_run: false },
    });
    assert.strictEqual(fake.writes()[0].method, "POST");
    const again = await g.create(inputs);
    assert.strictEqual(again.outs.adopted, true);
    assert.strictEqual(fake.writes()[1].method, "PUT");
    await g.update(c.id, c.outs, { ...inputs, schedule: "0 30 4 * * 6" });
    assert.strictEqual(fake.gcSchedule.cron, "0 30 4 * * 6");
    const r = await g.read(c.id, c.outs);
    assert.strictEqual(r.props?.schedule, "0 30 4 * * 6");
    assert.strictEqual(r.props?.deleteUntagged, true);
    await g.delete(c.id, c.outs);
    assert.strictEqual(fake.gcSchedule, undefined);
    await g.delete(c.id, c.outs);
    assert.deepStrictEqual(await g.read(c.id, c.outs), {});
  });

  it("audit purge: purges every event type Harbor lists; falls back when it lists none", async () => {
    const p = ops(fake, purgeAuditCrud);
    const inputs = {
      kind: "harbor:PurgeAuditSchedule",
      connection: conn(),
      schedule: "0 0 4 * * *",
      retentionHours: 2160,
      eventTypes: [] as string[],
    };
    const c = await p.create(inputs);
    assert.deepStrictEqual(c.outs.purgedEventTypes, [...fake.auditEventTypes].sort());
    assert.strictEqual(
      fake.purgeSchedule.parameters.include_event_types,
      [...fake.auditEventTypes].sort().join(","),
    );
    assert.strictEqual(fake.purgeSchedule.parameters.audit_retention_hour, 2160);
    fake.auditEventTypes = [];
    const u = await p.update(c.id, c.outs, { ...inputs, retentionHours: 720 });
    assert.deepStrictEqual(u.outs.purgedEventTypes, ["create_artifact", "delete_artifact", "pull_artifact"]);
    await p.delete(c.id, c.outs);
    await p.delete(c.id, c.outs);
    assert.strictEqual(fake.purgeSchedule, undefined);
  });

  it("audit forwarding: set, read, changed, switched off", async () => {
    // Harbor dials the endpoint before accepting it: two listening "syslog receivers" on loopback.
    const receivers = [net.createServer((s) => s.destroy()), net.createServer((s) => s.destroy())];
    const ports: number[] = [];
    for (const r of receivers) {
      await new Promise<void>((resolve) => r.listen(0, "127.0.0.1", resolve));
      ports.push((r.address() as net.AddressInfo).port);
    }
    try {
      const f = ops(fake, auditForwardingCrud);
      const inputs = {
        kind: "harbor:AuditLogForwarding",
        connection: conn(),
        endpoint: `127.0.0.1:${ports[0]}`,
        skipDatabase: false,
      };
      const c = await f.create(inputs);
      assert.strictEqual(fake.configurations.audit_log_forward_endpoint, `127.0.0.1:${ports[0]}`);
      assert.strictEqual((await f.read(c.id, c.outs)).props?.endpoint, `127.0.0.1:${ports[0]}`);
      await f.update(c.id, c.outs, { ...inputs, endpoint: `127.0.0.1:${ports[1]}` });
      assert.strictEqual(fake.configurations.audit_log_forward_endpoint, `127.0.0.1:${ports[1]}`);
      await f.delete(c.id, c.outs);
      await f.delete(c.id, c.outs);
      assert.strictEqual(fake.configurations.audit_log_forward_endpoint, "");
      assert.deepStrictEqual(await f.read(c.id, c.outs), {});
    } finally {
      receivers.forEach((r) => r.close());
    }
  });

  it("registry endpoint + proxy-cache project: created, adopted, refused delete while in use, deleted twice", async () => {
    const reg = ops(fake, registryCrud);
    const inputs: RegistryInputs = {
      kind: "harbor:Registry",
      connection: conn(),
      name: "dockerhub-cache-upstream",
      type: "docker-hub",
      url: "https://registry-1.docker.io",
      description: "",
      insecure: false,
    };
    const c = await reg.create(inputs);
    const proxy = await projectCrud.create(
      clientOf(fake),
      projectInputs(fake, { name: "dockerhub-cache", registryId: c.outs.registryId, quotaGiB: -1 }),
    );
    assert.strictEqual(fake.projects.get(proxy.outs.projectId)!.registry_id, c.outs.registryId);
    const again = await reg.create({ ...inputs, description: "x" });
    assert.strictEqual(again.outs.adopted, true);
    assert.strictEqual(fake.registries.size, 1);
    assert.strictEqual(fake.registries.get(c.outs.registryId).description, "x");
    const e = await rejection(() => reg.delete(c.id, c.outs));
    assert.match(e.message, /HTTP 412 PRECONDITION: the registry is referenced by proxy cache projects/);
    await projectCrud.delete(clientOf(fake), proxy.id, proxy.outs);
    await reg.delete(c.id, c.outs);
    await reg.delete(c.id, c.outs);
    assert.strictEqual(fake.registries.size, 0);
    assert.deepStrictEqual(registryCrud.diff(c.outs, { ...inputs, type: "quay" }).replaces, ["type"]);
    assert.deepStrictEqual(fake.schemaErrors, []);
  });
});
