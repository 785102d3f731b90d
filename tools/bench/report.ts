/**
 * The benchmark's targets and report, pure: medians per stage of each variant and the verdict.
 * - ratio: the platform's synth of the stack / a one-bucket program on the same engine and SDKs ≤ 1.3;
 * - scaling: the synth with 200 Harbor projects / the synth with 5 ≤ 2.
 * With a `floor` variant (the stack's recorded resources registered without the platform's code, ./floor.ts), the
 * report also shows floor / baseline, about what the ratio would be if the platform's own code cost nothing, and
 * platform / floor, what the platform's own code adds.
 */
import type { Sample } from "./stages";

export const TARGETS = { ratio: 1.3, scaling: 2 } as const;
export const SCALING_PROJECTS = { few: 5, many: 200 } as const;

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median of every field over the samples of one variant. */
export function medianSample(samples: Sample[]): Sample {
  const field = (k: keyof Sample) => median(samples.map((s) => s[k]));
  return {
    require: field("require"),
    program: field("program"),
    registrations: field("registrations"),
    total: field("total"),
    serialization: field("serialization"),
    closures: field("closures"),
    closureBytes: field("closureBytes"),
    resources: field("resources"),
  };
}

export interface Check {
  name: keyof typeof TARGETS;
  what: string;
  value: number;
  target: number;
  ok: boolean;
}

export function checks(m: Record<string, Sample | undefined>): Check[] {
  const out: Check[] = [];
  const ratio = (a?: Sample, b?: Sample) => (a && b ? a.total / b.total : undefined);
  const r = ratio(m.platform, m.baseline);
  if (r !== undefined)
    out.push({
      name: "ratio",
      what: "platform / baseline",
      value: r,
      target: TARGETS.ratio,
      ok: r <= TARGETS.ratio,
    });
  const few = `projects-${SCALING_PROJECTS.few}`;
  const many = `projects-${SCALING_PROJECTS.many}`;
  const s = ratio(m[many], m[few]);
  if (s !== undefined)
    out.push({
      name: "scaling",
      what: `${many} / ${few}`,
      value: s,
      target: TARGETS.scaling,
      ok: s <= TARGETS.scaling,
    });
  return out;
}

const ms = (x: number) => `${x.toFixed(0)}`.padStart(6);

/** Above this spread of a variant's totals ((max - min) / median) a verdict may be the machine's noise. */
export const NOISY_SPREAD = 0.2;

/** (max - min) / median of the samples' totals; 0 for fewer than 3 samples. */
export function spread(samples: Sample[]): number {
  if (samples.length < 3) return 0;
  const t = samples.map((s) => s.total);
  return (Math.max(...t) - Math.min(...t)) / median(t);
}

/** `value` to 2 decimals, or to 3 when 2 would print a missed target as the target itself (2.003 → "2.003"). */
export function shown(value: number, target: number): string {
  const two = value.toFixed(2);
  return value > target && two === target.toFixed(2) ? value.toFixed(3) : two;
}

/** The report: per variant the median end of each stage (wall ms since process start), then the checks. */
export function render(
  stack: string,
  runs: number,
  all: Record<string, Sample[]>,
): { text: string; ok: boolean } {
  const medians = Object.fromEntries(Object.entries(all).map(([k, v]) => [k, medianSample(v)]));
  const lines = [
    `stack ${stack}: median of ${runs} fresh node processes per variant; wall ms since process start at the end of`,
    `each stage; serial.: closure serialization of dynamic providers, re-run alone after the run (not in total)`,
    `  ${"variant".padEnd(14)} require program registr. | total  serial. closures (KB)  resources  totals`,
  ];
  for (const [variant, m] of Object.entries(medians)) {
    const totals = all[variant].map((s) => s.total.toFixed(0)).join(", ");
    lines.push(
      `  ${variant.padEnd(14)} ${ms(m.require)}  ${ms(m.program)}  ${ms(m.registrations)} | ${ms(m.total)} ${ms(m.serialization)}` +
        `  ${String(m.closures).padStart(3)} (${(m.closureBytes / 1024).toFixed(0).padStart(4)})  ${String(m.resources).padStart(9)}  [${totals}]`,
    );
  }
  const cs = checks(medians);
  for (const c of cs)
    lines.push(
      `  ${c.name}: ${c.what} = ${shown(c.value, c.target)} (target <= ${c.target.toFixed(2)}) ${c.ok ? "OK" : "OVER TARGET"}`,
    );
  if (medians.floor && medians.baseline) {
    const own = medians.platform
      ? `, platform / floor = ${(medians.platform.total / medians.floor.total).toFixed(2)}`
      : "";
    lines.push(
      `  floor: floor / baseline = ${(medians.floor.total / medians.baseline.total).toFixed(2)}${own} (no target: the ` +
        `stack's ${medians.floor.resources} recorded resources registered without the platform's code)`,
    );
  }
  const noisy = Object.entries(all)
    .map(([k, v]) => [k, spread(v)] as const)
    .filter(([, s]) => s > NOISY_SPREAD);
  if (noisy.length > 0)
    lines.push(
      `  note: the totals of ${noisy.map(([k, s]) => `${k} spread ${(s * 100).toFixed(0)} %`).join(", ")} ` +
        `((max - min) / median; a quiet machine measures under 10 %): the machine was busy, the verdict may be noise; re-run`,
    );
  return { text: lines.join("\n") + "\n", ok: cs.every((c) => c.ok) };
}
