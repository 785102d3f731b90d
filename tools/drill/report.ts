/** Renders a {@link DrillReport} as Markdown (for people and PR comments) and JSON (for machines). */
import { DrillReport } from "./drill";

const ICON = { pass: "✅", fail: "❌", skipped: "⏭️" } as const;

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

export function reportMarkdown(r: DrillReport): string {
  const lines = [
    `# Restore drill: ${r.result === "pass" ? "PASS ✅" : "FAIL ❌"}`,
    "",
    `- Harbor namespace: \`${r.harborNamespace}\` (Velero namespace \`${r.veleroNamespace}\`)`,
    `- Backup: ${r.backup ? `\`${r.backup}\`` : "none selected"}`,
    `- Scratch namespace: ${r.scratchNamespace ? `\`${r.scratchNamespace}\`` : "not created"}`,
    `- Started ${r.startedAt}, finished ${r.finishedAt} (${r.durationSeconds} s)`,
    "",
    "| Step | Result | Detail | Time |",
    "| --- | --- | --- | --- |",
    ...r.steps.map(
      (s) =>
        `| ${cell(s.name)} | ${ICON[s.status]} ${s.status} | ${cell(s.detail)} | ${(s.durationMs / 1000).toFixed(1)} s |`,
    ),
    "",
    `Cleanup: scratch namespace ${r.cleanup.namespace}; restore modifiers ConfigMap ${r.cleanup.modifiers}` +
      (r.cleanup.restore ? `; Restore ${r.cleanup.restore}` : "") +
      ".",
  ];
  const facts = Object.entries(r.facts);
  if (facts.length > 0) lines.push("", ...facts.map(([k, v]) => `- ${k}: ${String(v)}`));
  return lines.join("\n") + "\n";
}

export function reportJson(r: DrillReport): string {
  return JSON.stringify(r, null, 2) + "\n";
}
