import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as path from "path";
import { buildTag, checkTag, releaseTag } from "../../components/policy/tags";
import { runTagCli } from "../../tools/tag/cli";
import { ROOT } from "../harness";

const AT = new Date("2025-06-15T23:59:59Z");

describe("tag rules (R7.3)", () => {
  it("builds vMAJOR.MINOR.PATCH-YYYYMMDD-<sha7> with the UTC date and a lowercase short sha", () => {
    assert.strictEqual(
      buildTag("1.2.3", "ABCDEF0123456789abcdef0123456789abcdef01", AT),
      "v1.2.3-20250615-abcdef0",
    );
    assert.strictEqual(
      buildTag("v0.10.0", "1234567", new Date("2025-12-31T23:30:00-05:00")),
      "v0.10.0-20260101-1234567",
    );
  });

  it("refuses versions that are not MAJOR.MINOR.PATCH and shas that are not hex", () => {
    assert.throws(() => buildTag("1.2", "abcdef0", AT), /not MAJOR.MINOR.PATCH/);
    assert.throws(() => buildTag("1.2.3-rc.1", "abcdef0", AT), /not MAJOR.MINOR.PATCH/);
    assert.throws(() => buildTag("01.2.3", "abcdef0", AT), /not MAJOR.MINOR.PATCH/);
    assert.throws(() => buildTag("1.2.3", "abcdef", AT), /not a commit hash/);
    assert.throws(() => buildTag("1.2.3", "ghijklm", AT), /not a commit hash/);
    assert.strictEqual(releaseTag("1.2.3"), "v1.2.3");
  });

  it("accepts release and build tags", () => {
    assert.deepStrictEqual(checkTag("v1.2.3"), { ok: true, kind: "release" });
    assert.deepStrictEqual(checkTag("v0.0.0"), { ok: true, kind: "release" });
    assert.deepStrictEqual(checkTag("v1.2.3-20250615-abcdef0"), { ok: true, kind: "build" });
    assert.deepStrictEqual(checkTag("v1.2.3-20240229-abcdef0"), { ok: true, kind: "build" });
  });

  const rejections: [string, RegExp][] = [
    ["latest", /mutable and never allowed/],
    ["LATEST", /mutable and never allowed/],
    ["1.2.3", /not semver/],
    ["v1.2", /not semver/],
    ["v1.2.3-rc.1", /not semver/],
    ["v01.2.3", /not semver/],
    ["v1.2.3-20250615-abcdef", /not semver/],
    ["v1.2.3-2025061-abcdef0", /not semver/],
    ["V1.2.3", /uppercase/],
    ["v1.2.3-20250615-ABCDEF0", /uppercase/],
    [`v1.2.3-${"a".repeat(130)}`, /at most 128/],
    ["", /empty tag/],
    ["v1.2.3-20250231-abcdef0", /not a calendar date/],
  ];
  for (const [tag, why] of rejections)
    it(`rejects ${JSON.stringify(tag.length > 30 ? `${tag.slice(0, 20)}…` : tag)} (${why.source})`, () => {
      const r = checkTag(tag);
      assert.ok(!r.ok);
      assert.match(r.reason, why);
    });
});

describe("tag CLI (npm run tag)", () => {
  const now = () => AT;

  it("--version --sha prints the build tag; --date overrides now; --release prints the release tag", () => {
    assert.deepStrictEqual(runTagCli(["--version", "1.2.3", "--sha", "abcdef0123"], now), {
      code: 0,
      stdout: "v1.2.3-20250615-abcdef0\n",
      stderr: "",
    });
    assert.strictEqual(
      runTagCli(["--version", "1.2.3", "--sha", "abcdef0", "--date", "2024-02-29T10:00:00Z"], now).stdout,
      "v1.2.3-20240229-abcdef0\n",
    );
    assert.strictEqual(runTagCli(["--version", "v2.0.1", "--release"], now).stdout, "v2.0.1\n");
  });

  it("--release checks a --sha and a --date given with it (a CI job passes the same options for both tags)", () => {
    const release = (...more: string[]) => runTagCli(["--version", "1.2.3", "--release", ...more], now);
    assert.strictEqual(release("--sha", "abcdef0", "--date", "2025-06-15").stdout, "v1.2.3\n");
    for (const bad of [
      ["--sha", "zzz"],
      ["--date", "2025-13-45"],
    ]) {
      const r = release(...bad);
      assert.strictEqual(r.code, 64, `${bad.join(" ")}: ${r.stdout}`);
      assert.strictEqual(r.stdout, "");
      assert.match(r.stderr, /\nusage: npm run tag/);
    }
  });

  it("--date takes ISO 8601 dates and zoned times only: no rolled-over days, no local-time guesses", () => {
    const tag = (date: string) => runTagCli(["--version", "1.2.3", "--sha", "abcdef0", "--date", date], now);
    assert.strictEqual(tag("2025-06-15").stdout, "v1.2.3-20250615-abcdef0\n");
    assert.strictEqual(tag("2025-06-15T01:00:00+05:00").stdout, "v1.2.3-20250614-abcdef0\n");
    assert.strictEqual(tag("2025-06-15T23:59:59.123Z").stdout, "v1.2.3-20250615-abcdef0\n");
    assert.strictEqual(tag("2025-06-15T10:00Z").stdout, "v1.2.3-20250615-abcdef0\n");
    // Each of these was accepted before: Feb 30 became March 2, "1" became 2001-01-01, and dates or times
    // without a zone were read in the runner's local time zone.
    for (const [date, why] of [
      ["2025-02-30", /2025-02-30.*not a calendar date/],
      ["2025-13-01", /not a calendar date/],
      ["2025-06-15T24:30:00Z", /not a valid time/],
      ["1", /not an ISO 8601 date/],
      ["June 15", /not an ISO 8601 date/],
      ["2025-6-5", /not an ISO 8601 date/],
      ["2025-06-15T10:00:00", /time zone/],
    ] as const) {
      const r = tag(date);
      assert.strictEqual(r.code, 64, date);
      assert.strictEqual(r.stdout, "", date);
      assert.match(r.stderr, why, date);
    }
  });

  it("keeps version numbers digit for digit (beyond 2^53 too)", () => {
    assert.strictEqual(
      runTagCli(["--version", "99999999999999999999.0.1", "--release"], now).stdout,
      "v99999999999999999999.0.1\n",
    );
    assert.strictEqual(releaseTag("9007199254740993.1.2"), "v9007199254740993.1.2");
  });

  it("--check exits 0 for release and build tags", () => {
    assert.deepStrictEqual(runTagCli(["--check", "v1.2.3"]), {
      code: 0,
      stdout: "release tag\n",
      stderr: "",
    });
    assert.strictEqual(runTagCli(["--check", "v1.2.3-20250615-abcdef0"]).code, 0);
  });

  for (const [tag, why] of [
    ["latest", /latest.*mutable/],
    ["1.2", /not semver/],
    ["v1.2.3-Abcdef0", /uppercase/],
    ["v" + "1".repeat(130), /at most 128/],
  ] as const)
    it(`--check ${tag.slice(0, 20)} exits 1 with the reason`, () => {
      const r = runTagCli(["--check", tag]);
      assert.strictEqual(r.code, 1);
      assert.match(r.stderr, /^rejected: /);
      assert.match(r.stderr, why);
    });

  it("usage errors exit 64 (README: a malformed command line, as in every command) and print the usage", () => {
    for (const argv of [
      [],
      ["--version"],
      ["--version", "1.2.3"],
      ["--version", "1.2", "--sha", "abcdef0"],
      ["--bogus"],
      ["--version", "1.2.3", "--sha", "abcdef0", "--date", "yesterday"],
      ["--check", "v1.2.3", "--version", "1.2.3"],
      // An option where a value belongs is a missing value, as in synth and verify (before: `--check --release`
      // checked the tag "--release" and exited 1; `--version --sha abcdef0` took "--sha" as the version).
      ["--check", "--release"],
      ["--version", "--sha", "abcdef0"],
      // --check takes no other option: these were ignored (exit 0) before.
      ["--check", "v1.2.3", "--release"],
      ["--check", "v1.2.3", "--date", "2025-06-15"],
    ]) {
      const r = runTagCli(argv, now);
      assert.strictEqual(r.code, 64, argv.join(" "));
      assert.match(r.stderr, /usage: npm run tag/);
      if (argv[1]?.startsWith("--")) assert.match(r.stderr, new RegExp(`^${argv[0]} needs a value\n`));
    }
  });

  it("-h prints the usage and exits 0, as --help does (it exited 64 or printed a tag before)", () => {
    for (const argv of [["-h"], ["--help"], ["--version", "1.2.3", "--sha", "abcdef0", "-h"]])
      assert.deepStrictEqual(
        runTagCli(argv, now),
        {
          code: 0,
          stdout: runTagCli(["--help"]).stdout,
          stderr: "",
        },
        argv.join(" "),
      );
    assert.match(runTagCli(["-h"]).stdout, /^usage: npm run tag/);
  });

  it("runs as a program: exit codes reach the shell", () => {
    const cli = path.join(ROOT, "dist", "tools", "tag", "cli.js");
    const out = execFileSync(
      process.execPath,
      [cli, "--version", "1.2.3", "--sha", "abcdef0", "--date", "2025-06-15"],
      {
        encoding: "utf8",
      },
    );
    assert.strictEqual(out, "v1.2.3-20250615-abcdef0\n");
    const bad = spawnSync(process.execPath, [cli, "--check", "latest"], { encoding: "utf8" });
    assert.strictEqual(bad.status, 1);
    assert.match(bad.stderr, /rejected/);
    assert.strictEqual(spawnSync(process.execPath, [cli, "--bogus"], { encoding: "utf8" }).status, 64);
  });
});
