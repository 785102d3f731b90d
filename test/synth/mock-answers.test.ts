/**
 * The mock engine answers a registration with plain objects instead of protobuf messages
 * (tools/synth/engine.ts). What the SDK reads from them must be what the protobuf round trip gave: these
 * compare both on the same values, and run a program whose outputs feed other resources.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { plainStruct, reveal, runOnMocks, structCopy } from "../../tools/synth/engine";

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
});
