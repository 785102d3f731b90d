// Mocha config of `npm test`: every unit test file, the slowest first. In parallel mode mocha hands the files to
// its two workers in this order; started last, a 10-15 s file ran alone at the end (measured: 65 → 62 s).
// To time one file: `npx mocha --no-config --timeout 60000 <file>`.
const fs = require("fs");
const path = require("path");

/**
 * The slowest files (most spawn a CLI or npm), slowest first: their summed test durations in a `npm test` run
 * (`--reporter json`, 2026-12-02: 18.6 s down to 2.4 s). A file missing here runs after these.
 */
const SLOW_FIRST = [
  "dist/test/package/pack.test.js",
  "dist/test/synth/synth.test.js",
  "dist/test/replication/synth-cli.test.js",
  "dist/test/ci/stacks.test.js",
  "dist/test/tls/install-script.test.js",
  "policy/bin/policy/test/own-stacks.test.js",
  "dist/test/package/defer-typescript.test.js",
  "dist/test/package/bin-help.test.js",
  "dist/test/velero/drill-run.test.js",
  "dist/test/harbor-config/faults.test.js",
  "dist/test/config/user-errors.test.js",
  "dist/test/synth/diff.test.js",
  "dist/test/config/error-stacks.test.js",
  "dist/test/velero/drill.test.js",
];

/** Files under `dir` whose name ends with `.test.js`, sorted. */
function testFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".test.js"))
    .map((e) =>
      path
        .relative(__dirname, path.join(e.parentPath ?? e.path, e.name))
        .split(path.sep)
        .join("/"),
    )
    .sort();
}

const all = [
  ...testFiles(path.join(__dirname, "dist", "test")),
  ...testFiles(path.join(__dirname, "policy", "bin", "policy", "test")),
];
const slow = SLOW_FIRST.filter((f) => all.includes(f));

module.exports = {
  spec: [...slow, ...all.filter((f) => !slow.includes(f))],
  timeout: 30000,
  reporter: "spec",
  // Off: with source maps every stack trace is mapped, and the Pulumi SDK takes one per promise and per
  // resource (measured: a mock-engine file 3.4 s → 4.8 s; the suite ~3 s). A failure's stack then names
  // dist/**/*.js; to see the .ts lines, run the file with `npx mocha --enable-source-maps <file>`.
  "enable-source-maps": false,
  parallel: true,
  jobs: 2,
};
