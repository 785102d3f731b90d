/**
 * The benchmark's verdict (exit status) and its generated variants; the timings themselves are not tested.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { parseArgs } from "../../tools/bench/cli";
import { checks, median, render, shown } from "../../tools/bench/report";
import type { Sample } from "../../tools/bench/stages";
import { withProjects } from "../../tools/bench/variants";
import { parsedConfig } from "../harness/config";
import { ROOT, stackFile } from "../harness";

function sample(total: number, extra: Partial<Sample> = {}): Sample {
  const base = { require: total / 2, program: (total * 3) / 4, registrations: total, total };
  return { ...base, serialization: 0, closures: 0, closureBytes: 0, resources: 1, ...extra };
}

describe("bench", () => {
  it("shows a ratio to 2 decimals, to 3 when it misses the target by less than 0.005", () => {
    assert.deepStrictEqual(
      [shown(1.994, 2), shown(2, 2), shown(2.004, 2), shown(2.0049, 2), shown(2.006, 2), shown(1.2345, 1.3)],
      ["1.99", "2.00", "2.004", "2.005", "2.01", "1.23"],
    );
  });

  it("notes a variant whose totals spread over 20 % (a busy machine), and only then", () => {
    const quiet = render("s", 3, { baseline: [sample(1400), sample(1350), sample(1420)] });
    assert.ok(!/note:/.test(quiet.text), quiet.text);
    const busy = render("s", 3, {
      baseline: [sample(1400), sample(1900), sample(1350)],
      platform: [sample(1800), sample(1810), sample(1790)],
    });
    assert.match(busy.text, /note: the totals of baseline spread 39 % .*re-run/);
    assert.ok(!/platform spread/.test(busy.text));
  });

  it("median of odd and even counts", () => {
    assert.strictEqual(median([3, 1, 2]), 2);
    assert.strictEqual(median([4, 1, 3, 2]), 2.5);
  });

  it("passes when platform/baseline <= 1.3 and 200 projects / 5 <= 2", () => {
    const r = render("s", 1, {
      baseline: [sample(1000)],
      platform: [sample(1300)],
      "projects-5": [sample(1300)],
      "projects-200": [sample(2600)],
    });
    assert.ok(r.ok, r.text);
    assert.match(r.text, /ratio: platform \/ baseline = 1\.30 \(target <= 1\.30\) OK/);
    assert.match(r.text, /scaling: projects-200 \/ projects-5 = 2\.00 \(target <= 2\.00\) OK/);
  });

  it("shows floor / baseline without a target, and the verdict ignores it", () => {
    const r = render("s", 1, {
      baseline: [sample(1000)],
      platform: [sample(1450)],
      floor: [sample(1220, { resources: 124 })],
    });
    assert.ok(!r.ok);
    assert.match(r.text, /ratio: platform \/ baseline = 1\.45 .*OVER TARGET/);
    assert.match(
      r.text,
      /floor: floor \/ baseline = 1\.22, platform \/ floor = 1\.19 \(no target: the stack's 124 recorded resources registered without the platform's code\)/,
    );
    assert.deepStrictEqual(
      checks({ baseline: sample(1000), floor: sample(1500) }).map((c) => c.name),
      [],
    );
    assert.doesNotMatch(
      render("s", 1, { floor: [sample(1220)] }).text,
      /floor: floor/,
      "no baseline, no line",
    );
  });

  it("fails (non-zero exit) when a target is missed, and shows every stage", () => {
    const r = render("s", 3, {
      baseline: [sample(1000), sample(900), sample(1100)],
      platform: [
        sample(2500, { serialization: 800, closures: 1, closureBytes: 85 * 1024 }),
        sample(2400),
        sample(2600),
      ],
    });
    assert.ok(!r.ok);
    assert.match(r.text, /ratio: platform \/ baseline = 2\.50 .*OVER TARGET/);
    assert.match(r.text, /require program registr\. \| total  serial\./);
    assert.match(
      r.text,
      /platform\s+1250\s+1875\s+2500 \|\s+2500\s+0\s+0 \(\s+0\)\s+1\s+\[2500, 2400, 2600\]/,
    );
    assert.deepStrictEqual(
      checks({ "projects-5": sample(1000), "projects-200": sample(2001) }).map((c) => [c.name, c.ok]),
      [["scaling", false]],
    );
    // Just over: never printed as the target itself.
    const close = render("s", 1, { "projects-5": [sample(1000)], "projects-200": [sample(2003)] });
    assert.match(close.text, /scaling: projects-200 \/ projects-5 = 2\.003 \(target <= 2\.00\) OVER TARGET/);
  });

  it("the projects variant is valid config with N projects", () => {
    const sc = withProjects(stackFile("prod-apne2"), 200);
    const cfg = parsedConfig(sc);
    assert.strictEqual(cfg.harborConfig.projects.length, 200);
    assert.deepStrictEqual(cfg.replication.peers, [], "generated projects exist on no replica");
    const own = JSON.parse(stackFile("prod-apne2").config["registry-platform:harborConfig"]).projects;
    assert.deepStrictEqual(
      cfg.harborConfig.projects.slice(0, own.length).map((p) => p.name),
      own.map((p: { name: string }) => p.name),
    );
    assert.ok(cfg.harborConfig.enabled);
  });

  it("arguments: defaults, --only, and usage errors", () => {
    assert.deepStrictEqual(parseArgs([]), {
      runs: 5,
      stack: "prod-apne2",
      variants: ["baseline", "platform", "floor", "projects-5", "projects-200"],
      replica: "prod-apne1",
      peers: 0,
    });
    assert.deepStrictEqual(parseArgs(["--only", "peers", "--peers", "1,5"]).variants, [
      "baseline",
      "peers-1",
      "peers-5",
    ]);
    assert.strictEqual(parseArgs(["--only", "peers", "--peers", "1,5"]).peers, 5);
    assert.throws(() => parseArgs(["--peers", "0"]), /--peers: allowed: whole numbers >= 1/);
    assert.deepStrictEqual(parseArgs(["--only", "scaling", "--runs", "3"]).variants, [
      "projects-5",
      "projects-200",
    ]);
    assert.throws(() => parseArgs(["--runs", "0"]), /--runs: allowed: a whole number >= 1/);
    assert.throws(() => parseArgs(["--only", "x"]), /--only: found "x"; allowed: ratio, scaling, peers/);
    const r = spawnSync(process.execPath, [path.join(ROOT, "dist", "tools", "bench", "cli.js"), "--bogus"], {
      encoding: "utf8",
    });
    assert.strictEqual(r.status, 64);
    assert.match(r.stderr, /unknown argument --bogus/);
  });
});
