/**
 * The replica's system-level replication robot (`harbor:SystemRobotAccount`) against the fake Harbor: create, read
 * back with no diff, adopt, update, rotate, delete twice. That its permissions suffice for a primary's push
 * replication (and replicated deletions) was seen on a real Harbor v2.15.1: see components/replication/README.md.
 */
import * as assert from "assert";
import { SystemRobotInputs, systemRobotCrud } from "../../components/replication/harbor/system-robot";
import { replicationRobotPermissions } from "../../components/replication/target";
import { FakeHarbor } from "../harbor-config/support/fake-harbor";
import { clientOf, connOf, projectInputs, rejection, startFake } from "../harbor-config/support/setup";
import { projectCrud } from "../../components/harbor-config/crud";
import { ReplicationFake } from "./support/fake-replication";

describe("replication: the replica's robot against the fake Harbor", function () {
  this.timeout(30000);
  let fake: FakeHarbor;
  let repl: ReplicationFake;

  beforeEach(async () => {
    fake = await startFake();
    repl = new ReplicationFake(fake);
  });
  afterEach(async () => {
    await fake.stop();
    // Every body sent matched Harbor's API definitions (swagger 2.15.1).
    assert.deepStrictEqual(fake.schemaErrors, []);
  });

  describe("harbor:SystemRobotAccount (the replica's replication robot)", () => {
    const robotInputs = (over: Partial<SystemRobotInputs> = {}): SystemRobotInputs => ({
      kind: "harbor:SystemRobotAccount",
      connection: connOf(fake),
      name: "replication",
      description: "Replication robot",
      duration: -1,
      permissions: replicationRobotPermissions(["platform", "apps"], false),
      rotation: "1",
      ...over,
    });
    beforeEach(async () => {
      for (const name of ["platform", "apps"])
        await projectCrud.create(clientOf(fake), projectInputs(fake, { name }));
    });

    it("creates robot$replication with push-only project permissions and returns its secret", async () => {
      const { outs } = await systemRobotCrud.create(clientOf(fake), robotInputs());
      assert.strictEqual(outs.fullName, "robot$replication");
      assert.match(outs.secret, /^Sys/);
      const stored = repl.robotByName("replication")!;
      assert.deepStrictEqual(
        stored.permissions.map((p) => [
          p.kind,
          p.namespace,
          p.access.map((a: { resource: string; action: string }) => `${a.resource}:${a.action}`),
        ]),
        [
          [
            "project",
            "apps",
            ["repository:pull", "repository:push", "artifact:read", "tag:list", "tag:create"],
          ],
          [
            "project",
            "platform",
            ["repository:pull", "repository:push", "artifact:read", "tag:list", "tag:create"],
          ],
        ],
      );
    });

    it("reads back reordered permissions with no diff; a permission removed in Harbor shows", async () => {
      const inputs = robotInputs();
      const { id, outs } = await systemRobotCrud.create(clientOf(fake), inputs);
      const read = await systemRobotCrud.read(clientOf(fake), id, outs);
      assert.deepStrictEqual(systemRobotCrud.diff(read.props!, inputs), { changes: false, replaces: [] });
      repl.systemRobots.get(Number(id))!.permissions[0].access.pop();
      const drifted = await systemRobotCrud.read(clientOf(fake), id, outs);
      assert.strictEqual(systemRobotCrud.diff(drifted.props!, inputs).changes, true);
    });

    it("adopts an existing robot (permissions converged, secret refreshed); rotation refreshes; delete twice", async () => {
      const first = await systemRobotCrud.create(clientOf(fake), robotInputs({ permissions: [] }));
      const again = await systemRobotCrud.create(clientOf(fake), robotInputs());
      assert.strictEqual(again.id, first.id);
      assert.strictEqual(again.outs.adopted, true);
      assert.notStrictEqual(again.outs.secret, first.outs.secret);
      assert.strictEqual(repl.robotByName("replication")!.permissions.length, 2);
      const rotated = await systemRobotCrud.update(
        clientOf(fake),
        again.id,
        again.outs,
        robotInputs({ rotation: "2" }),
      );
      assert.notStrictEqual(rotated.outs.secret, again.outs.secret);
      assert.strictEqual(rotated.outs.secret, repl.robotByName("replication")!.secret);
      await systemRobotCrud.delete(clientOf(fake), again.id, rotated.outs);
      await systemRobotCrud.delete(clientOf(fake), again.id, rotated.outs);
      assert.strictEqual(repl.systemRobots.size, 0);
    });

    it("a robot disabled in Harbor shows as drift on refresh, and the update enables it again", async () => {
      const inputs = robotInputs();
      const { id, outs } = await systemRobotCrud.create(clientOf(fake), inputs);
      repl.systemRobots.get(Number(id))!.disable = true; // someone disables it in Harbor's UI
      const drifted = await systemRobotCrud.read(clientOf(fake), id, outs);
      assert.strictEqual(systemRobotCrud.diff(drifted.props!, inputs).changes, true);
      await systemRobotCrud.update(clientOf(fake), id, drifted.props!, inputs);
      assert.strictEqual(repl.systemRobots.get(Number(id))!.disable, false);
      const again = await systemRobotCrud.read(clientOf(fake), id, outs);
      assert.deepStrictEqual(systemRobotCrud.diff(again.props!, inputs), { changes: false, replaces: [] });
    });

    it("a system-wide permission added in Harbor shows as drift, and the update removes it", async () => {
      const inputs = robotInputs();
      const { id, outs } = await systemRobotCrud.create(clientOf(fake), inputs);
      // Someone grants the replication robot system-wide rights in Harbor's UI.
      repl.systemRobots.get(Number(id))!.permissions.push({
        kind: "system",
        namespace: "/",
        access: [{ resource: "user", action: "create" }],
      });
      const drifted = await systemRobotCrud.read(clientOf(fake), id, outs);
      assert.strictEqual(systemRobotCrud.diff(drifted.props!, inputs).changes, true);
      await systemRobotCrud.update(clientOf(fake), id, drifted.props!, inputs);
      assert.deepStrictEqual(
        repl.systemRobots.get(Number(id))!.permissions.map((p) => p.kind),
        ["project", "project"],
      );
      const again = await systemRobotCrud.read(clientOf(fake), id, outs);
      assert.deepStrictEqual(systemRobotCrud.diff(again.props!, inputs), { changes: false, replaces: [] });
    });

    it("refuses a robot for a project that does not exist, naming it", async () => {
      const e = await rejection(() =>
        systemRobotCrud.create(
          clientOf(fake),
          robotInputs({ permissions: replicationRobotPermissions(["nope"], false) }),
        ),
      );
      assert.match(e.message, /HTTP 404.*project nope not found/);
    });
  });
});
