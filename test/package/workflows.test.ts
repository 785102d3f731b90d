/**
 * The GitHub Actions jobs that run a compiled CLI (`node dist/...`) build it first in the job, with a
 * command that builds something: `tsc -p tsconfig.json` compiles nothing here (tsconfig.json is a solution file
 * with `files: []` and references), so those steps only worked because `npm ci` runs `prepare`.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

const ROOT = path.join(__dirname, "..", "..", "..");
const DIR = path.join(ROOT, ".github", "workflows");

interface Step {
  name?: string;
  run?: string;
}

/** Each job's run steps, in order. */
function jobs(file: string): { job: string; steps: { name: string; run: string }[] }[] {
  const doc = parse(fs.readFileSync(path.join(DIR, file), "utf8")) as {
    jobs: Record<string, { steps?: Step[] }>;
  };
  return Object.entries(doc.jobs).map(([job, j]) => ({
    job,
    steps: (j.steps ?? [])
      .map((st, i) => ({ name: st.name ?? String(i), run: st.run }))
      .filter((st): st is { name: string; run: string } => typeof st.run === "string"),
  }));
}

describe("workflows: compiled CLIs are built in the step that runs them", () => {
  const files = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));

  it("tsconfig.json is a solution file (what makes `tsc -p tsconfig.json` a no-op)", () => {
    const t = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")) as { files?: unknown[] };
    assert.deepStrictEqual(t.files, []);
  });

  it("pr.yml synthesizes every stack in deploy order (replicas first), not in stack-file name order", () => {
    const steps = jobs("pr.yml").flatMap((j) => j.steps);
    const synth = steps.filter((st) => /synth\/cli\.js --stack/.test(st.run));
    assert.deepStrictEqual(
      synth.map((st) => st.name),
      ["synth head (every stack)", "synth base (every stack)"],
    );
    for (const st of synth) {
      assert.match(st.run, /stacks\.js" --deploy-order|stacks\.js --deploy-order/, st.name);
      assert.doesNotMatch(st.run, /for f in stacks\/Pulumi\.\*\.yaml/, st.name);
    }
  });

  for (const file of files) {
    it(file, () => {
      const all = jobs(file);
      assert.ok(
        all.some((j) => j.steps.length > 0),
        `${file} has no run step`,
      );
      for (const { job, steps } of all) {
        let built = false;
        for (const st of steps) {
          const where = `${file} ${job} step "${st.name}"`;
          assert.doesNotMatch(st.run, /tsc -p tsconfig\.json/, `${where}: builds nothing`);
          for (const line of st.run.split("\n")) {
            if (/\bnpx tsc -b\b|\bnpm run build\b/.test(line)) built = true;
            if (/\bnode dist\//.test(line))
              assert.ok(built, `${where}: runs node dist/ before the job builds it`);
          }
        }
      }
    });
  }
});
