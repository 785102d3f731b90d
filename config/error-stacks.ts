/**
 * A guard for the program process against a Node 20 hang, seen on the real engine (e2e, 2026-11-30): when a
 * program fails, the Pulumi SDK prints the error with `util.inspect(err, { colors: true })`. Its stack frames
 * are source-mapped by the SDK, and the SDK's own frames come out as `…/node_modules/@pulumi/resource.ts:1598:22`
 * (the package directory `pulumi/` is missing). Node 20's inspect loops on a `node_modules/<module>` segment that
 * is not followed by a `/` until the string outgrows memory: a failed preview took 140–300 s at 100 % CPU
 * instead of ~3 s. The guard rewrites those frames to the real path before the SDK's handler formats them.
 */

/** `…/node_modules/@pulumi/resource.ts:1:2` → `…/node_modules/@pulumi/pulumi/resource.ts:1:2`. */
export function sanitizeStack(stack: string): string {
  return stack.replace(/([/\\]node_modules[/\\]@pulumi)([/\\])([^/\\\s():]+:\d+)/g, "$1$2pulumi$2$3");
}

function sanitize(err: unknown): void {
  if (!(err instanceof Error) || typeof err.stack !== "string") return;
  const fixed = sanitizeStack(err.stack);
  if (fixed !== err.stack) err.stack = fixed;
}

const guarded = new WeakSet<object>();

/**
 * Runs before the SDK's own handlers of uncaught errors and unhandled rejections (they receive the same error
 * object), once per process.
 */
export function guardErrorStacks(proc: NodeJS.Process = process): void {
  if (guarded.has(proc)) return;
  guarded.add(proc);
  proc.prependListener("uncaughtException", sanitize);
  proc.prependListener("unhandledRejection", sanitize);
}
