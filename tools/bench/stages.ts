/**
 * Stage clocks for one benchmark sample (wall ms, `performance.now()`, i.e. since process start):
 * - require: process start → the program and the SDK modules it imports are loaded;
 * - program: the program function runs (resource constructors; SDK resource classes load lazily here);
 * - registrations: the program returned → the mock engine acknowledged every registration;
 * - serialization: Pulumi's closure serialization of the program's dynamic providers. During the run it
 *   overlaps the program and registrations stages (it is asynchronous), so after the run each closure is
 *   serialized again, alone, and that time is reported: the cost of serialization in isolation.
 */
import Module from "module";

export interface Sample {
  /** Wall ms from process start to the end of each stage. */
  require: number;
  program: number;
  registrations: number;
  /** = registrations' end. */
  total: number;
  /** ms to serialize the run's closures again, one after another, after the run (not part of `total`). */
  serialization: number;
  /** Closures serialized, and their total text size in bytes. */
  closures: number;
  closureBytes: number;
  /** Resources registered (stack excluded). */
  resources: number;
}

interface ClosureModule {
  serializeFunction: (...args: unknown[]) => Promise<{ text: string }>;
}

export interface SerializationClock {
  calls: number;
  bytes: number;
  /** Serializes every closure of the run again, one after another; resolves to the ms it took. */
  isolated(): Promise<number>;
}

/**
 * Watches `@pulumi/pulumi`'s closure serialization from outside: the SDK loads its `serializeClosure` module
 * on first use (`require` at call time), so a `Module._load` hook sees it and wraps `serializeFunction`.
 */
export function watchClosureSerialization(): SerializationClock {
  const seen: { serialize: ClosureModule["serializeFunction"]; args: unknown[] }[] = [];
  const clock: SerializationClock = {
    calls: 0,
    bytes: 0,
    isolated: async () => {
      const t0 = performance.now();
      for (const { serialize, args } of seen) await serialize(...args);
      return performance.now() - t0;
    },
  };
  const patched = new WeakSet<object>();
  type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
  const M = Module as unknown as { _load: Load };
  const load: Load = M._load.bind(M);
  M._load = (request, parent, isMain) => {
    const mod = load(request, parent, isMain);
    if (!request.endsWith("closure/serializeClosure") || patched.has(mod as object)) return mod;
    patched.add(mod as object);
    const m = mod as ClosureModule;
    const serialize = m.serializeFunction;
    m.serializeFunction = (...args: unknown[]) => {
      clock.calls++;
      seen.push({ serialize, args });
      const p = serialize(...args);
      p.then(
        (r) => (clock.bytes += Buffer.byteLength(r.text)),
        () => undefined,
      );
      return p;
    };
    return mod;
  };
  return clock;
}
