/**
 * The end-to-end report: every check (mocha test) with its outcome and duration, the notes a check leaves
 * (resource counts, what changed, which chart source served), and every `pulumi` command with its duration.
 * Written as report.md and report.json into the report directory and printed at the end of the run.
 */
import * as fs from "fs";
import * as path from "path";

export interface CheckRecord {
  title: string;
  state: "passed" | "failed" | "pending";
  ms: number;
  notes: string[];
  error?: string;
}

export interface CommandRecord {
  stack: string;
  command: string;
  code: number;
  ms: number;
}

export class Report {
  readonly checks: CheckRecord[] = [];
  readonly commands: CommandRecord[] = [];
  readonly phases: { name: string; ms: number }[] = [];
  /** Things seen on the way that are no check's result (e.g. refused TLS handshakes). */
  readonly events: string[] = [];
  private pending: string[] = [];
  private readonly t0 = Date.now();

  /** A note attached to the check that is running. */
  note(s: string): void {
    this.pending.push(s);
  }

  endCheck(title: string, state: CheckRecord["state"], ms: number, error?: string): void {
    this.checks.push({ title, state, ms, notes: this.pending, ...(error ? { error } : {}) });
    this.pending = [];
  }

  event(s: string): void {
    this.events.push(s);
  }

  command(stack: string, command: string, code: number, ms: number): void {
    this.commands.push({ stack, command, code, ms });
  }

  async phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const t = Date.now();
    try {
      return await fn();
    } finally {
      this.phases.push({ name, ms: Date.now() - t });
    }
  }

  markdown(): string {
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const total = Date.now() - this.t0;
    const passed = this.checks.filter((c) => c.state === "passed").length;
    const lines = [
      "# End-to-end report",
      "",
      `${passed}/${this.checks.length} checks passed in ${s(total)} (wall clock, set-up and clean-up included).`,
      "",
      "| check | result | time | notes |",
      "| --- | --- | --- | --- |",
      ...this.checks.map(
        (c) =>
          `| ${c.title} | ${c.state === "passed" ? "pass" : c.state.toUpperCase()} | ${s(c.ms)} | ${[
            ...c.notes,
            ...(c.error ? [`error: ${c.error.split("\n")[0]}`] : []),
          ]
            .join("<br>")
            .replace(/\|/g, "\\|")} |`,
      ),
      "",
      "## Set-up and clean-up",
      "",
      "| phase | time |",
      "| --- | --- |",
      ...this.phases.map((p) => `| ${p.name} | ${s(p.ms)} |`),
      "",
      ...(this.events.length ? ["## Events", "", ...this.events.map((e) => `- ${e}`), ""] : []),
      "## pulumi commands",
      "",
      "| stack | command | exit | time |",
      "| --- | --- | --- | --- |",
      ...this.commands.map(
        (c) => `| ${c.stack} | \`${c.command.replace(/\|/g, "\\|")}\` | ${c.code} | ${s(c.ms)} |`,
      ),
      "",
    ];
    return lines.join("\n");
  }

  write(dir: string): string {
    fs.mkdirSync(dir, { recursive: true });
    const md = path.join(dir, "report.md");
    fs.writeFileSync(md, this.markdown());
    fs.writeFileSync(
      path.join(dir, "report.json"),
      JSON.stringify(
        {
          totalMs: Date.now() - this.t0,
          checks: this.checks,
          phases: this.phases,
          events: this.events,
          commands: this.commands,
        },
        null,
        2,
      ),
    );
    return md;
  }
}
