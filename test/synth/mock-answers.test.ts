/**
 * The mock engine and the SDK exchange plain objects instead of protobuf messages: the engine answers a
 * registration with them (tools/synth/engine.ts), and during a run the SDK's `Struct.fromJavaScript` builds plain
 * Structs (tools/synth/structs.ts). What either side reads must be what the protobuf round trip gave: these
 * compare both on the same values, and run a program whose outputs feed other resources.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { reveal, runOnMocks } from "../../tools/synth/engine";
import { plainRequestStructs, plainStruct, sdkStructClass, structCopy } from "../../tools/synth/structs";

const SIG = pulumi.runtime.specialSigKey;

class Custom extends pulumi.CustomResource {
  declare readonly result: pulumi.Output<string>;
  declare readonly data: pulumi.Output<unknown>;
  constructor(type: string, name: string, props: pulumi.Inputs) {
    super(type, name, props);
  }
}

/** What the SDK's mock monitor answered: the state serialized, through a protobuf Struct and back. */
async function viaProtobuf(state: Record<string, unknown>): Promise<unknown> {
  const serialized = await pulumi.runtime.serializeProperties("", state);
  return Struct.fromJavaScript(serialized as never).toJavaScript();
}

function protobufError(v: Record<string, unknown>): string {
  try {
    Struct.fromJavaScript(v as never);
  } catch (e) {
    return (e as Error).message;
  }
  return "no error";
}

describe("synth engine: registration answers without protobuf", () => {
  const state = {
    zeta: "z",
    alpha: { delta: [3, { y: true, x: null }], beta: -1.5 },
    secret: { [SIG]: pulumi.runtime.specialSecretSig, value: { b: "2", a: "1" } },
    list: ["b", "a"],
    gone: undefined,
    fn: () => 1,
    Upper: 0,
  };

  it("plainStruct gives what serialization and a Struct round trip give: keys sorted, undefined and functions left out", async () => {
    const expected = await viaProtobuf(state);
    const got = plainStruct(state);
    assert.deepStrictEqual(got, expected);
    assert.deepStrictEqual(Object.keys(got as object), ["Upper", "alpha", "list", "secret", "zeta"]);
    assert.deepStrictEqual(Object.keys((got as { alpha: object }).alpha), ["beta", "delta"]);
    assert.deepStrictEqual((got as { list: string[] }).list, ["b", "a"], "arrays keep their order");
  });

  it("plainStruct gives up (undefined) on what only the SDK serializes: an Output, a promise, a class instance", () => {
    assert.strictEqual(plainStruct({ a: pulumi.output("x") }), undefined);
    assert.strictEqual(plainStruct({ a: [Promise.resolve(1)] }), undefined);
    assert.strictEqual(plainStruct({ a: { b: new Date(0) } }), undefined);
  });

  it("a hole in a list fails with protobuf's own error, as the SDK's mock monitor did", () => {
    const bad = { list: ["a", undefined] };
    assert.strictEqual(protobufError(bad), "Unexpected struct type.");
    assert.throws(() => plainStruct(bad), { message: "Unexpected struct type." });
    assert.throws(() => structCopy({ a: undefined }), { message: "Unexpected struct type." });
  });

  it("structCopy equals the Struct round trip of serialized values and shares nothing with its input", async () => {
    const serialized = await pulumi.runtime.serializeProperties("", state);
    const copy = structCopy(serialized) as { alpha: { delta: unknown[] } };
    assert.deepStrictEqual(copy, Struct.fromJavaScript(serialized as never).toJavaScript());
    copy.alpha.delta.push("changed");
    assert.strictEqual((serialized as { alpha: { delta: unknown[] } }).alpha.delta.length, 2);
  });

  it("a run: outputs reach dependants with their values and secrecy, keys sorted as protobuf gave them", async () => {
    const result = await runOnMocks({ project: "p", stack: "s", config: {}, secretKeys: [] }, () => {
      const pw = new Custom("random:index/randomPassword:RandomPassword", "pw", {
        length: 12,
        special: false,
        result: undefined,
      });
      const holder = new Custom("test:index:Holder", "holder", {
        data: pulumi.secret({ b: 2, a: pw.result }),
      });
      return { length: pw.result.apply((r) => r.length), data: holder.data };
    });
    assert.deepStrictEqual(
      result.registrations.map((r) => [r.type, r.name]),
      [
        ["random:index/randomPassword:RandomPassword", "pw"],
        ["test:index:Holder", "holder"],
      ],
    );
    const pw = result.registrations[0];
    const holder = result.registrations[1];
    const password = (pw.outputWire as { result: string }).result;
    assert.match(password, /^[A-Za-z0-9]{12}$/);
    assert.deepStrictEqual(reveal(holder.wire.data), { a: password, b: 2 });
    assert.deepStrictEqual(Object.keys(reveal(holder.outputWire!.data) as object), ["a", "b"]);
    assert.strictEqual(reveal(result.outputs.length), 12);
    assert.strictEqual(
      (result.outputs.data as Record<string, unknown>)[SIG],
      pulumi.runtime.specialSecretSig,
    );
  });

  it("the SDK's own Struct class is the one replaced during a run, and it is back after the run, also after a failed one", async () => {
    const sdkStruct = sdkStructClass();
    assert.strictEqual(sdkStruct, Struct, "this repository's google-protobuf is the SDK's");
    // The function in place now (read as a value: it is called as a static, not as a method).
    const current = (): unknown => Reflect.get(Struct, "fromJavaScript");
    const original = current();
    let during: unknown;
    await runOnMocks({ project: "p", stack: "s", config: {}, secretKeys: [] }, () => {
      during = current();
      return {};
    });
    assert.notStrictEqual(during, original);
    assert.strictEqual(current(), original);
    await assert.rejects(
      runOnMocks({ project: "p", stack: "s", config: {}, secretKeys: [] }, () => {
        throw new Error("program failed");
      }),
      { message: "program failed" },
    );
    assert.strictEqual(current(), original);
  });

  it("the plain Struct gives the protobuf round trip's values (fresh copies), its map and its errors", async () => {
    const serialized = (await pulumi.runtime.serializeProperties("", state)) as Record<string, unknown>;
    const expected = Struct.fromJavaScript(serialized as never).toJavaScript();
    const restore = plainRequestStructs();
    let msg: Struct;
    let errors: string[];
    try {
      msg = Struct.fromJavaScript(serialized as never);
      errors = [{ a: undefined }, { list: ["a", undefined] }, { f: () => 1 }].map(protobufError);
    } finally {
      restore();
    }
    assert.ok(msg instanceof Struct);
    const first = msg.toJavaScript() as { alpha: { delta: unknown[] } };
    assert.deepStrictEqual(first, expected);
    assert.deepStrictEqual(Object.keys(first), ["Upper", "alpha", "list", "secret", "zeta"]);
    first.alpha.delta.push("changed");
    assert.deepStrictEqual(msg.toJavaScript(), expected, "each read is a copy");
    (serialized.alpha as { delta: unknown[] }).delta.push("changed later");
    assert.deepStrictEqual(msg.toJavaScript(), expected, "the message holds the object as it was given");
    assert.deepStrictEqual(msg.getFieldsMap().get("alpha")?.toJavaScript(), expected.alpha);
    assert.deepStrictEqual(errors, Array(3).fill("Unexpected struct type."));
    assert.strictEqual(protobufError({ a: undefined }), "Unexpected struct type.", "restored: the original");
  });
});
