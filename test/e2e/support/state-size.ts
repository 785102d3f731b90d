/**
 * The size of a stack's state (`pulumi stack export`, as the CLI prints it) and where it goes: by resource type
 * and by part of a resource (inputs, outputs, the Kubernetes provider's copy of the inputs under
 * `outputs.__inputs`, the engine's source positions and stack traces, the rest); what the engine records around
 * the properties, whatever they hold; and the stack-trace frames.
 */

export interface StateSize {
  /** Bytes of the export text. */
  total: number;
  resources: number;
  /** Bytes per resource type (as printed in the export), largest first. */
  byType: [string, number][];
  /**
   * Bytes per package, the first part of the type (`kubernetes`, `pulumi-nodejs` for the Harbor resources,
   * `registry-platform` for the components, `pulumi` for the stack and the provider resources), largest first.
   */
  byPackage: [string, number][];
  /** Bytes per part of a resource, summed over all resources. */
  byPart: Record<string, number>;
  /** Bytes of the export without indentation (`JSON.stringify` of the parsed text). */
  compact: number;
  /**
   * Bytes of the export but the resources' inputs and outputs: what the engine records around them (URN, parent,
   * provider, dependencies, source position, stack trace, times, the keys and indentation of each resource, the
   * deployment's own header) — what the resources cost whatever they hold.
   */
  around: number;
  /** Stack-trace frames over all resources, and how many of them are in `@pulumi/*` (the SDK, the host). */
  frames: number;
  pulumiFrames: number;
}

type Resource = Record<string, unknown> & { type: string };

/** Bytes of `v` as the export prints it at nesting `depth` (the CLI indents by four spaces per level). */
function bytes(v: unknown, depth: number): number {
  const s = JSON.stringify(v, null, 4);
  if (s === undefined) return 0;
  const lines = s.split("\n").length;
  return Buffer.byteLength(s) + (lines - 1) * 4 * depth;
}

/** The breakdown of an export's text. */
export function stateSize(exportText: string): StateSize {
  const d = JSON.parse(exportText) as { deployment?: { resources?: Resource[] } };
  const resources = d.deployment?.resources ?? [];
  const byType = new Map<string, number>();
  const byPackage = new Map<string, number>();
  const byPart: Record<string, number> = {};
  const add = (k: string, n: number) => (byPart[k] = (byPart[k] ?? 0) + n);
  let frames = 0;
  let pulumiFrames = 0;
  for (const r of resources) {
    const trace = Array.isArray(r.stackTrace) ? (r.stackTrace as { sourcePosition?: string }[]) : [];
    frames += trace.length;
    pulumiFrames += trace.filter((f) => /\/node_modules\/@pulumi\//.test(f.sourcePosition ?? "")).length;
    const n = bytes(r, 3);
    byType.set(r.type, (byType.get(r.type) ?? 0) + n);
    const pkg = r.type.split(":")[0];
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + n);
    for (const [k, v] of Object.entries(r)) {
      if (k === "outputs" && v && typeof v === "object" && "__inputs" in v) {
        const { __inputs, ...rest } = v as Record<string, unknown>;
        add("outputs.__inputs", bytes(__inputs, 5));
        add("outputs", bytes(rest, 4));
      } else if (k === "inputs" || k === "outputs" || k === "sourcePosition" || k === "stackTrace")
        add(k, bytes(v, 4));
      else add("other", bytes(v, 4));
    }
  }
  const properties = ["inputs", "outputs", "outputs.__inputs"].reduce((a, k) => a + (byPart[k] ?? 0), 0);
  return {
    total: Buffer.byteLength(exportText),
    resources: resources.length,
    byType: [...byType].sort((a, b) => b[1] - a[1]),
    byPackage: [...byPackage].sort((a, b) => b[1] - a[1]),
    byPart,
    compact: Buffer.byteLength(JSON.stringify(d)),
    around: Buffer.byteLength(exportText) - properties,
    frames,
    pulumiFrames,
  };
}

/** One line per figure, in KB. */
export function describeStateSize(s: StateSize, top = 8): string {
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  const parts = Object.entries(s.byPart)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${kb(n)}`);
  const packages = s.byPackage.map(([p, n]) => `${p} ${kb(n)}`);
  const types = s.byType.slice(0, top).map(([t, n]) => `${t} ${kb(n)}`);
  const per = (n: number) => (s.resources ? n / s.resources : 0);
  return (
    `${kb(s.total)} for ${s.resources} resources (${kb(s.compact)} without indentation); ` +
    `all but inputs and outputs ${kb(s.around)} (${(per(s.around) / 1024).toFixed(1)} KB per resource); ` +
    `stack frames ${per(s.frames).toFixed(1)} per resource, ${s.frames ? Math.round((100 * s.pulumiFrames) / s.frames) : 0} % in @pulumi/*; ` +
    `by package: ${packages.join(", ")}; by part: ${parts.join(", ")}; largest types: ${types.join(", ")}`
  );
}
