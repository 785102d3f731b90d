#!/usr/bin/env node
/**
 * `npm run -s plan-diff -- [--exit-zero] <before> <after>`: the difference between two offline synth outputs
 * as Markdown, for a pull-request comment. `<before>`/`<after>` are either one stack's directory
 * (`resources.json` + `outputs.json`) or a directory holding one such directory per stack (`out/`), in which
 * case every stack found on either side is compared. Two stack directories are one stack, named after `<after>`.
 *
 * The Markdown starts with a summary table (one row per stack), then per stack: destructive changes
 * (replacements, deletions of protected resources) called out, and every change as a path — Helm values,
 * JSON policy documents inside strings and lists are diffed member by member, never shown as whole blobs.
 * Secret values are redacted in synth output (`[secret]`); a change of a secret's value is not visible here.
 *
 * Exit status: 0 no change, 1 changes (0 with `--exit-zero`), 2 unreadable input, 64 usage.
 */
import * as fs from "fs";
import * as path from "path";
import { flatView } from "../../components/harbor-config/shape";
import { isObj, type Obj } from "../../components/pod-spec";
import { ResourceDoc } from "./render";
import { replaceReasons } from "./replace";
import { hasChanges, renderPlans } from "./diff-markdown";
import { repeatedOption, repeatedOptionProblem, wantsHelp } from "../run";

export { hasChanges, lineDiff, renderPlans } from "./diff-markdown";

export interface Change {
  path: string;
  before: unknown;
  after: unknown;
}

export interface StackSnapshot {
  resources: ResourceDoc[];
  outputs: unknown;
}

export type Action = "create" | "update" | "replace" | "delete";

export interface ResourceChange {
  action: Action;
  type: string;
  name: string;
  urn: string;
  /** Leaf changes (update/replace). */
  changes: Change[];
  /** Why it is replaced (replace only). */
  reasons: string[];
  /** `protect` on the existing resource: Pulumi refuses to delete or replace it. */
  protect: boolean;
}

export interface StackPlan {
  stack: string;
  resources: ResourceChange[];
  outputs: Change[];
}

const isPrimitive = (x: unknown) => x === null || ["string", "number", "boolean"].includes(typeof x);

/** JSON documents inside strings (IAM/bucket policies, provider inputs) are diffed as documents. */
function jsonDoc(s: unknown): Obj | unknown[] | undefined {
  if (typeof s !== "string" || !/^\s*[[{]/.test(s)) return undefined;
  try {
    const v = JSON.parse(s) as unknown;
    return isObj(v) || Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The `name` of every element when all are objects with distinct string names (containers, env, ports). */
function namesOf(xs: unknown[]): string[] | undefined {
  const names = xs.map((x) => (isObj(x) && typeof x.name === "string" ? x.name : undefined));
  if (names.some((n) => n === undefined)) return undefined;
  return new Set(names).size === names.length ? (names as string[]) : undefined;
}

const join = (prefix: string, key: string) => (prefix ? `${prefix}.${key}` : key);

/**
 * Leaf-level differences between two JSON values, as paths: `a.b`, `list[2]`, `containers[name=app].image`,
 * `policy<json>.Statement[0].Effect`. Lists of scalars that changed length are one change (both lists).
 */
export function diffValues(a: unknown, b: unknown, prefix = ""): Change[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffValues(a[k], b[k], join(prefix, k)));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length === b.length) return a.flatMap((x, i) => diffValues(x, b[i], `${prefix}[${i}]`));
    const na = namesOf(a);
    const nb = namesOf(b);
    if (na && nb) {
      const byName = (xs: unknown[], names: string[]) => new Map(names.map((n, i) => [n, xs[i]]));
      const ma = byName(a, na);
      const mb = byName(b, nb);
      const names = [...na, ...nb.filter((n) => !ma.has(n))];
      return names.flatMap((n) => diffValues(ma.get(n), mb.get(n), `${prefix}[name=${n}]`));
    }
    if (!a.every(isPrimitive) || !b.every(isPrimitive)) {
      const n = Math.max(a.length, b.length);
      return Array.from({ length: n }, (_, i) => diffValues(a[i], b[i], `${prefix}[${i}]`)).flat();
    }
  }
  const ja = jsonDoc(a);
  const jb = jsonDoc(b);
  if (ja && jb) return diffValues(ja, jb, `${prefix}<json>`);
  return [{ path: prefix || "(value)", before: a, after: b }];
}

// ── planning ──────────────────────────────────────────────────────────────────────────────────────────────

/**
 * What is compared. A Harbor resource's inputs in their flat view (components/harbor-config/shape.ts), as its
 * provider diffs them: a property moving in or out of `spec` is no change for the engine, so none here either.
 */
function comparable(d: ResourceDoc) {
  const inputs = d.type === "pulumi-nodejs:dynamic:Resource" ? flatView(d.inputs) : d.inputs;
  return { inputs, options: d.options ?? {}, provider: d.provider };
}

/** What `pulumi up` would do to each resource, from two synth outputs of one stack. */
export function planStack(stack: string, before: StackSnapshot, after: StackSnapshot): StackPlan {
  const b = new Map(before.resources.map((r) => [r.urn, r]));
  const a = new Map(after.resources.map((r) => [r.urn, r]));
  const changes: ResourceChange[] = [];
  const entry = (action: Action, d: ResourceDoc, extra: Partial<ResourceChange> = {}): ResourceChange => ({
    action,
    type: d.type,
    name: d.name,
    urn: d.urn,
    changes: [],
    reasons: [],
    protect: false,
    ...extra,
  });

  const created = after.resources.filter((r) => !b.has(r.urn));
  const deleted = before.resources.filter((r) => !a.has(r.urn));
  // Same type and name under another URN (new parent): Pulumi deletes and creates it unless aliased.
  const moved = new Map<string, ResourceDoc>();
  for (const d of deleted) {
    const twin = created.find((c) => c.type === d.type && c.name === d.name && !moved.has(c.urn));
    if (twin) moved.set(twin.urn, d);
  }
  const movedFrom = new Set([...moved.values()].map((d) => d.urn));

  for (const r of after.resources) {
    const old = b.get(r.urn) ?? moved.get(r.urn);
    if (!old) {
      changes.push(entry("create", r));
      continue;
    }
    const diff = diffValues(comparable(old), comparable(r));
    const reasons: string[] = [];
    if (!b.has(r.urn)) reasons.push("its URN changed (new parent) and no alias keeps it");
    if (old.provider !== r.provider) reasons.push("its provider changed");
    const inputPaths = diff.filter((c) => c.path.startsWith("inputs.")).map((c) => c.path.slice(7));
    const provider = r.provider ? a.get(r.provider) : undefined;
    const providerInputs = provider?.inputs as Record<string, unknown> | undefined;
    reasons.push(...replaceReasons(r.type, inputPaths, old.inputs, r.inputs, providerInputs));
    if (!diff.length && !reasons.length) continue;
    changes.push(
      entry(reasons.length ? "replace" : "update", r, {
        urn: r.urn,
        changes: diff,
        reasons,
        protect: reasons.length > 0 && !!old.options?.protect,
      }),
    );
  }
  for (const d of deleted)
    if (!movedFrom.has(d.urn)) changes.push(entry("delete", d, { protect: !!d.options?.protect }));
  return { stack, resources: changes, outputs: diffValues(before.outputs, after.outputs) };
}

/** Single-stack convenience (kept for callers of the first version). */
export function planDiffMarkdown(stack: string, before: StackSnapshot, after: StackSnapshot): string {
  return renderPlans([planStack(stack, before, after)]);
}

// ── CLI ───────────────────────────────────────────────────────────────────────────────────────────────────

const EMPTY: StackSnapshot = { resources: [], outputs: {} };

function readSnapshot(dir: string): StackSnapshot {
  const read = (f: string): unknown => {
    const file = path.join(dir, f);
    const text = fs.readFileSync(file, "utf8");
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new Error(`${file}: not JSON (${(e as Error).message})`);
    }
  };
  const resources = read("resources.json");
  if (!Array.isArray(resources)) throw new Error(`${dir}/resources.json: not a list of resources`);
  return { resources: resources as ResourceDoc[], outputs: read("outputs.json") };
}

const isStackDir = (dir: string) => fs.existsSync(path.join(dir, "resources.json"));

/** Stack name → snapshot, for a stack directory or a directory of stack directories. */
export function readSide(dir: string): Map<string, StackSnapshot> {
  if (!fs.existsSync(dir)) return new Map();
  if (!fs.statSync(dir).isDirectory())
    throw new Error(`${dir} is not a directory; expected one stack's synth directory or a directory of them`);
  if (isStackDir(dir)) return new Map([[path.basename(path.resolve(dir)), readSnapshot(dir)]]);
  const out = new Map<string, StackSnapshot>();
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((x, y) => x.name.localeCompare(y.name)))
    if (e.isDirectory() && isStackDir(path.join(dir, e.name)))
      out.set(e.name, readSnapshot(path.join(dir, e.name)));
  return out;
}

export const USAGE =
  "usage: plan-diff [--exit-zero] [--title <text>] <before> <after>\n" +
  "  <before>/<after>: one stack's synth directory (resources.json + outputs.json), or a directory of them\n" +
  "  exit status: 0 no change, 1 changes (0 with --exit-zero), 2 unreadable input, 64 usage";

export function main(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): number {
  const dirs: string[] = [];
  let exitZero = false;
  let title: string | undefined;
  const twice = repeatedOption(argv);
  if (twice && !wantsHelp(argv)) {
    err(`plan-diff: ${repeatedOptionProblem(twice)}\n${USAGE}\n`);
    return 64;
  }
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === "--help" || k === "-h") {
      out(`${USAGE}\n`);
      return 0;
    }
    if (k === "--exit-zero") exitZero = true;
    else if (k === "--title") {
      if (argv[i + 1] === undefined || argv[i + 1].startsWith("--")) {
        err(`plan-diff: --title needs a value\n${USAGE}\n`);
        return 64;
      }
      title = argv[++i];
    } else if (k.startsWith("-")) {
      err(`plan-diff: unknown argument ${k}\n${USAGE}\n`);
      return 64;
    } else dirs.push(k);
  }
  if (dirs.length !== 2) {
    err(`${USAGE}\n`);
    return 64;
  }
  let plans: StackPlan[];
  try {
    const [before, after] = dirs.map(readSide);
    // Two stack directories are one stack, whatever their names (a copy of out/dev against out/dev): the
    // before side takes the after side's name.
    if (isStackDir(dirs[0]) && isStackDir(dirs[1])) {
      const [name] = [...after.keys()];
      const [snapshot] = [...before.values()];
      before.clear();
      before.set(name, snapshot);
    }
    if (!before.size && !after.size) throw new Error(`no synth output in ${dirs[0]} or ${dirs[1]}`);
    // A side that does not exist, or holds no synth output, is no stacks (a base where every synth failed);
    // say so, it may be a typo or the wrong directory.
    [before, after].forEach((side, i) => {
      const d = dirs[i];
      const what = !fs.existsSync(d)
        ? "does not exist"
        : !side.size
          ? "holds no synth output (no resources.json, no stack directory with one)"
          : undefined;
      if (what)
        err(
          `plan-diff: ${d} ${what}: compared as no synth output (every stack on the other side ${i === 0 ? "created" : "deleted"})\n`,
        );
    });
    const stacks = [...new Set([...before.keys(), ...after.keys()])].sort();
    plans = stacks.map((s) => planStack(s, before.get(s) ?? EMPTY, after.get(s) ?? EMPTY));
  } catch (e) {
    err(`plan-diff: ${(e as Error).message}\n`);
    return 2;
  }
  out(renderPlans(plans, title));
  return plans.some(hasChanges) && !exitZero ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
