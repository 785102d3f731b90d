/**
 * `npm run plan-diff -- <before-dir> <after-dir>`: the difference between two synth outputs of one stack
 * (`resources.json` + `outputs.json`) as Markdown, for a pull-request comment.
 */
import * as fs from "fs";
import * as path from "path";
import { ResourceDoc } from "./render";

export interface Change {
  path: string;
  before: unknown;
  after: unknown;
}

/** Leaf-level differences between two JSON values, as dotted paths. */
export function diffValues(a: unknown, b: unknown, prefix = ""): Change[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const isObj = (x: unknown): x is Record<string, unknown> =>
    typeof x === "object" && x !== null && !Array.isArray(x);
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffValues(a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length)
    return a.flatMap((x, i) => diffValues(x, b[i], `${prefix}[${i}]`));
  return [{ path: prefix || "(value)", before: a, after: b }];
}

const show = (v: unknown): string => {
  if (v === undefined) return "_(unset)_";
  const s = JSON.stringify(v);
  return "`" + (s.length > 120 ? `${s.slice(0, 117)}...` : s).replace(/`/g, "'") + "`";
};

function label(d: ResourceDoc): string {
  return `\`${d.type}\` **${d.name}**`;
}

export function planDiffMarkdown(
  stack: string,
  before: { resources: ResourceDoc[]; outputs: unknown },
  after: { resources: ResourceDoc[]; outputs: unknown },
): string {
  const b = new Map(before.resources.map((r) => [r.urn, r]));
  const a = new Map(after.resources.map((r) => [r.urn, r]));
  const added = after.resources.filter((r) => !b.has(r.urn));
  const removed = before.resources.filter((r) => !a.has(r.urn));
  const changed = after.resources
    .filter((r) => b.has(r.urn))
    .map((r) => {
      const old = b.get(r.urn)!;
      const strip = (d: ResourceDoc) => ({
        inputs: d.inputs,
        options: d.options ?? {},
        provider: d.provider,
        parent: d.parent,
      });
      return { r, changes: diffValues(strip(old), strip(r)) };
    })
    .filter((x) => x.changes.length > 0);
  const outChanges = diffValues(before.outputs, after.outputs);
  const lines = [`### Offline synth diff: \`${stack}\``, ""];
  if (!added.length && !removed.length && !changed.length && !outChanges.length) {
    lines.push("No changes to the desired state.");
    return lines.join("\n") + "\n";
  }
  lines.push(
    `**${added.length}** to create, **${changed.length}** to change, **${removed.length}** to delete, ` +
      `**${outChanges.length}** output change${outChanges.length === 1 ? "" : "s"}.`,
    "",
  );
  const protectedRemovals = removed.filter((r) => r.options?.protect);
  if (protectedRemovals.length)
    lines.push(
      `> **Warning:** ${protectedRemovals.length} protected resource(s) would be deleted: ${protectedRemovals.map(label).join(", ")}. ` +
        "`pulumi up` will refuse until `protect` is lifted.",
      "",
    );
  if (added.length) lines.push("#### Create", ...added.map((r) => `- ${label(r)}`), "");
  if (removed.length)
    lines.push(
      "#### Delete",
      ...removed.map((r) => `- ${label(r)}${r.options?.protect ? " _(protected)_" : ""}`),
      "",
    );
  if (changed.length) {
    lines.push("#### Change");
    for (const { r, changes } of changed) {
      lines.push(`- ${label(r)}`);
      for (const c of changes) lines.push(`  - \`${c.path}\`: ${show(c.before)} → ${show(c.after)}`);
    }
    lines.push("");
  }
  if (outChanges.length) {
    lines.push("#### Outputs");
    for (const c of outChanges) lines.push(`- \`${c.path}\`: ${show(c.before)} → ${show(c.after)}`);
    lines.push("");
  }
  return lines.join("\n");
}

function readDir(dir: string): { resources: ResourceDoc[]; outputs: unknown } {
  const read = (f: string) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as unknown;
  return { resources: read("resources.json") as ResourceDoc[], outputs: read("outputs.json") };
}

if (require.main === module) {
  const [before, after] = process.argv.slice(2);
  if (!before || !after) {
    process.stderr.write(
      "usage: plan-diff <before-dir> <after-dir>   (each holds resources.json + outputs.json)\n",
    );
    process.exit(64);
  }
  // Exit status: 0 diff written, 1 anything else failed, 2 a synth output is missing or unreadable,
  // 64 the command line is malformed.
  let sides: [ReturnType<typeof readDir>, ReturnType<typeof readDir>];
  try {
    sides = [readDir(before), readDir(after)];
  } catch (e) {
    process.stderr.write(`plan-diff: ${(e as Error).message.split("\n")[0]} (run npm run synth first)\n`);
    process.exit(2);
  }
  try {
    process.stdout.write(planDiffMarkdown(path.basename(path.resolve(after)), sides[0], sides[1]));
  } catch (e) {
    process.stderr.write(`plan-diff: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
