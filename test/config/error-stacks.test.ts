import * as assert from "assert";
import { spawnSync } from "child_process";
import { EventEmitter } from "events";
import { ConfigError } from "../../config";
import { guardErrorStacks, sanitizeStack } from "../../config/error-stacks";

/** Seen on the real engine: the SDK's frames after source mapping (see config/error-stacks.ts). */
const ENGINE_STACK = [
  "Error: boom at load",
  "    at module.exports (/tmp/failprog/index.js:1:36)",
  "    at Object.runProgram [as init] (/work/main/node_modules/@pulumi/cmd/run/run.ts:577:70)",
  "    at Stack.initialize (/work/main/node_modules/@pulumi/runtime/stack.ts:78:28)",
  "    at Stack.initializeAndRegisterOutputs (/work/main/node_modules/@pulumi/resource.ts:1598:22)",
].join("\n");

/**
 * Runs util.inspect(err, { colors: true }) on `stack` in a child process; true when it finishes within `ms`
 * (it takes ~0.1 s, the process included; the defect loops until killed).
 */
function inspectFinishes(stack: string, ms = 5000): boolean {
  const code = `const e = new Error("x"); e.stack = ${JSON.stringify(stack)}; require("util").inspect(e, { colors: true });`;
  const r = spawnSync(process.execPath, ["-e", code], { timeout: ms });
  return r.error === undefined && r.status === 0;
}

describe("config: error stacks a failed program prints (Node 20 util.inspect hang)", () => {
  it("rewrites the SDK's source-mapped frames to the package path, nothing else", () => {
    assert.strictEqual(
      sanitizeStack(ENGINE_STACK),
      ENGINE_STACK.replace(
        "/node_modules/@pulumi/resource.ts:1598:22",
        "/node_modules/@pulumi/pulumi/resource.ts:1598:22",
      ),
    );
    const untouched = "Error: x\n    at f (/a/node_modules/@pulumi/pulumi/resource.js:1:1)";
    assert.strictEqual(sanitizeStack(untouched), untouched);
  });

  it("the sanitized stack formats promptly; on Node 20 the engine's stack does not (the defect)", function () {
    this.timeout(20000);
    assert.strictEqual(inspectFinishes(sanitizeStack(ENGINE_STACK)), true);
    if (process.versions.node.startsWith("20."))
      // Still looping after 2 s (20× its normal time) is the hang; waiting longer only burns CPU.
      assert.strictEqual(
        inspectFinishes(ENGINE_STACK, 2000),
        false,
        "Node 20 no longer hangs: the guard can go",
      );
  });

  it("the guard runs before the SDK's handlers and fixes the error object they receive", () => {
    const proc = new EventEmitter() as unknown as NodeJS.Process;
    let seen = "";
    proc.on("uncaughtException", (e: Error) => (seen = e.stack ?? ""));
    guardErrorStacks(proc);
    const err = new Error("boom");
    err.stack = ENGINE_STACK;
    proc.emit("uncaughtException", err);
    assert.strictEqual(seen, sanitizeStack(ENGINE_STACK));
  });

  it("a ConfigError carries no frames: the engine prints its message only", () => {
    const e = new ConfigError([{ key: "registry-platform:k", found: "nothing", allowed: "a secret" }]);
    assert.strictEqual(e.stack, `ConfigError: ${e.message}`);
    assert.strictEqual(inspectFinishes(e.stack ?? ""), true);
  });
});
