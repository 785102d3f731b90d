/**
 * The registry-platform program: reads and validates the stack config, instantiates the platform and exports
 * the stack's output contract. No logic lives here: see components/platform.
 */
import { loadPlatformConfig } from "./config";
import { guardErrorStacks } from "./config/error-stacks";
import { RegistryPlatform } from "./components/platform/platform";
import { suspendPromiseStacks } from "./components/promise-stacks";

// Keeps a failed run from hanging in Node 20's error formatting (see config/error-stacks.ts).
guardErrorStacks();

// The program is a function so that the offline synth and the tests can run it once per stack.
// eslint-disable-next-line @typescript-eslint/require-await
export = async () => {
  // The cap of components/promise-stacks.ts for the whole run: the SDK's registrations go on after the
  // program returns, and record a stack per promise too. The host process runs nothing else; the offline
  // synth restores the limit when the run ends.
  suspendPromiseStacks();
  const config = loadPlatformConfig();
  const platform = new RegistryPlatform("registry", { config });
  return { ...platform.outputs };
};
