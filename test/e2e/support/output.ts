/**
 * Reading what the Pulumi CLI prints: the `Resources:` summary of up/preview/refresh/destroy, the steps of
 * `preview --json`, and PEM blocks.
 */

/** The `Resources:` block: `{ created: 74 }`, `{ unchanged: 74 }`, `{ "to create": 74 }`, ... */
export function resourceSummary(out: string): Record<string, number> {
  const i = out.lastIndexOf("Resources:");
  const res: Record<string, number> = {};
  if (i < 0) return res;
  for (const line of out.slice(i).split("\n").slice(1)) {
    const m = /^\s*[-+~±<>]*\s*(\d+)\s+([a-z-]+(?: [a-z-]+)?)\s*$/.exec(line);
    if (m) res[m[2]] = Number(m[1]);
    else if (line.trim() === "" && Object.keys(res).length) break;
    else if (line.trim() !== "") break;
  }
  return res;
}

export interface PreviewStep {
  op: string;
  urn: string;
  /** `type::name` from the URN (the type without its parents). */
  label: string;
  type: string;
}

/** The steps of `pulumi preview --json` other than `same`. */
export function previewSteps(json: string): PreviewStep[] {
  const j = JSON.parse(json) as { steps?: { op: string; urn: string }[] };
  return (j.steps ?? [])
    .filter((s) => s.op !== "same")
    .map((s) => {
      const parts = s.urn.split("::");
      const type = (parts[2] ?? "").split("$").pop() ?? "";
      return { op: s.op, urn: s.urn, type, label: `${type}::${parts[3] ?? ""}` };
    });
}

export function stepLabel(s: PreviewStep): string {
  return `${s.op} ${s.label}`;
}

export function pemBlocks(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** PEM without whitespace, for comparing the same certificate written differently. */
export function norm(pem: string): string {
  return pem.replace(/\s+/g, "");
}

/** Whether `text` holds the first certificate of `caBundlePem` (the platform's root CA), however wrapped. */
export function holdsRootCa(text: string, caBundlePem: string): boolean {
  const root = norm(pemBlocks(caBundlePem)[0] ?? "");
  return root !== "" && norm(text).includes(root);
}
