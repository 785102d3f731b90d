/**
 * The registry-platform program: reads and validates the stack config, instantiates the platform and exports
 * the stack's output contract. No logic lives here: see components/platform.
 */
import { loadPlatformConfig } from "./config";
import { guardErrorStacks } from "./config/error-stacks";
import { RegistryPlatform } from "./components/platform/platform";

// Keeps a failed run from hanging in Node 20's error formatting (see config/error-stacks.ts).
guardErrorStacks();

// The program is a function so that the offline synth and the tests can run it once per stack.
// eslint-disable-next-line @typescript-eslint/require-await
export = async () => {
  const config = loadPlatformConfig();
  const platform = new RegistryPlatform("registry", { config });
  return { ...platform.outputs };
};
