/**
 * The Markdown of the plan diff (re-exported by ./diff): a summary table with one row per stack, then per stack
 * the destructive changes called out and every change as a path.
 */
import type { Action, Change, ResourceChange, StackPlan } from "./diff";

const SECRET = "[secret]";

export function hasChanges(p: StackPlan): boolean {
  return p.resources.length > 0 || p.outputs.length > 0;
}

const code = (s: string) => "`" + s.replace(/`/g, "'") + "`";

function show(v: unknown): string {
  if (v === undefined) return "_(unset)_";
  if (v === SECRET) return "_[secret]_";
  if (typeof v === "string" && v.includes("-----BEGIN ")) return "_(PEM)_";
  const s = JSON.stringify(v);
  return code(s.length > 120 ? `${s.slice(0, 117)}...` : s);
}

const multiline = (v: unknown): v is string =>
  typeof v === "string" && v.includes("\n") && !v.includes("-----BEGIN ");

/** A unified-style line diff (longest common subsequence; inputs are small: scripts, YAML snippets). */
export function lineDiff(a: string, b: string): string[] {
  const x = a.split("\n");
  const y = b.split("\n");
  const n = x.length;
  const m = y.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) {
      out.push(`  ${x[i]}`);
      i++;
      j++;
    } else if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) out.push(`- ${x[i++]}`);
    else out.push(`+ ${y[j++]}`);
  }
  return out;
}

function renderChange(c: Change, indent: string): string[] {
  const listChange = Array.isArray(c.before) && Array.isArray(c.after);
  if (listChange) {
    const before = c.before as unknown[];
    const after = c.after as unknown[];
    const added = after.filter((x) => !before.some((y) => JSON.stringify(y) === JSON.stringify(x)));
    const removed = before.filter((x) => !after.some((y) => JSON.stringify(y) === JSON.stringify(x)));
    const parts = [
      added.length ? `added ${added.map(show).join(", ")}` : "",
      removed.length ? `removed ${removed.map(show).join(", ")}` : "",
    ].filter(Boolean);
    return [`${indent}- ${code(c.path)}: ${parts.join("; ") || "reordered"}`];
  }
  if (multiline(c.before) || multiline(c.after)) {
    const a = typeof c.before === "string" ? c.before : "";
    const b = typeof c.after === "string" ? c.after : "";
    return [
      `${indent}- ${code(c.path)}: text changed`,
      "",
      `${indent}  \`\`\`diff`,
      ...lineDiff(a, b)
        .filter(
          (l, k, all) =>
            !l.startsWith("  ") || all.slice(Math.max(0, k - 1), k + 2).some((z) => !z.startsWith("  ")),
        )
        .map((l) => `${indent}  ${l}`),
      `${indent}  \`\`\``,
      "",
    ];
  }
  return [`${indent}- ${code(c.path)}: ${show(c.before)} → ${show(c.after)}`];
}

const label = (r: ResourceChange) => `${code(r.type)} **${r.name}**`;

function counts(p: StackPlan) {
  const n = (a: Action) => p.resources.filter((r) => r.action === a).length;
  return {
    create: n("create"),
    update: n("update"),
    replace: n("replace"),
    delete: n("delete"),
    outputs: p.outputs.length,
    protect: p.resources.filter((r) => r.protect).length,
  };
}

/** Markdown for one or more stacks: the summary table first, then each stack's details. */
export function renderPlans(plans: StackPlan[], title = "Offline plan diff"): string {
  const lines = [`## ${title}`, ""];
  lines.push(
    "| stack | create | update | replace | delete | outputs | protected hit |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const p of plans) {
    const c = counts(p);
    const bold = (v: number) => (v > 0 ? `**${v}**` : String(v));
    lines.push(
      hasChanges(p)
        ? `| ${code(p.stack)} | ${c.create} | ${c.update} | ${bold(c.replace)} | ${bold(c.delete)} | ${c.outputs} | ${bold(c.protect)} |`
        : `| ${code(p.stack)} | 0 | 0 | 0 | 0 | 0 | 0 |`,
    );
  }
  lines.push("");
  const changed = plans.filter(hasChanges);
  if (!changed.length) {
    lines.push("No changes to the desired state.", "");
    return lines.join("\n");
  }
  for (const p of changed) lines.push(...renderStack(p));
  lines.push(
    "_Secret values are redacted in the offline synth, so a change of a secret's value does not show here; " +
      "replacements are inferred from the providers' replace-on-change fields._",
    "",
  );
  return lines.join("\n");
}

function renderStack(p: StackPlan): string[] {
  const lines = [`### ${code(p.stack)}`, ""];
  const of = (a: Action) => p.resources.filter((r) => r.action === a);
  const replaced = of("replace");
  const deleted = of("delete");
  const blocked = p.resources.filter((r) => r.protect);
  if (blocked.length)
    lines.push(
      `> [!CAUTION]`,
      `> **Protected:** ${blocked.length} protected resource(s) would be deleted or replaced: ` +
        `${blocked.map(label).join(", ")}. \`pulumi up\` refuses until \`protect\` is lifted.`,
      "",
    );
  if (replaced.length || deleted.length)
    lines.push(
      `> [!WARNING]`,
      `> **Destructive:** ${replaced.length} to replace (deleted and created again), ${deleted.length} to delete.`,
      "",
    );
  if (replaced.length) {
    lines.push("#### Replace");
    for (const r of replaced) {
      lines.push(`- ${label(r)}${r.protect ? " _(protected)_" : ""} — because ${r.reasons.join("; ")}`);
      for (const c of r.changes) lines.push(...renderChange(c, "  "));
    }
    lines.push("");
  }
  if (deleted.length)
    lines.push("#### Delete", ...deleted.map((r) => `- ${label(r)}${r.protect ? " _(protected)_" : ""}`), "");
  const created = of("create");
  if (created.length) lines.push("#### Create", ...created.map((r) => `- ${label(r)}`), "");
  const updated = of("update");
  if (updated.length) {
    lines.push("#### Update");
    for (const r of updated) {
      lines.push(`- ${label(r)}`);
      for (const c of r.changes) lines.push(...renderChange(c, "  "));
    }
    lines.push("");
  }
  if (p.outputs.length) {
    lines.push("#### Outputs");
    for (const c of p.outputs) lines.push(...renderChange(c, ""));
    lines.push("");
  }
  return lines;
}
