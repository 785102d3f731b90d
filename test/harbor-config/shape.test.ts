/**
 * The `spec` layout of Harbor resources (components/harbor-config/shape.ts): what the program registers, how the
 * provider converts at its edges (the CRUD code sees the flat view), and how a state from before the layout is
 * read, deleted and rewritten by the next update.
 */
import * as assert from "assert";
import type { HarborClient } from "../../components/harbor-config/client";
import { BaseInputs, Crud } from "../../components/harbor-config/crud";
import { Project } from "../../components/harbor-config/dynamic";
import { HARBOR_KIND } from "../../components/harbor-config/kinds";
import { dynamicProvider, harborCruds } from "../../components/harbor-config/provider";
import { flatView, isNested, nestInputs, nestLike } from "../../components/harbor-config/shape";
import { runComponent } from "../harness";

type P = BaseInputs & Record<string, unknown>;

const connection = { url: "https://h.example", username: "admin", password: "pw" };

/** A CRUD that records the flat inputs it is given and echoes them with an id. */
function recordingCrud(calls: { op: string; args: unknown[] }[]): Crud<P, P> {
  return {
    kind: "harbor:Test",
    diff: (olds, news) => {
      calls.push({ op: "diff", args: [olds, news] });
      return olds.name === news.name
        ? { changes: olds.size !== news.size, replaces: [] }
        : { changes: true, replaces: ["name"] };
    },
    create: (_c: HarborClient, inputs) => {
      calls.push({ op: "create", args: [inputs] });
      return Promise.resolve({ id: "7", outs: { ...inputs, testId: 7 } });
    },
    read: (_c: HarborClient, id, props) => {
      calls.push({ op: "read", args: [id, props] });
      return Promise.resolve({ id, props: { ...props, size: 3 } });
    },
    update: (_c: HarborClient, _id, olds, news) => {
      calls.push({ op: "update", args: [olds, news] });
      return Promise.resolve({ outs: { ...news, testId: olds.testId } });
    },
    delete: (_c: HarborClient, id, props) => {
      calls.push({ op: "delete", args: [id, props] });
      return Promise.resolve();
    },
  };
}

const nested = (spec: Record<string, unknown>, top: Record<string, unknown> = {}): P => ({
  kind: "harbor:Test",
  connection,
  ...top,
  spec,
});
const flat = (fields: Record<string, unknown>): P => ({ kind: "harbor:Test", connection, ...fields });

describe("harbor-config: the spec layout of Harbor resources", () => {
  it("nestInputs keeps connection and the declared outputs top-level; the rest, kind included, goes under spec", () => {
    assert.deepStrictEqual(
      nestInputs({ kind: "k", connection, name: "apps", public: false, projectId: undefined }),
      { connection, projectId: undefined, spec: { kind: "k", name: "apps", public: false } },
    );
    assert.deepStrictEqual(nestInputs({ kind: "k", connection, name: "apps", public: false }, ["name"]), {
      connection,
      name: "apps",
      spec: { kind: "k", public: false },
    });
  });

  it("a state with kind top-level (written before kind moved under spec) is no change, and is read and deleted", async () => {
    const calls: { op: string; args: unknown[] }[] = [];
    const provider = dynamicProvider(recordingCrud(calls));
    const old = nested({ name: "apps", size: 1 }, { testId: 7 }); // kind top-level
    const news = { connection, spec: { kind: "harbor:Test", name: "apps", size: 1 } } as unknown as P;
    const d = await provider.diff!("7", old, news);
    assert.strictEqual(d.changes, false);
    assert.deepStrictEqual(calls[0].args, [
      flat({ name: "apps", size: 1, testId: 7 }),
      flat({ name: "apps", size: 1 }),
    ]);
    const r = await provider.read!("7", old);
    assert.deepStrictEqual(r.props, nested({ name: "apps", size: 3 }, { testId: 7 }));
    await provider.delete!("7", old);
    assert.deepStrictEqual(calls.at(-1), {
      op: "delete",
      args: ["7", flat({ name: "apps", size: 1, testId: 7 })],
    });
    // The next real update writes the new layout: kind under spec, the computed output top-level.
    const u = await provider.update!("7", old, {
      connection,
      spec: { kind: "harbor:Test", name: "apps", size: 2 },
    });
    assert.deepStrictEqual(u.outs, {
      connection,
      testId: 7,
      spec: { kind: "harbor:Test", name: "apps", size: 2 },
    });
  });

  it("flatView and nestLike are inverse; a flat (older) layout passes through both unchanged", () => {
    const n = nested({ name: "apps", size: 1 }, { testId: 7 });
    const f = flatView(n);
    assert.deepStrictEqual(f, flat({ name: "apps", size: 1, testId: 7 }));
    assert.deepStrictEqual(nestLike(f, n), n);
    const old = flat({ name: "apps", size: 1 });
    assert.strictEqual(flatView(old), old);
    assert.strictEqual(nestLike(old, old), old);
    assert.strictEqual(isNested(old), false);
    assert.strictEqual(isNested(n), true);
  });

  it("provider: the CRUD sees flat inputs; create answers in the spec layout with its outputs top-level", async () => {
    const calls: { op: string; args: unknown[] }[] = [];
    const p = dynamicProvider(recordingCrud(calls));
    const r = await p.create(nested({ name: "apps", size: 1 }));
    assert.deepStrictEqual(calls[0], { op: "create", args: [flat({ name: "apps", size: 1 })] });
    assert.deepStrictEqual(r, { id: "7", outs: nested({ name: "apps", size: 1 }, { testId: 7 }) });
  });

  it("provider: same inputs → no change; a changed identity replaces the `spec` property", async () => {
    const p = dynamicProvider(recordingCrud([]));
    const olds = nested({ name: "apps", size: 1 }, { testId: 7 });
    assert.strictEqual((await p.diff!("7", olds, nested({ name: "apps", size: 1 }))).changes, false);
    const renamed = await p.diff!("7", olds, nested({ name: "web", size: 1 }));
    assert.deepStrictEqual([renamed.changes, renamed.replaces], [true, ["spec"]]);
  });

  it("provider: a flat state from before the layout is no change by itself; a real change updates it with the flat old and new inputs and stores the new layout", async () => {
    const calls: { op: string; args: unknown[] }[] = [];
    const p = dynamicProvider(recordingCrud(calls));
    const old = flat({ name: "apps", size: 1, testId: 7 });
    const same = await p.diff!("7", old, nested({ name: "apps", size: 1 }));
    assert.deepStrictEqual([same.changes, same.replaces], [false, []]);
    const news = nested({ name: "apps", size: 2 });
    assert.strictEqual((await p.diff!("7", old, news)).changes, true);
    const u = await p.update!("7", old, news);
    assert.deepStrictEqual(
      calls.find((c) => c.op === "update"),
      { op: "update", args: [old, flat({ name: "apps", size: 2 })] },
    );
    assert.deepStrictEqual(u.outs, nested({ name: "apps", size: 2 }, { testId: 7 }));
  });

  it("provider: read and delete of a flat state work on it as it is; of the new layout, keep the layout", async () => {
    const calls: { op: string; args: unknown[] }[] = [];
    const p = dynamicProvider(recordingCrud(calls));
    const old = flat({ name: "apps", size: 1, testId: 7 });
    assert.deepStrictEqual((await p.read!("7", old)).props, { ...old, size: 3 });
    const cur = nested({ name: "apps", size: 1 }, { testId: 7 });
    assert.deepStrictEqual((await p.read!("7", cur)).props, nested({ name: "apps", size: 3 }, { testId: 7 }));
    await p.delete!("7", old);
    await p.delete!("7", cur);
    assert.deepStrictEqual(
      calls.filter((c) => c.op === "delete").map((c) => c.args[1]),
      [old, flat({ name: "apps", size: 1, testId: 7 })],
    );
  });

  it("a Project registers connection, name (also an output), spec and the loader at the top, no other input", async () => {
    const rec = await runComponent(() => {
      const p = new Project("p", { connection, name: "apps", quotaGiB: 5 });
      return { name: p.name, id: p.projectId };
    });
    const r = rec.one("pulumi-nodejs:dynamic:Resource", "p");
    assert.deepStrictEqual(Object.keys(r.wire).sort(), ["__provider", "connection", "name", "spec"]);
    assert.deepStrictEqual(Object.keys(r.wire.spec as Record<string, unknown>).sort(), [
      "cosign",
      "kind",
      "preventVulnerable",
      "public",
      "quotaGiB",
      "scanOnPush",
      "severity",
    ]);
    assert.strictEqual(rec.outputs.name, "apps");
    assert.strictEqual(typeof rec.outputs.id, "number");
  });

  it("the provider serves exactly the kinds the resource classes register, each by the CRUD of that kind", () => {
    assert.deepStrictEqual(Object.keys(harborCruds).sort(), Object.values(HARBOR_KIND).sort());
    for (const [kind, crud] of Object.entries(harborCruds)) assert.strictEqual(crud.kind, kind);
  });
});
