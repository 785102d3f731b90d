/**
 * The stack-trace cap around the platform's and HarborConfig's constructors (components/promise-stacks.ts): active
 * while children are constructed (seen from a transformation, which the SDK runs inside each child's constructor),
 * restored afterwards — also when a constructor throws — and skipped with REGISTRY_PLATFORM_PROMISE_STACKS=1; and the
 * program's cap for its whole run (index.ts), which the offline synth lifts when the run ends.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { HarborConfig, PlatformConfig, platformConfig, RegistryPlatform } from "../components";
import { KEEP_PROMISE_STACKS_ENV, suspendPromiseStacks } from "../components/promise-stacks";
import type { Registration } from "../tools/synth/engine";
import { synth } from "../tools/synth/synth";
import { runComponent } from "./harness";

const SENTINEL = 17;

/** Sets a known limit and the env var as given; returns the function that puts both back. */
function setLimit(keep: boolean): () => void {
  const limit = Error.stackTraceLimit;
  const env = process.env[KEEP_PROMISE_STACKS_ENV];
  Error.stackTraceLimit = SENTINEL;
  if (keep) process.env[KEEP_PROMISE_STACKS_ENV] = "1";
  else delete process.env[KEEP_PROMISE_STACKS_ENV];
  return () => {
    Error.stackTraceLimit = limit;
    if (env === undefined) delete process.env[KEEP_PROMISE_STACKS_ENV];
    else process.env[KEEP_PROMISE_STACKS_ENV] = env;
  };
}

/** Runs `fn` with a known limit and the env var as given; returns what `fn` returns. */
function withLimit<T>(keep: boolean, fn: () => T): T {
  const restore = setLimit(keep);
  try {
    return fn();
  } finally {
    restore();
  }
}

/** {@link withLimit} for an async `fn`: the limit and the env var are put back when it settles. */
async function withLimitAsync(keep: boolean, fn: () => Promise<void>): Promise<void> {
  const restore = setLimit(keep);
  try {
    await fn();
  } finally {
    restore();
  }
}

/** Synthesizes `dev`; returns the limit at each registration the mock engine received, and the limit after. */
async function programLimits(keep: boolean): Promise<{ seen: number[]; after: number }> {
  const seen: number[] = [];
  // The engine pushes each registration as the SDK sends it: after the program returned, for most.
  class Spy extends Array<Registration> {
    override push(...r: Registration[]): number {
      seen.push(Error.stackTraceLimit);
      return super.push(...r);
    }
  }
  let after = NaN;
  await withLimitAsync(keep, async () => {
    await synth({ stack: "dev", sink: new Spy() });
    after = Error.stackTraceLimit;
  });
  return { seen, after };
}

/** A dev platform's config, built in code. */
function devConfig(): PlatformConfig {
  return platformConfig(
    {
      environment: "dev",
      region: "ap-northeast-2",
      host: "registry.stacks.example.internal",
      harborConfig: { projects: [{ name: "apps" }] },
    },
    { project: "registry-platform", stack: "stacks" },
  );
}

function devPlatform(seen: number[]): RegistryPlatform {
  const config = devConfig();
  return new RegistryPlatform(
    "p",
    { config },
    {
      transformations: [
        (a) => {
          // The platform's own transformation runs in its `super()` call, before the cap.
          if (a.type !== "registry-platform:platform:RegistryPlatform") seen.push(Error.stackTraceLimit);
          return undefined;
        },
      ],
    },
  );
}

describe("promise stacks", function () {
  this.timeout(60000);

  it("suspendPromiseStacks sets the limit to 0 and its restore function puts the previous value back", () => {
    withLimit(false, () => {
      const restore = suspendPromiseStacks();
      assert.strictEqual(Error.stackTraceLimit, 0);
      assert.strictEqual(new Error("x").stack, "Error: x");
      restore();
      assert.strictEqual(Error.stackTraceLimit, SENTINEL);
    });
  });

  it(`with ${KEEP_PROMISE_STACKS_ENV}=1 the limit is left alone`, () => {
    withLimit(true, () => {
      const restore = suspendPromiseStacks();
      assert.strictEqual(Error.stackTraceLimit, SENTINEL);
      restore();
      assert.strictEqual(Error.stackTraceLimit, SENTINEL);
    });
  });

  it("RegistryPlatform: every child is constructed with the limit 0, and the caller's limit is back afterwards", async () => {
    const seen: number[] = [];
    const after: number[] = [];
    await runComponent(() =>
      withLimit(false, () => {
        const p = devPlatform(seen);
        after.push(Error.stackTraceLimit);
        return { host: p.outputs.registryHost };
      }),
    );
    assert.ok(seen.length > 50, `transformations seen: ${seen.length}`);
    assert.deepStrictEqual([...new Set(seen)], [0]);
    assert.deepStrictEqual(after, [SENTINEL]);
  });

  it(`RegistryPlatform with ${KEEP_PROMISE_STACKS_ENV}=1 constructs its children with the caller's limit`, async () => {
    const seen: number[] = [];
    await runComponent(() =>
      withLimit(true, () => {
        devPlatform(seen);
      }),
    );
    assert.ok(seen.length > 50);
    assert.deepStrictEqual([...new Set(seen)], [SENTINEL]);
  });

  it("RegistryPlatform: a child that throws inside the cap restores the caller's limit (the error has the message, no frames)", async () => {
    const outcome: { error?: Error; limit?: number } = {};
    await runComponent(() =>
      withLimit(false, () => {
        const config = devConfig();
        // A value the config would refuse, so that HarborConfig throws while the platform's cap is on.
        (config.harborConfig.projects[0] as { quotaGiB?: number }).quotaGiB = -2;
        try {
          new RegistryPlatform("p", { config });
        } catch (e) {
          outcome.error = e as Error;
        }
        outcome.limit = Error.stackTraceLimit;
      }),
    );
    assert.ok(outcome.error, "RegistryPlatform did not throw");
    assert.match(outcome.error.message, /projects\[0\]\.quotaGiB: -1 or a whole number/);
    assert.doesNotMatch(outcome.error.stack ?? "", /\n\s+at /);
    assert.strictEqual(outcome.limit, SENTINEL);
  });

  it("HarborConfig refuses bad arguments before its cap: the error keeps its frames, the limit is the caller's", async () => {
    const outcome: { error?: Error; limit?: number } = {};
    await runComponent(() =>
      withLimit(false, () => {
        try {
          new HarborConfig("hc", {
            url: "https://registry.stacks.example.internal",
            adminPassword: pulumi.secret("pw"),
            projects: [{ name: "apps", quotaGiB: -2 }],
          });
        } catch (e) {
          outcome.error = e as Error;
        }
        outcome.limit = Error.stackTraceLimit;
      }),
    );
    assert.ok(outcome.error, "HarborConfig did not throw");
    assert.match(outcome.error.message, /projects\[0\]\.quotaGiB: -1 or a whole number/);
    assert.match(outcome.error.stack ?? "", /\n\s+at harborConfigPlan /);
    assert.strictEqual(outcome.limit, SENTINEL);
  });

  it("the program keeps the limit 0 through every registration; the offline synth puts the caller's back", async () => {
    const { seen, after } = await programLimits(false);
    assert.ok(seen.length > 50, `registrations seen: ${seen.length}`);
    assert.deepStrictEqual([...new Set(seen)], [0]);
    assert.strictEqual(after, SENTINEL);
  });

  it(`the program with ${KEEP_PROMISE_STACKS_ENV}=1 registers with the caller's limit`, async () => {
    const { seen, after } = await programLimits(true);
    assert.ok(seen.length > 50);
    assert.deepStrictEqual([...new Set(seen)], [SENTINEL]);
    assert.strictEqual(after, SENTINEL);
  });
});
