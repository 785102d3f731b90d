/**
 * Plain-object stand-ins for the protobuf `Struct`s that carry properties between the SDK and the mock engine.
 * The mock engine runs in the program's process and never sends a message over the wire, so what a Struct must
 * give there is what `Struct.fromJavaScript(v).toJavaScript()` gives: the same values with object keys sorted,
 * and the same error for what a Struct cannot hold.
 */
import * as path from "path";

/**
 * The mocks' state as the SDK's serialization and a protobuf Struct round trip give it, when it holds only plain
 * data (the mocks echo deserialized inputs): a function or `undefined` in an object is left out, as serialization
 * does. `undefined` when anything else is in it (an Output, a promise, a resource, an asset): the caller then
 * serializes it as the SDK does.
 */
export function plainStruct(v: unknown): unknown {
  if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      // Serialized, an array keeps the hole, which a Struct cannot hold.
      if (x === undefined || typeof x === "function") throw new Error("Unexpected struct type.");
      const c = plainStruct(x);
      if (c === undefined) return undefined;
      out.push(c);
    }
    return out;
  }
  if (typeof v !== "object") return undefined;
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined || typeof x === "function") continue;
    const c = plainStruct(x);
    if (c === undefined) return undefined;
    out[k] = c;
  }
  return out;
}

/**
 * A copy of `v` as `google.protobuf.Struct.fromJavaScript(v).toJavaScript()` gives it: object keys sorted, and
 * what a Struct cannot hold (`undefined`, a function) the same error.
 */
export function structCopy(v: unknown): unknown {
  if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (Array.isArray(v)) return v.map(structCopy);
  if (typeof v !== "object") throw new Error("Unexpected struct type.");
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = structCopy((v as Record<string, unknown>)[k]);
  return out;
}

/** The part of google-protobuf's `Struct` message that the SDK and the mock engine read. */
interface StructMessage {
  toJavaScript(): Record<string, unknown>;
  getFieldsMap(): unknown;
}

interface StructClass {
  new (): StructMessage;
  fromJavaScript(this: void, obj: Record<string, unknown>): StructMessage;
}

/** The `Struct` class of the google-protobuf the SDK loads (resolved from the SDK's folder, as its `require` is). */
export function sdkStructClass(): StructClass | undefined {
  try {
    const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    const file = require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [sdk] });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's own protobuf module
    const struct = (require(file) as { Struct?: StructClass }).Struct;
    return typeof struct?.fromJavaScript === "function" ? struct : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Until the returned function is called, the SDK's `Struct.fromJavaScript` (every registration's inputs, every
 * read, invoke and stack output) returns a message that holds a validated, key-sorted copy of the object, and gives
 * copies of it from `toJavaScript` instead of building a protobuf map of `Value` messages and reading it back: on
 * prod-apne2 that round trip was a sixth of the synth's time after the SDK loads. `getFieldsMap` (the SDK reads
 * a `getResource` answer through it) builds the real message on first use. What a Struct cannot hold
 * (`undefined`, a function) raises protobuf's own error where `fromJavaScript` would. Only for a process that sends
 * no message over the wire (the mock engine): the message's binary form stays empty. Without the SDK's
 * google-protobuf (another layout) nothing is replaced.
 */
export function plainRequestStructs(): () => void {
  const Struct = sdkStructClass();
  if (!Struct) return () => undefined;
  const fromJavaScript = Struct.fromJavaScript;
  Struct.fromJavaScript = (obj) => {
    const value = structCopy(obj) as Record<string, unknown>;
    const msg = new Struct();
    let full: StructMessage | undefined;
    msg.toJavaScript = () => structCopy(value) as Record<string, unknown>;
    msg.getFieldsMap = () => (full ??= fromJavaScript(value)).getFieldsMap();
    return msg;
  };
  return () => {
    Struct.fromJavaScript = fromJavaScript;
  };
}
