/**
 * An update that only changes a Harbor resource's connection (a password or CA rotation, an upgrade that
 * changes what the connection holds) or its provider text: the provider stores them and keeps its outputs, and
 * Harbor gets no request — also for the kinds whose update is a full PUT (immutable rule, retention, GC, audit
 * purge, registry endpoint), which would otherwise re-send unchanged settings (and have Harbor ping the upstream).
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { HarborConnection } from "../../components/harbor-config/client";
import { nestInputs } from "../../components/harbor-config/shape";
import { harborProviderImpl } from "../../components/harbor-config/provider";
import { FakeHarbor } from "./support/fake-harbor";
import {
  connOf,
  immutableRuleInputs,
  projectInputs,
  retentionInputs,
  robotInputs,
  startFake,
} from "./support/setup";

type Provider = Required<pulumi.dynamic.ResourceProvider>;
type Props = Record<string, unknown>;
const provider = harborProviderImpl as Provider;

/** Each kind's inputs on `fake`, as the program registers them (engine layout: settings under `spec`). */
function kinds(fake: FakeHarbor): Record<string, (conn: HarborConnection) => Props> {
  const flat = {
    project: (c: HarborConnection) => ({ ...projectInputs(fake), connection: c }),
    robot: (c: HarborConnection) => ({ ...robotInputs(fake), connection: c }),
    immutableRule: (c: HarborConnection) => ({ ...immutableRuleInputs(fake), connection: c }),
    retention: (c: HarborConnection) => ({ ...retentionInputs(fake), connection: c }),
    gc: (c: HarborConnection) => ({
      kind: "harbor:GcSchedule",
      connection: c,
      schedule: "0 0 3 * * 0",
      deleteUntagged: true,
      workers: 1,
    }),
    registry: (c: HarborConnection) => ({
      kind: "harbor:Registry",
      connection: c,
      name: "quay-upstream",
      type: "quay",
      url: "https://quay.io/",
      description: "",
      insecure: false,
    }),
    purge: (c: HarborConnection) => ({
      kind: "harbor:PurgeAuditSchedule",
      connection: c,
      schedule: "0 0 4 * * *",
      retentionHours: 2160,
      eventTypes: [] as string[],
    }),
  };
  return Object.fromEntries(
    Object.entries(flat).map(([k, f]) => [
      k,
      (c: HarborConnection) => ({ ...nestInputs(f(c)), __provider: "v1" }),
    ]),
  );
}

describe("harbor-config: an update of the connection or the provider text only", function () {
  this.timeout(30_000);
  let fake: FakeHarbor;
  beforeEach(async () => (fake = await startFake()));
  afterEach(() => fake.stop());

  it("stores the new connection and provider text, keeps the outputs, and sends Harbor nothing (7 of the 10 kinds; one wrapper serves all)", async () => {
    const created: Record<string, { id: string; outs: Props }> = {};
    for (const [kind, inputs] of Object.entries(kinds(fake))) {
      const r = await provider.create(inputs(connOf(fake)));
      created[kind] = { id: r.id, outs: { ...(r.outs as Props), __provider: "v1" } };
    }
    fake.clearLog();
    const rotated = connOf(fake, { password: "rotated", caPem: "-----BEGIN CERTIFICATE-----\nROOT\n" });
    for (const [kind, inputs] of Object.entries(kinds(fake))) {
      const { id, outs } = created[kind];
      const news = { ...inputs(rotated), __provider: "v2" };
      assert.deepStrictEqual(await provider.diff(id, outs, news), { changes: true, replaces: [] }, kind);
      const u = (await provider.update(id, outs, news)).outs as Props;
      assert.deepStrictEqual(u.connection, rotated, `${kind}: the state keeps the current connection`);
      assert.strictEqual(u.__provider, "v2", kind);
      const { connection: _c, __provider: _p, ...kept } = outs;
      const { connection: _c2, __provider: _p2, ...now } = u;
      assert.deepStrictEqual(now, kept, `${kind}: every other input and output as before`);
      assert.deepStrictEqual(await provider.diff(id, u, news), { changes: false, replaces: [] }, kind);
    }
    assert.deepStrictEqual(
      fake.requests.map((r) => `${r.method} ${r.path}`),
      [],
      "nothing sent to Harbor (the rotated password would be refused)",
    );
  });

  it("a real change with the new connection still reaches Harbor, with the new credentials", async () => {
    const gc = kinds(fake).gc;
    const c = await provider.create(gc(connOf(fake)));
    fake.clearLog();
    const news = gc(connOf(fake, { requestTimeoutMs: 900 }));
    (news.spec as Props).workers = 3;
    const u = (await provider.update(c.id, c.outs, news)).outs as Props;
    assert.deepStrictEqual(
      fake.writes().map((w) => `${w.method} ${w.path}`),
      ["PUT /system/gc/schedule"],
    );
    assert.strictEqual((u.spec as Props).workers, 3);
    assert.strictEqual((u.connection as HarborConnection).requestTimeoutMs, 900);
  });
});
