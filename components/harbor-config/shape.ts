/**
 * How a Harbor resource's properties are laid out in the engine: `connection`, `__provider` and the outputs a
 * resource declares stay top-level; every other input (`kind` included) is under one `spec` object.
 *
 * Why: the Pulumi SDK makes an `Output` and four promises for every top-level property of every resource. With
 * ~13 top-level keys per Harbor resource that was most of the cost of each Harbor project in a synth (issue #13:
 * 200 projects). The CRUD code (`./crud`) keeps working on the flat view ({@link flatView}); the provider
 * (`./provider.ts`), the program side (`./dynamic.ts`) and the mock engine convert at the edges.
 *
 * Stacks whose state predates this layout hold flat properties, or `kind` top-level: {@link flatView} reads
 * every one of them, so the layout alone is no change (no update, no preview noise); a resource's state takes
 * the new layout at its next real update.
 *
 * Node built-ins only: the provider process loads this without `@pulumi/pulumi`.
 */

/** The key every nested input is under. */
export const SPEC = "spec";

type Props = Record<string, unknown>;

/** True when `p` has the nested layout (a `spec` object). */
export function isNested(p: Props | undefined): boolean {
  const s = p?.[SPEC];
  return s !== null && typeof s === "object" && !Array.isArray(s);
}

/** The flat view: `spec`'s members next to the top-level ones. A flat (older) layout is returned as it is. */
export function flatView<T>(p: T): T {
  const props = p as unknown as Props;
  if (!isNested(props)) return p;
  const { [SPEC]: spec, ...top } = props;
  return { ...(spec as Props), ...top } as T;
}

/**
 * `flat` laid out like `like`: the members that are in `like.spec` go under `spec`, the others stay top-level.
 * When `like` is flat (older state), `flat` is returned as it is.
 */
export function nestLike<T>(flat: T, like: unknown): T {
  const l = like as Props | undefined;
  if (!isNested(l)) return flat;
  const specKeys = new Set(Object.keys(l![SPEC] as Props));
  const spec: Props = {};
  const top: Props = {};
  for (const [k, v] of Object.entries(flat as unknown as Props)) (specKeys.has(k) ? spec : top)[k] = v;
  return { ...top, [SPEC]: spec } as T;
}

/**
 * The layout the program registers: `connection`, the keys whose value is `undefined` (the outputs a resource
 * class declares) and the inputs in `topLevel` (inputs a class also declares as outputs) top-level; every other
 * input under `spec`, `kind` included.
 */
export function nestInputs(props: Props, topLevel: readonly string[] = []): Props {
  const top: Props = {};
  const spec: Props = {};
  for (const [k, v] of Object.entries(props)) {
    if (k === "connection" || v === undefined || topLevel.includes(k)) top[k] = v;
    else spec[k] = v;
  }
  return { ...top, [SPEC]: spec };
}
