/**
 * Outputs of other stacks for the offline synth's `StackReference`s: a primary reads its replicas' outputs,
 * which an earlier synth of each replica wrote to `<dir>/<stack>/outputs.json` (secrets as `"[secret]"`).
 */
import * as fs from "fs";
import * as path from "path";
import { jsonErrorPosition } from "../run";
import type { PeerStackOutputs, StackReferenceResolver } from "./mocks";

/** The synth's placeholder of a secret value (see `redact`). */
export const SECRET_MARK = "[secret]";

/** True when `v` is, or contains, the synth's secret placeholder. */
export function containsSecretMark(v: unknown): boolean {
  if (v === SECRET_MARK) return true;
  if (Array.isArray(v)) return v.some(containsSecretMark);
  if (v !== null && typeof v === "object") return Object.values(v).some(containsSecretMark);
  return false;
}

/** `org/project/stack` → its parts; throws naming the value otherwise. */
export function splitStackName(name: string): { org: string; project: string; stack: string } {
  const parts = name.split("/");
  if (parts.length !== 3 || parts.some((p) => p === ""))
    throw new Error(
      `StackReference ${JSON.stringify(name)}: expected a fully qualified stack name organization/project/stack`,
    );
  return { org: parts[0], project: parts[1], stack: parts[2] };
}

/** The outputs document of a synth (`outputs.json`) as a StackReference answer. */
export function peerFromOutputsDoc(outputs: Record<string, unknown>): PeerStackOutputs {
  return {
    outputs,
    secretOutputNames: Object.keys(outputs).filter((k) => containsSecretMark(outputs[k])),
  };
}

/**
 * Answers each `StackReference` from `<dir>/<stack>/outputs.json`, where `<stack>` is the last part of the
 * fully qualified name; a missing file fails naming the peer stack, the file and the command to make it.
 * With `project` (the synth's own out directory, which holds synths of this project's stacks only), a name in
 * another project fails too: the file there is not that stack's, and a mistyped project would pass offline and
 * fail only at `pulumi up`. The organization cannot be checked offline.
 */
export function peerOutputsFromDir(dir: string, project?: string): StackReferenceResolver {
  return (name) => {
    const { stack, project: peerProject } = splitStackName(name);
    if (project !== undefined && peerProject !== project)
      throw new Error(
        `peer stack ${name}: project ${JSON.stringify(peerProject)} is not this program's (${JSON.stringify(project)}); ` +
          `${path.relative(process.cwd(), dir) || dir} holds this project's synths only: fix the name, or pass ` +
          `--peer-outputs <dir> with that project's outputs`,
      );
    const file = path.join(dir, stack, "outputs.json");
    const shown = path.relative(process.cwd(), file) || file;
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      throw new Error(
        `peer stack ${name}: no synthesized outputs at ${shown}; synthesize the peer first ` +
          `(npm run synth -- --stack ${stack} --out ${path.relative(process.cwd(), dir) || dir}) or pass --peer-outputs <dir>`,
      );
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new Error(`peer stack ${name}: ${shown} is not JSON${jsonErrorPosition(e)}`);
    }
    if (doc === null || typeof doc !== "object" || Array.isArray(doc))
      throw new Error(`peer stack ${name}: ${shown} does not hold an outputs object`);
    return peerFromOutputsDoc(doc as Record<string, unknown>);
  };
}
