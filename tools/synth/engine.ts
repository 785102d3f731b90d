/**
 * Runs a Pulumi program on the mock engine and records what the engine would see: every resource
 * registration (type, name, parent, provider, dependencies, options, inputs) in registration order, and the
 * stack outputs. Used by the offline synth and by the tests.
 */
import * as pulumi from "@pulumi/pulumi";
import { PlatformMocks, StackReferenceResolver } from "./mocks";
import { plainRequestStructs, plainStruct, structCopy } from "./structs";

export type { PeerStackOutputs, StackReferenceResolver } from "./mocks";

const rt = pulumi.runtime;
const SIG = rt.specialSigKey;

/** A serialized property value as the engine receives it (secrets and resource references are tagged). */
export type Wire = unknown;

export interface Registration {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  parent?: string;
  /** Provider reference `urn::id`, as the engine receives it. */
  provider?: string;
  dependencies: string[];
  protect: boolean;
  retainOnDelete: boolean;
  deleteBeforeReplace: boolean;
  /** URN of the resource whose deletion also deletes this one (`deletedWith`): the engine then skips its delete. */
  deletedWith?: string;
  ignoreChanges: string[];
  additionalSecretOutputs: string[];
  /** Inputs as sent to the engine; secrets tagged (use {@link reveal} / {@link secretPaths} in tests). */
  wire: Record<string, Wire>;
  /** A read of an existing resource (`StackReference`), not a registration of one the program manages. */
  read?: true;
  /**
   * The outputs the mock engine answered, secrets tagged (not enumerable: not part of the synth's output). Tests
   * compare wiring with them: the certificate a resource takes is the one its issuer produced.
   */
  outputWire?: Record<string, Wire>;
}

export interface SynthResult {
  registrations: Registration[];
  /** Stack outputs as sent to the engine (wire form). */
  outputs: Record<string, Wire>;
}

export interface RunOptions {
  project: string;
  stack: string;
  /** Full keys (`ns:key`) → values, as Pulumi passes config to a program. */
  config: Record<string, string>;
  /** Full keys that hold secrets. */
  secretKeys: string[];
  /** Run as a preview (unknown computed values). Default false. */
  preview?: boolean;
  /** Where registrations are recorded (lets a caller see them even when the program fails). Default: new. */
  sink?: Registration[];
  /**
   * Outputs of the stacks the program reads with `StackReference` (by fully qualified name). Default: none;
   * a `StackReference` then fails, naming the stack.
   */
  stackReferences?: StackReferenceResolver;
}

type Req = {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getCustom(): boolean;
  getDependenciesList(): string[];
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getDeletebeforereplace(): boolean;
  getDeletedwith(): string;
  getIgnorechangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
};
type ReadReq = {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getDependenciesList(): string[];
  getProperties(): { toJavaScript(): Record<string, unknown> } | undefined;
};
type OutReq = { getUrn(): string; getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined };
type Callback = (
  err: unknown,
  resp:
    { getUrn?(): string; getObject?(): { toJavaScript(): Record<string, unknown> } | undefined } | undefined,
) => void;
interface Monitor {
  registerResource(req: Req & { getImportid(): string }, cb: Callback): void;
  readResource(req: ReadReq, cb: Callback): void;
  registerResourceOutputs(req: OutReq, cb: (err: unknown, resp: unknown) => void): void;
}

let running = false;

/**
 * Makes `entry.wire` the request's inputs, read from its Struct on first use (then kept): the bench and many tests
 * never read most of them (the mocks read the same request once more).
 */
function lazyWire(entry: Registration, req: Req): void {
  let wire: Record<string, Wire> | undefined;
  // Only the inputs are kept: the request also holds the stack trace, dependencies and options.
  const object = req.getObject();
  Object.defineProperty(entry, "wire", {
    enumerable: true,
    configurable: true,
    get: () => (wire ??= object?.toJavaScript() ?? {}),
  });
}

/** Runs `program` (which returns the stack outputs) on the mock engine with the given config. */
export async function runOnMocks(
  opts: RunOptions,
  program: () => Promise<Record<string, unknown>> | Record<string, unknown>,
): Promise<SynthResult> {
  if (running) throw new Error("runOnMocks: a mock run is already in progress in this process");
  running = true;
  // The program caps stack traces for its run (index.ts): the caller, and the next run, get the limit back.
  const stackTraceLimit = Error.stackTraceLimit;
  const restoreStructs = plainRequestStructs();
  try {
    const mocks = new PlatformMocks(opts.stackReferences);
    await rt.setMocks(mocks, opts.project, opts.stack, opts.preview ?? false);
    rt.setAllConfig(opts.config, opts.secretKeys);
    const monitor = rt.getMonitor() as unknown as Monitor;
    const registrations: Registration[] = opts.sink ?? [];
    let outputs: Record<string, Wire> = {};
    let stackUrn: string | undefined;
    // The SDK's own registration, for an SDK whose mock monitor lacks what registerOnMocks updates.
    const origRegister = monitor.registerResource.bind(monitor);
    const fast = hasMockMonitorState(monitor);

    monitor.registerResource = (req, cb) => {
      const entry: Registration = {
        urn: "",
        type: req.getType(),
        name: req.getName(),
        custom: req.getCustom(),
        parent: req.getParent() || undefined,
        provider: req.getProvider() || undefined,
        dependencies: [...new Set(req.getDependenciesList())],
        protect: req.getProtect(),
        retainOnDelete: req.getRetainondelete(),
        deleteBeforeReplace: req.getDeletebeforereplace(),
        deletedWith: req.getDeletedwith() || undefined,
        ignoreChanges: req.getIgnorechangesList(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        wire: {},
      };
      lazyWire(entry, req);
      const isStack = entry.type === "pulumi:pulumi:Stack";
      if (!isStack) registrations.push(entry);
      const answered: Callback = (err, resp) => {
        if (resp?.getUrn) {
          entry.urn = resp.getUrn();
          if (isStack) stackUrn = entry.urn;
        }
        const object = resp?.getObject?.();
        let out: Record<string, Wire> | undefined;
        Object.defineProperty(entry, "outputWire", {
          enumerable: false,
          configurable: true,
          get: () => (out ??= object?.toJavaScript() ?? {}),
        });
        cb(err, resp);
      };
      if (!fast) return origRegister(req, answered);
      registerOnMocks(monitor, mocks, req).then(
        (resp) => answered(null, resp),
        (err) => answered(err, undefined),
      );
    };
    const origRead = monitor.readResource.bind(monitor);
    monitor.readResource = (req, cb) => {
      const entry: Registration = {
        urn: "",
        type: req.getType(),
        name: req.getName(),
        custom: true,
        parent: req.getParent() || undefined,
        provider: req.getProvider() || undefined,
        dependencies: [...new Set(req.getDependenciesList())],
        protect: false,
        retainOnDelete: false,
        deleteBeforeReplace: false,
        ignoreChanges: [],
        additionalSecretOutputs: [],
        // Only what identifies the read (a StackReference's `name`); the other properties are outputs.
        wire: Object.fromEntries(
          Object.entries(req.getProperties()?.toJavaScript() ?? {}).filter(([, v]) => v !== undefined),
        ),
        read: true,
      };
      registrations.push(entry);
      origRead(req, (err, resp) => {
        if (resp?.getUrn) entry.urn = resp.getUrn();
        cb(err, resp);
      });
    };
    const origOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req, cb) => {
      if (stackUrn !== undefined && req.getUrn() === stackUrn)
        outputs = req.getOutputs()?.toJavaScript() ?? {};
      origOutputs(req, cb);
    };

    const errors: unknown[] = [];
    // A resource whose inputs fail (an apply that throws, a StackReference output that does not exist) is never
    // registered and its outputs never resolve: anything waiting on them — the stack outputs — would wait
    // forever. The SDK reports the failure as an unhandled rejection: the first one ends the run.
    let fail: (e: unknown) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    const onRejection = (e: unknown) => {
      errors.push(e);
      fail(e);
    };
    process.on("unhandledRejection", onRejection);
    try {
      await Promise.race([
        (async () => {
          await rt.runInPulumiStack(async () => program());
          await (rt as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
        })(),
        failed,
      ]);
    } catch (e) {
      if (errors.length === 0) throw e;
    } finally {
      process.off("unhandledRejection", onRejection);
    }
    if (errors.length > 0) throw errors[0] instanceof Error ? errors[0] : new Error(String(errors[0]));
    return { registrations, outputs };
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    restoreStructs();
    running = false;
  }
}

/** The SDK's mock monitor state that a registration updates (`newUrn`; `resources` answers `getResource`). */
interface MockMonitorState {
  newUrn(parent: string, type: string, name: string): string;
  resources: Map<string, { urn: string; id: string | null; state: unknown }>;
}

function hasMockMonitorState(monitor: unknown): monitor is MockMonitorState {
  const m = monitor as Partial<MockMonitorState>;
  return typeof m.newUrn === "function" && m.resources instanceof Map;
}

/** What the SDK reads of a RegisterResourceResponse. */
interface RegisterAnswer {
  getUrn(): string;
  getId(): string;
  getObject(): { toJavaScript(): Record<string, unknown> };
  getPropertydependenciesMap(): undefined;
  getResult(): number;
}

/**
 * The SDK mock monitor's registration (`MockMonitor.registerResource`: the mocks' answer, serialized, stored under
 * the URN it makes) with the response as a plain object instead of a protobuf message. The SDK formats every
 * response into a debug string (`resp: ${innerResponse}`) whether or not debug logging is on, and reads the
 * outputs back out of the message: with protobuf Structs that was about a fifth of the synth's time after the
 * SDK loads. The outputs it reads are what the protobuf round trip gives: keys sorted, and `undefined` or a function is the
 * error protobuf raises ({@link structCopy}).
 */
async function registerOnMocks(
  state: MockMonitorState,
  mocks: PlatformMocks,
  req: Req & { getImportid(): string },
): Promise<RegisterAnswer> {
  const result = mocks.newResource({
    type: req.getType(),
    name: req.getName(),
    inputs: rt.deserializeProperties(
      req.getObject() as unknown as Parameters<typeof rt.deserializeProperties>[0],
    ),
    provider: req.getProvider(),
    custom: req.getCustom(),
    id: req.getImportid(),
  });
  const urn = state.newUrn(req.getParent(), req.getType(), req.getName());
  const outputs = (plainStruct(result.state) ??
    structCopy(await rt.serializeProperties("", result.state))) as Record<string, unknown>;
  state.resources.set(urn, { urn, id: result.id ?? null, state: outputs });
  let fresh = true;
  return {
    getUrn: () => urn,
    getId: () => result.id || "",
    // The SDK reads the outputs once and copies them as it deserializes: the first reader gets them as they are.
    getObject: () => ({
      toJavaScript: () =>
        fresh ? ((fresh = false), outputs) : (structCopy(outputs) as Record<string, unknown>),
    }),
    getPropertydependenciesMap: () => undefined,
    getResult: () => 0,
  };
}

function isSig(v: unknown, sig: string): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG] === sig;
}

/** Wire value → plain value with every secret replaced by `"[secret]"` (what the synth writes). */
export function redact(v: Wire): unknown {
  return walk(v, () => "[secret]");
}

/** Wire value → plain value with secrets revealed (tests only). */
export function reveal(v: Wire): unknown {
  return walk(v, (inner) => reveal(inner));
}

function walk(v: Wire, onSecret: (inner: Wire) => unknown): unknown {
  if (v === rt.unknownValue) return "[unknown]";
  if (Array.isArray(v)) return v.map((x) => walk(x, onSecret));
  if (typeof v !== "object" || v === null) return v;
  if (isSig(v, rt.specialSecretSig)) return onSecret(v.value);
  if (isSig(v, rt.specialResourceSig)) return v.urn;
  if (isSig(v, rt.specialAssetSig) || isSig(v, rt.specialArchiveSig)) {
    const { [SIG]: _sig, ...rest } = v;
    return walk(rest, onSecret);
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === "__provider" && typeof x === "string") out[k] = "[dynamic provider code]";
    else out[k] = walk(x, onSecret);
  }
  return out;
}

/** Dotted paths (`a.b[0].c`) of every secret inside a wire value. A secret whole value has path "". */
export function secretPaths(v: Wire, prefix = ""): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => secretPaths(x, `${prefix}[${i}]`));
  if (typeof v !== "object" || v === null) return [];
  if (isSig(v, rt.specialSecretSig)) return [prefix];
  return Object.entries(v).flatMap(([k, x]) => secretPaths(x, prefix === "" ? k : `${prefix}.${k}`));
}
