/** The project's root directory (where package.json and stacks/ are), from the compiled tools in dist/tools/synth. */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export const ROOT = path.resolve(__dirname, "..", "..", "..");

/** The Pulumi project's name (`Pulumi.yaml`). */
export function projectName(root = ROOT): string {
  const doc = parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { name?: string };
  if (!doc?.name) throw new Error("Pulumi.yaml has no name");
  return doc.name;
}
