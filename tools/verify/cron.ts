/**
 * The period of a Velero schedule's cron expression: the longest gap between two consecutive runs, so that
 * "the last successful backup is younger than its period" holds for irregular schedules too (monthly: 31
 * days). Five fields (`m h dom mon dow`) with `*`, lists, ranges and steps, an optional `CRON_TZ=`/`TZ=`
 * prefix (the gap does not depend on the zone, DST aside), and the `@hourly`…`@yearly`/`@every <d>` forms.
 */

const DESCRIPTORS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

function field(text: string, min: number, max: number, what: string): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(",")) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new Error(`cron ${what} field ${JSON.stringify(text)} is not understood`);
    const lo = m[1] === "*" ? min : Number(m[2]);
    const hi = m[1] === "*" ? max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? max : lo;
    const step = m[4] !== undefined ? Number(m[4]) : 1;
    if (lo < min || hi > max || lo > hi || step < 1)
      throw new Error(`cron ${what} field ${JSON.stringify(text)} is out of range ${min}-${max}`);
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

/** `@every 1h30m` → ms. */
function every(d: string): number {
  let ms = 0;
  const re = /(\d+)(h|m|s)/g;
  let m: RegExpExecArray | null;
  let seen = "";
  while ((m = re.exec(d)) !== null) {
    ms += Number(m[1]) * { h: 3_600_000, m: 60_000, s: 1000 }[m[2] as "h" | "m" | "s"];
    seen += m[0];
  }
  if (!ms || seen !== d) throw new Error(`@every ${JSON.stringify(d)} is not a duration like 24h or 1h30m`);
  return ms;
}

/** The longest interval between consecutive runs of `expr`, in ms (evaluated over a 400-day window). */
export function cronPeriodMs(expr: string): number {
  let e = expr.trim().replace(/^(?:CRON_TZ|TZ)=\S+\s+/, "");
  if (e.startsWith("@every ")) return every(e.slice(7).trim());
  e = DESCRIPTORS[e] ?? e;
  const parts = e.split(/\s+/);
  if (parts.length !== 5) throw new Error(`cron ${JSON.stringify(expr)}: expected 5 fields`);
  const minute = field(parts[0], 0, 59, "minute");
  const hour = field(parts[1], 0, 23, "hour");
  const dom = field(parts[2], 1, 31, "day-of-month");
  const month = field(parts[3], 1, 12, "month");
  const dow = field(parts[4].replace(/\b7\b/g, "0"), 0, 6, "day-of-week");
  const domAny = parts[2] === "*";
  const dowAny = parts[4] === "*";
  // Standard cron: when both day fields are restricted, a day matches either.
  const dayMatches = (d: Date) =>
    domAny || dowAny
      ? dom.has(d.getUTCDate()) && dow.has(d.getUTCDay())
      : dom.has(d.getUTCDate()) || dow.has(d.getUTCDay());
  const start = Date.UTC(2025, 0, 1);
  const end = start + 400 * 86_400_000;
  let prev: number | undefined;
  let longest = 0;
  for (let t = start; t < end; t += 60_000) {
    const d = new Date(t);
    if (d.getUTCSeconds() !== 0) continue;
    if (!minute.has(d.getUTCMinutes()) || !hour.has(d.getUTCHours())) continue;
    if (!month.has(d.getUTCMonth() + 1) || !dayMatches(d)) continue;
    if (prev !== undefined) longest = Math.max(longest, t - prev);
    prev = t;
  }
  if (!longest) throw new Error(`cron ${JSON.stringify(expr)} runs less than twice in 400 days`);
  return longest;
}
