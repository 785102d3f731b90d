/**
 * The replication kinds against the fake Harbor: create, read back with no diff, adopt, update, delete twice —
 * for the push policy and the peer's registry endpoint (the replica's system-level robot: harbor-robot.test.ts).
 */
import * as assert from "assert";
import { registryCrud, RegistryInputs } from "../../components/harbor-config/crud";
import { normalizePolicy, replicationPolicyBody } from "../../components/replication/harbor/payloads";
import { ReplicationPolicyInputs, replicationPolicyCrud } from "../../components/replication/harbor/policy";
import { replicationPlan } from "../../components/replication/plan";
import { FakeHarbor } from "../harbor-config/support/fake-harbor";
import { clientOf, connOf, rejection, startFake } from "../harbor-config/support/setup";
import { ReplicationFake } from "./support/fake-replication";

const [PEER] = replicationPlan(
  [
    {
      stack: "organization/registry-platform/prod-apne1",
      repositories: "**",
      tags: "v*",
      deletion: false,
      trigger: { eventBased: true, reconcileSchedule: "0 30 4 * * *" },
      speed: -1,
      override: true,
      copyByChunk: true,
      enabled: true,
      backupReplication: { replicationTime: false },
    },
  ],
  ["platform", "apps"],
  true,
);

describe("replication kinds against the fake Harbor", function () {
  this.timeout(30000);
  let fake: FakeHarbor;
  let repl: ReplicationFake;
  let registryId: number;

  const endpointInputs = (fk: FakeHarbor, over: Partial<RegistryInputs> = {}): RegistryInputs => ({
    kind: "harbor:Registry",
    connection: connOf(fk),
    name: PEER.endpointName,
    type: "harbor",
    url: "https://registry.apne1.example.com",
    description: "Replication peer organization/registry-platform/prod-apne1 (registry-platform)",
    insecure: false,
    caCertificate: "-----BEGIN CERTIFICATE-----\nQVBORTE=\n-----END CERTIFICATE-----\n",
    accessKey: "robot$replication",
    accessSecret: "first-secret",
    ...over,
  });
  const policyInputs = (i: number, over: Partial<ReplicationPolicyInputs> = {}): ReplicationPolicyInputs => ({
    kind: "harbor:ReplicationPolicy",
    connection: connOf(fake),
    ...PEER.policies[i],
    destRegistryId: registryId,
    ...over,
  });

  beforeEach(async () => {
    fake = await startFake();
    repl = new ReplicationFake(fake);
    const { outs } = await registryCrud.create(clientOf(fake), endpointInputs(fake));
    registryId = outs.registryId;
  });
  afterEach(async () => {
    await fake.stop();
    // Every body sent matched Harbor's API definitions (swagger 2.15.1).
    assert.deepStrictEqual(fake.schemaErrors, []);
  });

  describe("harbor:ReplicationPolicy", () => {
    it("creates the event-based and the reconcile policy with the planned body", async () => {
      for (const i of [0, 1]) {
        const { id, outs } = await replicationPolicyCrud.create(clientOf(fake), policyInputs(i));
        assert.strictEqual(outs.adopted, false);
        const stored = repl.policies.get(Number(id));
        const { deletion, replicate_deletion, ...body } = replicationPolicyBody({
          ...PEER.policies[i],
          destRegistryId: registryId,
        });
        // Sent twice: Harbor reads the deprecated `deletion` (see the next test).
        assert.deepStrictEqual(
          [deletion, replicate_deletion],
          [PEER.policies[i].deletion, PEER.policies[i].deletion],
        );
        assert.deepStrictEqual(
          { ...stored, id: undefined },
          { ...body, id: undefined, replicateDeletion: deletion },
        );
      }
      const [event, reconcile] = [
        repl.policyByName("to-prod-apne1"),
        repl.policyByName("to-prod-apne1-reconcile"),
      ];
      assert.deepStrictEqual(event.trigger, { type: "event_based", trigger_settings: { cron: "" } });
      assert.deepStrictEqual(reconcile.trigger, {
        type: "scheduled",
        trigger_settings: { cron: "0 30 4 * * *" },
      });
      assert.deepStrictEqual(event.filters, [
        { type: "name", value: "{apps,platform}/**" },
        { type: "tag", value: "v*", decoration: "matches" },
      ]);
      assert.strictEqual(event.dest_namespace, "");
      assert.strictEqual(event.copy_by_chunk, true);
    });

    it("replicated deletions reach Harbor, which reads only the deprecated `deletion` (as real v2.15.1 did)", async () => {
      const inputs = policyInputs(0, { deletion: true });
      const { id, outs } = await replicationPolicyCrud.create(clientOf(fake), inputs);
      assert.strictEqual(repl.policies.get(Number(id)).replicateDeletion, true);
      const read = await replicationPolicyCrud.read(clientOf(fake), id, outs);
      assert.strictEqual(read.props!.deletion, true);
      assert.deepStrictEqual(replicationPolicyCrud.diff(read.props!, inputs), {
        changes: false,
        replaces: [],
      });
      // What the body sent before: `replicate_deletion` alone is stored as no deletion, a diff on every refresh.
      const { deletion: _d, ...alone } = replicationPolicyBody({
        ...PEER.policies[0],
        deletion: true,
        destRegistryId: registryId,
      });
      void _d;
      const put = await clientOf(fake).request({
        method: "PUT",
        path: `/replication/policies/${id}`,
        body: alone,
      });
      assert.strictEqual(put.status, 200);
      const again = await replicationPolicyCrud.read(clientOf(fake), id, outs);
      assert.strictEqual(again.props!.deletion, false);
      assert.strictEqual(replicationPolicyCrud.diff(again.props!, inputs).changes, true);
    });

    it("reads back what Harbor holds with no diff, and shows drift made in Harbor", async () => {
      const inputs = policyInputs(0);
      const { id, outs } = await replicationPolicyCrud.create(clientOf(fake), inputs);
      const read = await replicationPolicyCrud.read(clientOf(fake), id, outs);
      assert.strictEqual(read.id, id);
      assert.deepStrictEqual(replicationPolicyCrud.diff(read.props!, inputs), {
        changes: false,
        replaces: [],
      });
      // Someone disables the policy and widens the filter in the UI.
      const p = repl.policies.get(Number(id));
      p.enabled = false;
      p.filters = [{ type: "name", value: "**" }];
      const drifted = await replicationPolicyCrud.read(clientOf(fake), id, outs);
      assert.strictEqual(drifted.props!.enabled, false);
      assert.deepStrictEqual(drifted.props!.filters, { name: "**" });
      assert.strictEqual(replicationPolicyCrud.diff(drifted.props!, inputs).changes, true);
    });

    it("a filter Harbor holds beyond the declared ones, or a tag filter turned to excludes, shows as drift", async () => {
      const inputs = policyInputs(0);
      const { id, outs } = await replicationPolicyCrud.create(clientOf(fake), inputs);
      const p = repl.policies.get(Number(id));
      const declared = p.filters;
      // Someone turns the tag filter into an exclusion in the UI.
      p.filters = [
        { type: "name", value: "{apps,platform}/**" },
        { type: "tag", value: "v*", decoration: "excludes" },
      ];
      const excluded = await replicationPolicyCrud.read(clientOf(fake), id, outs);
      assert.strictEqual(replicationPolicyCrud.diff(excluded.props!, inputs).changes, true);
      // Someone adds a label filter (or a resource filter) in the UI.
      p.filters = [...declared, { type: "label", value: ["team-a"], decoration: "matches" }];
      const labelled = await replicationPolicyCrud.read(clientOf(fake), id, outs);
      assert.strictEqual(replicationPolicyCrud.diff(labelled.props!, inputs).changes, true);
      // The update puts the declared filters back, and the next refresh is quiet.
      await replicationPolicyCrud.update(clientOf(fake), id, labelled.props!, inputs);
      assert.deepStrictEqual(repl.policies.get(Number(id)).filters, declared);
      const again = await replicationPolicyCrud.read(clientOf(fake), id, outs);
      assert.deepStrictEqual(replicationPolicyCrud.diff(again.props!, inputs), {
        changes: false,
        replaces: [],
      });
    });

    it("normalization: Harbor's extra fields, deprecated deletion, filter order and empty crons compare equal", () => {
      const body = replicationPolicyBody({ ...PEER.policies[0], destRegistryId: 4 });
      const harbor = {
        ...body,
        id: 9,
        src_registry: { id: 0 },
        dest_registry: { id: 4, credential: { access_secret: "*****" } },
        deletion: false,
        filters: [...(body.filters as unknown[])].reverse(),
        trigger: { type: "event_based", trigger_settings: { cron: "" } },
        dest_namespace_replace_count: -1,
      };
      const { srcRegistryId, ...n } = normalizePolicy(harbor);
      assert.strictEqual(srcRegistryId, 0);
      const { srcRegistryId: _s, ...m } = normalizePolicy(body);
      assert.deepStrictEqual(n, m);
    });

    it("adopts an existing policy of the same name: no write when equal, one PUT when not", async () => {
      const first = await replicationPolicyCrud.create(clientOf(fake), policyInputs(0));
      fake.clearLog();
      const again = await replicationPolicyCrud.create(clientOf(fake), policyInputs(0));
      assert.strictEqual(again.id, first.id);
      assert.strictEqual(again.outs.adopted, true);
      assert.deepStrictEqual(
        fake.writes().map((w) => `${w.method} ${w.path}`),
        ["POST /replication/policies"],
      );
      fake.clearLog();
      await replicationPolicyCrud.create(clientOf(fake), policyInputs(0, { speed: 2048 }));
      assert.deepStrictEqual(
        fake.writes().map((w) => w.method),
        ["POST", "PUT"],
      );
      assert.strictEqual(repl.policies.get(Number(first.id)).speed, 2048);
      assert.strictEqual(repl.policies.size, 1);
    });

    it("updates in place; a rename replaces", async () => {
      const inputs = policyInputs(0);
      const { id, outs } = await replicationPolicyCrud.create(clientOf(fake), inputs);
      const news = policyInputs(0, { deletion: true, trigger: { type: "manual" } });
      assert.deepStrictEqual(replicationPolicyCrud.diff(outs, news), { changes: true, replaces: [] });
      await replicationPolicyCrud.update(clientOf(fake), id, outs, news);
      assert.strictEqual(repl.policies.get(Number(id)).replicateDeletion, true);
      assert.deepStrictEqual(replicationPolicyCrud.diff(outs, policyInputs(0, { name: "other" })).replaces, [
        "name",
      ]);
    });

    it("rejected by Harbor: an unknown endpoint, a taken name; delete is idempotent and says what to do on 412", async () => {
      const e = await rejection(() =>
        replicationPolicyCrud.create(clientOf(fake), policyInputs(0, { destRegistryId: 999 })),
      );
      assert.match(e.message, /HTTP 400.*registry 999 not found/);
      // Harbor's policy validation: a scheduled trigger's seconds field is 0 and its minutes field not `*`.
      for (const cron of ["30 0 4 * * *", "0 * 4 * * *"]) {
        const bad = await rejection(() =>
          replicationPolicyCrud.create(
            clientOf(fake),
            policyInputs(1, { trigger: { type: "scheduled", cron } }),
          ),
        );
        assert.match(bad.message, /HTTP 400/);
      }
      const { id, outs } = await replicationPolicyCrud.create(clientOf(fake), policyInputs(0));
      repl.running.add(Number(id));
      const busy = await rejection(() => replicationPolicyCrud.delete(clientOf(fake), id, outs));
      assert.match(
        busy.message,
        /refuses to delete replication policy "to-prod-apne1" while it has running executions: stop them/,
      );
      // Harbor's status and own message are kept (SPEC R4.8).
      assert.match(
        busy.message,
        /HTTP 412 PRECONDITION: the policy has running executions, can not be deleted/,
      );
      repl.running.clear();
      await replicationPolicyCrud.delete(clientOf(fake), id, outs);
      await replicationPolicyCrud.delete(clientOf(fake), id, outs);
      assert.strictEqual(repl.policies.size, 0);
    });
  });

  describe("harbor:Registry as a peer endpoint", () => {
    it("a robot or CA rotation on the peer updates the endpoint in place", async () => {
      const olds = { ...endpointInputs(fake), registryId, adopted: false };
      for (const change of [
        { accessSecret: "rotated" },
        { caCertificate: "-----BEGIN CERTIFICATE-----\nTkVX\n-----END CERTIFICATE-----\n" },
        { accessKey: "robot$replication2" },
      ]) {
        const news = endpointInputs(fake, change);
        assert.deepStrictEqual(
          registryCrud.diff(olds, news),
          { changes: true, replaces: [] },
          JSON.stringify(change),
        );
      }
      fake.clearLog();
      await registryCrud.update(
        clientOf(fake),
        String(registryId),
        olds,
        endpointInputs(fake, { accessSecret: "rotated" }),
      );
      const put = fake.writes().find((w) => w.method === "PUT" && w.path === `/registries/${registryId}`);
      assert.strictEqual(put?.body.access_secret, "rotated");
      assert.strictEqual(put?.body.access_key, "robot$replication");
      assert.strictEqual(put?.body.insecure, false);
    });
  });
});
