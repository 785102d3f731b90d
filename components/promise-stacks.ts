/**
 * Registration cost of the Pulumi Node.js SDK, kept in check while a large component registers its children.
 *
 * The SDK (3.248, `runtime/debuggable.js`) attaches `new Error().stack` to every promise it creates — four per
 * output property of every resource, ~50 per Harbor API resource — for one purpose: the "leaked promises" report
 * printed when a program exits with unresolved promises. Capturing and formatting those stacks (and collecting the
 * retained strings) was half of the platform's program time, and most of the cost of each extra Harbor project
 * (`npm run bench`, #13): 200 projects spent ~2.7 s of CPU in it.
 *
 * {@link suspendPromiseStacks} sets `Error.stackTraceLimit` to 0 and returns the function that restores the previous
 * value; constructors call it first and restore in a `finally` (so also when they throw). Not affected: the source
 * positions the SDK records per resource (it lifts the limit itself for those), error messages, and, in a library
 * consumer's program, every stack captured after the constructor returns. This repository's program (`index.ts`)
 * calls it for its whole run and does not restore: the SDK's registrations continue after the program returns
 * (~700 promises for prod-apne2, ~5 per resource), and its process runs nothing else. An error thrown inside the
 * scope carries its message but no frames; to debug one with frames, set `REGISTRY_PLATFORM_PROMISE_STACKS=1` (the
 * cap is then skipped).
 */

/** The environment variable that keeps full stacks inside {@link suspendPromiseStacks} (for debugging). */
export const KEEP_PROMISE_STACKS_ENV = "REGISTRY_PLATFORM_PROMISE_STACKS";

/** Sets `Error.stackTraceLimit` to 0 (unless {@link KEEP_PROMISE_STACKS_ENV} is `1`); returns the restore function. */
export function suspendPromiseStacks(): () => void {
  if (process.env[KEEP_PROMISE_STACKS_ENV] === "1") return () => undefined;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  return () => {
    Error.stackTraceLimit = limit;
  };
}
