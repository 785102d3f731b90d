/**
 * Test harness: runs the real program (or any component code) on the mock engine, records every
 * registration, and offers typed lookups for assertions on values, parents, providers and secrets.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { Registration, reveal, runOnMocks, secretPaths, SynthResult } from "../../tools/synth/engine";
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

  /** Inputs with secrets revealed. */
  inputs(r: Registration): Record<string, any> {
    return reveal(r.wire) as Record<string, any>;
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
}

/** Reads one of the repository's stack files. */
export function stackFile(stack: string): StackConfig {
  const file = path.join(ROOT, "stacks", `Pulumi.${stack}.yaml`);
  return parseStackConfig(fs.readFileSync(file, "utf8"), file);
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
): Promise<{ error: unknown; registrations: Registration[] }> {
  const sink: Registration[] = [];
  try {
    // No offline stand-ins: the program sees the config as a real engine would hand it over.
    await synth({ stack, stackConfig, sink, standIns: false });
  } catch (error) {
    return { error, registrations: sink };
  }
  throw new Error("expected the program to fail");
}

export async function runProgram(
  stack: string,
  stackConfig?: StackConfig,
  preview = false,
): Promise<Recorded> {
  return new Recorded(await synth({ stack, stackConfig, preview }));
}

const programRuns = new Map<string, Promise<Recorded>>();

/**
 * The program's run for one of the repository's stacks, shared by every test file in this mocha process
 * (the desired state of an unchanged stack file is deterministic, so one run serves all assertions).
 */
export function stackRun(stack: string): Promise<Recorded> {
  let run = programRuns.get(stack);
  if (!run) {
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
