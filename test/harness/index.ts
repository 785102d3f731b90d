/**
 * Test harness: runs the real program (or any component code) on the mock engine, records every
 * registration, and offers typed lookups for assertions on values, parents, providers and secrets.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import {
  PeerStackOutputs,
  Registration,
  reveal,
  runOnMocks,
  secretPaths,
  StackReferenceResolver,
  SynthResult,
} from "../../tools/synth/engine";
import { flatView } from "../../components/harbor-config/shape";
import { providerUrn } from "../../tools/synth/render";
import { parseStackConfig, StackConfig } from "../../tools/synth/stackfile";
import { projectName, ROOT, synth } from "../../tools/synth/synth";

export { ROOT };

export class Recorded {
  constructor(public readonly result: SynthResult) {}

  get all(): Registration[] {
    return this.result.registrations;
  }

  byType(type: string): Registration[] {
    return this.all.filter((r) => r.type === type);
  }

  /** The single registration of `type` (and `name`, when given); fails the test otherwise. */
  one(type: string, name?: string | RegExp): Registration {
    const hits = this.byType(type).filter(
      (r) => name === undefined || (typeof name === "string" ? r.name === name : name.test(r.name)),
    );
    assert.strictEqual(
      hits.length,
      1,
      `expected one ${type}${name ? ` named ${String(name)}` : ""}, found ${hits.map((h) => h.name).join(", ") || "none"}`,
    );
    return hits[0];
  }

  byUrn(urn: string): Registration {
    const r = this.all.find((x) => x.urn === urn);
    assert.ok(r, `no registration with urn ${urn}`);
    return r;
  }

  /** Inputs with secrets revealed; a Harbor resource's `spec` members next to its top-level ones (flat view). */
  inputs(r: Registration): Record<string, any> {
    const inputs = reveal(r.wire) as Record<string, any>;
    return r.type === "pulumi-nodejs:dynamic:Resource" ? flatView(inputs) : inputs;
  }

  /** The outputs the mock engine answered for `r` (a certificate's `certPem`, a password's `result`), revealed. */
  state(r: Registration): Record<string, any> {
    return reveal(r.outputWire ?? {}) as Record<string, any>;
  }

  /** Paths of secret values among the inputs. */
  secrets(r: Registration): string[] {
    return secretPaths(r.wire);
  }

  parentOf(r: Registration): Registration | undefined {
    return this.all.find((x) => x.urn === r.parent);
  }

  providerOf(r: Registration): Registration | undefined {
    const urn = providerUrn(r.provider);
    return urn ? this.all.find((x) => x.urn === urn) : undefined;
  }

  /** Stack outputs with secrets revealed. */
  get outputs(): Record<string, any> {
    return reveal(this.result.outputs) as Record<string, any>;
  }

  outputSecrets(): string[] {
    return secretPaths(this.result.outputs);
  }

  /** This run's outputs as another stack's `StackReference` sees them (secrets revealed, names listed). */
  asPeer(): PeerStackOutputs {
    const wire = this.result.outputs;
    return {
      outputs: this.outputs,
      secretOutputNames: Object.keys(wire).filter((k) => secretPaths(wire[k]).length > 0),
    };
  }
}

/** Answers `StackReference`s from recorded runs, keyed by stack name (the last part of `org/project/stack`). */
export function peersFromRuns(runs: Record<string, Recorded | PeerStackOutputs>): StackReferenceResolver {
  return (name) => {
    const stack = name.split("/").pop() ?? name;
    const run = runs[stack];
    if (!run) throw new Error(`peer stack ${name}: no recorded run of ${stack} in this test`);
    return run instanceof Recorded ? run.asPeer() : run;
  };
}

/** The stacks a stack config lists in `replication.peers` (stack names, the last part). */
export function peerStacksOf(sc: StackConfig): string[] {
  const text = sc.config["registry-platform:replication"];
  if (!text) return [];
  const peers = (JSON.parse(text) as { peers?: { stack?: unknown }[] }).peers ?? [];
  return peers
    .map((p) => (typeof p.stack === "string" ? p.stack.split("/").pop() : undefined))
    .filter((s): s is string => s !== undefined);
}

/** Reads one of the repository's stack files. */
export function stackFile(stack: string): StackConfig {
  const file = path.join(ROOT, "stacks", `Pulumi.${stack}.yaml`);
  return parseStackConfig(fs.readFileSync(file, "utf8"), file);
}

/** The value of a top-level key (namespace `registry-platform:`) of one of the repository's stack files. */
export function stackValue(stack: string, key: string): Record<string, unknown> {
  return JSON.parse(stackFile(stack).config[`registry-platform:${key}`]) as Record<string, unknown>;
}

/** Builds stack config from an object as it would appear under `config:` in a stack file. */
export function stackConfigOf(config: Record<string, unknown>): StackConfig {
  return parseStackConfig(stringify({ config }), "<test>");
}

/**
 * A stack file's config with changes: keys set to `undefined` are removed; values replace whole top-level
 * keys (keys without a namespace get `registry-platform:`).
 */
export function stackWith(stack: string, changes: Record<string, unknown>): StackConfig {
  const file = path.join(ROOT, "stacks", `Pulumi.${stack}.yaml`);
  const doc = parse(fs.readFileSync(file, "utf8")) as {
    config: Record<string, unknown>;
  };
  for (const [k, v] of Object.entries(changes)) {
    const key = k.includes(":") ? k : `registry-platform:${k}`;
    if (v === undefined) delete doc.config[key];
    else doc.config[key] = v;
  }
  return stackConfigOf(doc.config);
}

/** Runs the whole program for a stack of the repository (or given config) on the mock engine. */
/** Runs the program expecting it to fail: returns the error and every registration made before it. */
export async function runProgramFailing(
  stack: string,
  stackConfig: StackConfig,
  stackReferences?: StackReferenceResolver,
): Promise<{ error: unknown; registrations: Registration[] }> {
  const sink: Registration[] = [];
  const peers = stackReferences ?? (await replicaRuns(stackConfig));
  try {
    // No offline stand-ins: the program sees the config as a real engine would hand it over.
    await synth({ stack, stackConfig, sink, standIns: false, stackReferences: peers });
  } catch (error) {
    return { error, registrations: sink };
  }
  throw new Error("expected the program to fail");
}

export async function runProgram(
  stack: string,
  stackConfig?: StackConfig,
  preview = false,
  stackReferences?: StackReferenceResolver,
): Promise<Recorded> {
  const peers = stackReferences ?? (await replicaRuns(stackConfig ?? stackFile(stack)));
  return new Recorded(await synth({ stack, stackConfig, preview, stackReferences: peers }));
}

/**
 * The default answer to a config's `StackReference`s: the shared runs of the repository's stacks it lists
 * as replication peers (replicas are deployed first; their outputs are what the primary reads).
 */
async function replicaRuns(sc: StackConfig): Promise<StackReferenceResolver> {
  const peers: Record<string, Recorded> = {};
  for (const peer of peerStacksOf(sc)) {
    if (fs.existsSync(path.join(ROOT, "stacks", `Pulumi.${peer}.yaml`))) peers[peer] = await stackRun(peer);
  }
  return peersFromRuns(peers);
}

const programRuns = new Map<string, Promise<Recorded>>();

/**
 * The program's run for one of the repository's stacks, shared by every test file in this mocha process
 * (the desired state of an unchanged stack file is deterministic, so one run serves all assertions).
 */
export function stackRun(stack: string): Promise<Recorded> {
  let run = programRuns.get(stack);
  if (!run) {
    // A primary reads its replicas' outputs: runProgram runs them first (deploy order).
    run = runProgram(stack);
    programRuns.set(stack, run);
  }
  return run;
}

/** Runs arbitrary resource-creating code on the mock engine (component tests). */
export async function runComponent(
  fn: () => Record<string, unknown> | Promise<Record<string, unknown>> | void,
  opts: { stack?: string; preview?: boolean; config?: Record<string, string>; secretKeys?: string[] } = {},
): Promise<Recorded> {
  const result = await runOnMocks(
    {
      project: projectName(),
      stack: opts.stack ?? "test",
      config: opts.config ?? {},
      secretKeys: opts.secretKeys ?? [],
      preview: opts.preview,
    },
    async () => (await fn()) ?? {},
  );
  return new Recorded(result);
}
