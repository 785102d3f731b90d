/**
 * Turns a mock-engine run into the synth's desired-state documents and a readable resource tree.
 */
import { redact, Registration, SynthResult } from "./engine";
import { flatView } from "../../components/harbor-config/shape";

export interface ResourceDoc {
  urn: string;
  type: string;
  name: string;
  parent: string | null;
  provider: string | null;
  dependencies: string[];
  options?: {
    protect?: true;
    retainOnDelete?: true;
    deleteBeforeReplace?: true;
    /** URN of the resource whose deletion takes this one with it: a delete of both skips this one's. */
    deletedWith?: string;
    ignoreChanges?: string[];
    additionalSecretOutputs?: string[];
  };
  inputs: unknown;
  /** Read, not managed (a `StackReference` to another stack). */
  read?: true;
}

/** Provider references are `urn::id`; the synth shows the URN (ids are mock values). */
export function providerUrn(ref: string | undefined): string | null {
  if (!ref) return null;
  const i = ref.lastIndexOf("::");
  return i > 0 ? ref.slice(0, i) : ref;
}

export function resourceDocs(result: SynthResult): ResourceDoc[] {
  return result.registrations.map((r: Registration) => {
    const options: NonNullable<ResourceDoc["options"]> = {};
    if (r.protect) options.protect = true;
    if (r.retainOnDelete) options.retainOnDelete = true;
    if (r.deleteBeforeReplace) options.deleteBeforeReplace = true;
    if (r.deletedWith) options.deletedWith = r.deletedWith;
    if (r.ignoreChanges.length) options.ignoreChanges = r.ignoreChanges;
    if (r.additionalSecretOutputs.length) options.additionalSecretOutputs = r.additionalSecretOutputs;
    return {
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent ?? null,
      provider: providerUrn(r.provider),
      dependencies: r.dependencies,
      ...(Object.keys(options).length ? { options } : {}),
      inputs: redact(r.wire),
      ...(r.read ? { read: true as const } : {}),
    };
  });
}

export function outputsDoc(result: SynthResult): unknown {
  return redact(result.outputs);
}

/** An indented tree of resources by parent, then a count per type. */
export function renderTree(docs: ResourceDoc[]): string {
  const children = new Map<string | null, ResourceDoc[]>();
  const urns = new Set(docs.map((d) => d.urn));
  for (const d of docs) {
    const p = d.parent && urns.has(d.parent) ? d.parent : null;
    if (!children.has(p)) children.set(p, []);
    children.get(p)!.push(d);
  }
  const lines: string[] = [];
  // Siblings: providers, then components, then resources; each group by type and name (the JSON files keep
  // registration order).
  const rank = (d: ResourceDoc) =>
    d.type.startsWith("pulumi:providers:") ? 0 : d.type.startsWith("registry-platform:") ? 1 : 2;
  const visit = (parent: string | null, prefix: string) => {
    const list = [...(children.get(parent) ?? [])].sort(
      (a, b) => rank(a) - rank(b) || a.type.localeCompare(b.type) || a.name.localeCompare(b.name),
    );
    list.forEach((d, i) => {
      const last = i === list.length - 1;
      const flags = [
        d.options?.protect ? "protect" : "",
        d.options?.retainOnDelete ? "retain" : "",
        d.read ? "read" : "",
      ].filter(Boolean);
      const kind = (flatView(d.inputs) as { kind?: unknown } | null)?.kind;
      const type =
        d.type === "pulumi-nodejs:dynamic:Resource" && typeof kind === "string"
          ? `${d.type} (${kind})`
          : d.type;
      lines.push(
        `${prefix}${last ? "└─ " : "├─ "}${type}  ${d.name}${flags.length ? `  [${flags.join(", ")}]` : ""}`,
      );
      visit(d.urn, prefix + (last ? "   " : "│  "));
    });
  };
  visit(null, "");
  const counts = new Map<string, number>();
  for (const d of docs) counts.set(d.type, (counts.get(d.type) ?? 0) + 1);
  const width = Math.max(...[...counts.keys()].map((k) => k.length), 4);
  lines.push("", `${docs.length} resources by type:`);
  for (const [t, n] of [...counts.entries()].sort((a, b) => a[0].localeCompare(b[0])))
    lines.push(`  ${t.padEnd(width)}  ${n}`);
  return lines.join("\n");
}
