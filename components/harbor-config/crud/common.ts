/**
 * Shared shapes of the CRUD implementations behind the dynamic resources. Every implementation is a plain
 * object of functions over a {@link HarborClient}, testable without Pulumi; `diff` is pure and never calls
 * Harbor (a preview with an unknown Harbor URL must not reach the API).
 */
import { HarborClient, HarborConnection, UNKNOWN } from "../client";

/** What a dynamic provider's `diff` returns (structurally `pulumi.dynamic.DiffResult`). */
export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace?: boolean;
}

/** Inputs every Harbor dynamic resource carries. */
export interface BaseInputs {
  /** `harbor:<Type>`; the mock engine keys computed outputs by it. */
  kind: string;
  /** Harbor URL and admin credentials (a secret input). */
  connection: HarborConnection;
}

export interface Crud<I extends BaseInputs, O extends I> {
  kind: string;
  diff(olds: O, news: I): DiffResult;
  create(client: HarborClient, inputs: I): Promise<{ id: string; outs: O }>;
  /** `id` undefined = the object no longer exists. */
  read(client: HarborClient, id: string, props: O): Promise<{ id?: string; props?: O }>;
  update(client: HarborClient, id: string, olds: O, news: I): Promise<{ outs: O }>;
  /** Succeeds when the object is already gone. */
  delete(client: HarborClient, id: string, props: O): Promise<void>;
}

/** Header telling Harbor that a `{project_name_or_id}` path segment is a name (names may look like ids). */
export const BY_NAME: Readonly<Record<string, string>> = { "X-Is-Resource-Name": "true" };

export function seg(s: string | number): string {
  return encodeURIComponent(String(s));
}

/** True when `v` is, or contains, a value Pulumi does not know yet. */
export function hasUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(hasUnknown);
  if (v !== null && typeof v === "object")
    return Object.values(v as Record<string, unknown>).some(hasUnknown);
  return false;
}

/** Key-order-independent JSON, `undefined` members dropped. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(",")}}`;
  }
  return v === undefined ? "null" : JSON.stringify(v);
}

export function same(a: unknown, b: unknown): boolean {
  return !hasUnknown(a) && !hasUnknown(b) && canonical(a) === canonical(b);
}

/**
 * Compares the listed inputs of the old state and the new inputs. Unknown values count as changed. A changed
 * connection (URL, credentials, CA, timeouts) is an update that only refreshes the stored connection, so that
 * a later delete uses the current credentials.
 */
export function diffInputs<I extends BaseInputs>(
  olds: I,
  news: I,
  updateKeys: readonly (keyof I & string)[],
  replaceKeys: readonly (keyof I & string)[],
): DiffResult {
  const changed = (k: keyof I & string) => !same(olds[k], news[k]);
  const replaces = replaceKeys.filter(changed);
  const updates = updateKeys.filter(changed);
  const connection = !same(olds.connection, news.connection);
  return { changes: replaces.length > 0 || updates.length > 0 || connection, replaces };
}

/** The numeric id at the end of a `Location` header (`/api/v2.0/.../42`). */
export function idFromLocation(location: string | string[] | undefined): number | undefined {
  const loc = Array.isArray(location) ? location[0] : location;
  const m = loc ? /\/(\d+)\/?$/.exec(loc) : null;
  return m ? Number(m[1]) : undefined;
}
