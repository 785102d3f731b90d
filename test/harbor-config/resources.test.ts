/**
 * CRUD and diff of every Harbor resource kind, exercised directly (no Pulumi) against the fake Harbor, one
 * fresh client per operation as the dynamic providers do.
 */
import * as assert from "assert";
import { UNKNOWN } from "../../components/harbor-config/client";
import { projectCrud, robotCrud } from "../../components/harbor-config/crud";
import {
  PULL_ROBOT_ACCESS,
  PUSH_ROBOT_ACCESS,
  READ_ONLY_ACTIONS,
} from "../../components/harbor-config/payloads";
import { FakeHarbor } from "./support/fake-harbor";
import { ops, projectInputs, robotInputs } from "./support/crud-ops";
import { clientOf, connOf, rejection, startFake } from "./support/setup";

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

  it("a proxy cache's registryId unknown in a preview (its endpoint has an update) is an update, not a replacement", () => {
    // The endpoint's registryId is an output: the preview of any update of the endpoint (a URL change, or a
    // connection change such as an admin password rotation) does not know it. `pulumi up` diffs again with it
    // known: the same id is no change, a new one a replacement.
    const base = { ...projectInputs(fake, { registryId: 7 }), projectId: 1, adopted: false };
    assert.deepStrictEqual(projectCrud.diff(base, projectInputs(fake, { registryId: UNKNOWN as never })), {
      changes: true,
      replaces: [],
    });
    assert.deepStrictEqual(projectCrud.diff(base, projectInputs(fake, { registryId: 7 })), {
      changes: false,
      replaces: [],
    });
    assert.deepStrictEqual(projectCrud.diff(base, projectInputs(fake, { registryId: 8 })), {
      changes: true,
      replaces: ["registryId"],
    });
    // A regular project that becomes a proxy cache is a replacement, known id or not.
    const regular = { ...projectInputs(fake), projectId: 1, adopted: false };
    assert.deepStrictEqual(projectCrud.diff(regular, projectInputs(fake, { registryId: UNKNOWN as never })), {
      changes: true,
      replaces: ["registryId"],
    });
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

  it("read shows a severity outside Harbor's five values as read, and the next update writes the declared one", async () => {
    const p = ops(fake, projectCrud);
    const c = await p.create(projectInputs(fake, { severity: "high" }));
    const meta = fake.projects.get(c.outs.projectId)!.metadata;
    meta.severity = "negligible";
    const r = await p.read(c.id, c.outs);
    assert.strictEqual(r.props?.severity, "negligible");
    assert.deepStrictEqual(projectCrud.diff(r.props, projectInputs(fake, { severity: "high" })), {
      changes: true,
      replaces: [],
    });
    await p.update(c.id, r.props, projectInputs(fake, { severity: "high" }));
    assert.strictEqual(meta.severity, "high");
    // No severity in Harbor's metadata: nothing to compare, the state keeps its value.
    delete meta.severity;
    assert.strictEqual((await p.read(c.id, c.outs)).props?.severity, "high");
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

  it("a robot disabled in Harbor shows as drift on refresh, and the update enables it again", async () => {
    const c = await ops(fake, robotCrud).create(robotInputs(fake));
    fake.robots.get(c.outs.robotId)!.disable = true; // someone disables it in Harbor's UI
    const r = await ops(fake, robotCrud).read(c.id, c.outs);
    assert.strictEqual(robotCrud.diff(r.props!, robotInputs(fake)).changes, true);
    fake.clearLog();
    await ops(fake, robotCrud).update(c.id, r.props!, robotInputs(fake));
    assert.strictEqual(fake.robots.get(c.outs.robotId)!.disable, false);
    assert.deepStrictEqual(
      fake.writes().map((w) => [w.method, w.body.disable]),
      [["PUT", false]],
    );
    // Enabled again: the next refresh is quiet.
    const again = await ops(fake, robotCrud).read(c.id, c.outs);
    assert.strictEqual(robotCrud.diff(again.props!, robotInputs(fake)).changes, false);
  });

  it("read reports permissions and a deleted robot as gone", async () => {
    const c = await ops(fake, robotCrud).create(robotInputs(fake));
    const r = await ops(fake, robotCrud).read(c.id, c.outs);
    assert.deepStrictEqual(r.props?.access, PULL_ROBOT_ACCESS);
    fake.robots.clear();
    assert.deepStrictEqual(await ops(fake, robotCrud).read(c.id, c.outs), {});
  });
});
