/**
 * CRUD and diff of the system kinds (GC and audit purge schedules, audit log forwarding) and registry endpoints
 * against the fake Harbor, one fresh client per operation as the dynamic providers do.
 */
import * as assert from "assert";
import * as net from "net";
import { HarborConnection } from "../../components/harbor-config/client";
import {
  auditForwardingCrud,
  gcCrud,
  projectCrud,
  purgeAuditCrud,
  registryCrud,
  RegistryInputs,
} from "../../components/harbor-config/crud";
import { FakeHarbor } from "./support/fake-harbor";
import { ops, projectInputs } from "./support/crud-ops";
import { clientOf, connOf, rejection, startFake } from "./support/setup";

describe("harbor-config resources: system schedules, audit log forwarding, registry endpoints", () => {
  let fake: FakeHarbor;
  beforeEach(async () => (fake = await startFake()));
  afterEach(() => fake.stop());
  const conn = (): HarborConnection => connOf(fake);
  /** A daily purge of every event type Harbor lists, kept 90 days. */
  const purgeInputs = () => ({
    kind: "harbor:PurgeAuditSchedule",
    connection: conn(),
    schedule: "0 0 4 * * *",
    retentionHours: 2160,
    eventTypes: [] as string[],
  });

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
    const inputs = purgeInputs();
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

  it("audit purge: event types changed in Harbor are drift; the update puts the declared ones back", async () => {
    const p = ops(fake, purgeAuditCrud);
    const inputs = purgeInputs();
    const c = await p.create(inputs);
    const all = [...fake.auditEventTypes].sort();
    // Unchanged in Harbor: no drift.
    const same = await p.read(c.id, c.outs);
    assert.strictEqual(p.diff(same.props!, inputs).changes, false);
    // Someone narrowed the purge to one event type in Harbor's UI.
    fake.purgeSchedule.parameters.include_event_types = "pull_artifact";
    const r = await p.read(c.id, c.outs);
    assert.deepStrictEqual(r.props?.purgedEventTypes, ["pull_artifact"]);
    assert.strictEqual(p.diff(r.props, inputs).changes, true);
    const u = await p.update(c.id, r.props, inputs);
    assert.deepStrictEqual(u.outs.purgedEventTypes, all);
    assert.strictEqual(fake.purgeSchedule.parameters.include_event_types, all.join(","));
    assert.strictEqual(p.diff((await p.read(c.id, u.outs)).props!, inputs).changes, false);
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
