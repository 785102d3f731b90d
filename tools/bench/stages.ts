/**
 * Stage clocks for one benchmark sample (wall ms, `performance.now()`, i.e. since process start):
 * - require: process start → the program and the SDK modules it imports are loaded;
 * - program: the program function runs (resource constructors; SDK resource classes load lazily here);
 * - registrations: the program returned → the mock engine acknowledged every registration;
 * - serialization: time during which Pulumi's closure serialization (of dynamic providers) was running,
 *   loading its modules included. It overlaps the program and registrations stages.
 */
import Module from "module";

export interface Sample {
  /** Wall ms from process start to the end of each stage. */
  require: number;
  program: number;
  registrations: number;
  /** = registrations' end. */
  total: number;
  /** ms during which at least one closure serialization was in progress. */
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
  ms: number;
  calls: number;
  bytes: number;
}

/**
 * Times `@pulumi/pulumi`'s closure serialization from outside: the SDK loads its `serializeClosure` module on
 * first use (`require` at call time), so a `Module._load` hook sees it and wraps `serializeFunction`.
 */
export function watchClosureSerialization(): SerializationClock {
  const clock: SerializationClock = { ms: 0, calls: 0, bytes: 0 };
  let active = 0;
  let since = 0;
  const enter = () => {
    if (active++ === 0) since = performance.now();
  };
  const leave = () => {
    if (--active === 0) clock.ms += performance.now() - since;
  };
  const patched = new WeakSet<object>();
  type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
  const M = Module as unknown as { _load: Load };
  const load: Load = M._load.bind(M);
  M._load = (request, parent, isMain) => {
    if (!request.endsWith("closure/serializeClosure")) return load(request, parent, isMain);
    enter();
    try {
      const mod = load(request, parent, isMain) as ClosureModule;
      if (!patched.has(mod)) {
        patched.add(mod);
        const serialize = mod.serializeFunction;
        mod.serializeFunction = (...args: unknown[]) => {
          enter();
          clock.calls++;
          const p = serialize(...args);
          p.then(
            (r) => (clock.bytes += Buffer.byteLength(r.text)),
            () => undefined,
          ).finally(leave);
          return p;
        };
      }
      return mod;
    } finally {
      leave();
    }
  };
  return clock;
}
