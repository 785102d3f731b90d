/** The outcome of one `verify` check and the helpers the checks share (re-exported by ./checks). */

export type Status = "pass" | "fail" | "skip";

export interface Outcome {
  status: Status;
  /** One line each; `✔`/`✘` items for multi-part checks. Never contains secrets. */
  details: string[];
}

export const DAY = 86_400_000;

/** pass when every item passed; items render as `✔ …` / `✘ …`. */
export function fromItems(items: [boolean, string][], extra: string[] = []): Outcome {
  return {
    status: items.every(([ok]) => ok) ? "pass" : "fail",
    details: [...items.map(([ok, text]) => `${ok ? "✔" : "✘"} ${text}`), ...extra],
  };
}
