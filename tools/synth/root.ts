/** The project's root directory (where package.json and stacks/ are), from the compiled tools in dist/tools/synth. */
import * as path from "path";

export const ROOT = path.resolve(__dirname, "..", "..", "..");
