/**
 * The weekly and monthly backups' pre-backup hook (SPEC R5.4): its script, and its branches run by `/bin/sh` with
 * stand-ins for `df`, `psql` and `pg_dump` (a free-space figure, a database size, a dump that writes or fails). The
 * same script runs against a real PostgreSQL, on a volume that is too small as well, in pg-dump-hook.real.ts.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import {
  DUMP_DIR,
  DUMP_FILE,
  DUMP_GROWTH_PERCENT,
  DUMP_VOLUME_RESERVE_PERCENT,
  HARBOR_DB,
  harborDbDumpHook,
} from "../../components/velero/schedules";
import { dumpFileAt, hookScriptAt } from "./support/dump-hook";
import { scratchDir } from "../harness/scratch";

const hook = harborDbDumpHook("harbor");
const exec = hook.pre[0].exec;
const script = exec.command[2];

describe("velero: the PostgreSQL dump hook's script", () => {
  it("runs in Harbor's database container, fails the backup when it fails, and writes outside PGDATA", () => {
    assert.deepStrictEqual(hook.labelSelector, { matchLabels: { app: "harbor", component: "database" } });
    assert.deepStrictEqual(
      [exec.container, exec.onError, exec.timeout, exec.command.slice(0, 2)],
      ["database", "Fail", "15m", ["/bin/sh", "-c"]],
    );
    assert.strictEqual(DUMP_FILE, "/var/lib/postgresql/data/velero-dumps/registry.dump");
    assert.ok(!DUMP_FILE.startsWith("/var/lib/postgresql/data/pgdata"), "the dump stays outside PGDATA");
  });

  it("dumps to a temporary name and renames it; before pg_dump, removes a killed run's file and checks the space", () => {
    const lines = script.split("\n");
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    assert.strictEqual(lines[0], "set -eu");
    const dump = at(/^PGPASSWORD="\$POSTGRES_PASSWORD" pg_dump /);
    assert.strictEqual(
      lines[dump],
      `PGPASSWORD="$POSTGRES_PASSWORD" pg_dump --username=postgres --dbname=registry --format=custom --file=${DUMP_FILE}.partial`,
    );
    assert.strictEqual(lines[dump + 1], `mv -f ${DUMP_FILE}.partial ${DUMP_FILE}`);
    const guards = [
      `rm -f ${DUMP_FILE}.partial`,
      `trap 'rm -f ${DUMP_FILE}.partial' EXIT`,
      `need=$(( est + est * 25 / 100 + $1 * 10 / 100 ))`,
    ].map((l) => lines.indexOf(l));
    assert.ok(
      guards.every((i) => i > 0 && i < dump),
      `${JSON.stringify(guards)} before ${dump}:\n${script}`,
    );
    assert.deepStrictEqual([DUMP_GROWTH_PERCENT, DUMP_VOLUME_RESERVE_PERCENT], [25, 10]);
  });

  describe("run by /bin/sh, with stand-ins for df, psql and pg_dump", () => {
    let dir: string;
    let mount: string;
    let bin: string;
    let calls: string;

    beforeEach(() => {
      dir = scratchDir("dump-hook");
      mount = path.join(dir, "volume");
      bin = path.join(dir, "bin");
      calls = path.join(dir, "calls");
      for (const d of [mount, bin]) fs.mkdirSync(d);
      const tool = (name: string, body: string) =>
        fs.writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >> ${calls}\n${body}\n`, {
          mode: 0o755,
        });
      // A volume of $SIZE KiB with $AVAIL free (df -Pk's header, then one line).
      tool(
        "df",
        'echo "Filesystem 1024-blocks Used Available Capacity Mounted on"; echo "vol $SIZE 0 $AVAIL 0% /x"',
      );
      tool("psql", 'echo "$DB_KIB"');
      // Writes the file it is given, then succeeds or fails as told.
      tool(
        "pg_dump",
        'for a in "$@"; do case "$a" in --file=*) printf new > "${a#--file=}";; esac; done; [ -z "$DUMP_FAILS" ]',
      );
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const dumpFile = () => dumpFileAt(mount);
    const run = (env: { SIZE: number; AVAIL: number; DB_KIB?: number; DUMP_FAILS?: boolean }) => {
      const r = spawnSync("/bin/sh", ["-c", hookScriptAt(mount)], {
        encoding: "utf8",
        env: {
          PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
          POSTGRES_PASSWORD: "pw",
          SIZE: String(env.SIZE),
          AVAIL: String(env.AVAIL),
          DB_KIB: String(env.DB_KIB ?? 0),
          DUMP_FAILS: env.DUMP_FAILS ? "1" : "",
        },
      });
      const called = fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim().split("\n") : [];
      fs.rmSync(calls, { force: true });
      return { code: r.status, err: r.stderr, called: called.map((c) => c.split(" ")[0]) };
    };
    const files = () => fs.readdirSync(path.dirname(dumpFile())).sort();

    it("the first dump: sized by the database; refused short of it + 25 % + 10 % of the volume, nothing written", () => {
      // 8000 KiB database: 8000 + 2000 + 10 % of 20000 = 12000 KiB needed.
      const short = run({ SIZE: 20000, AVAIL: 11999, DB_KIB: 8000 });
      assert.strictEqual(short.code, 1, short.err);
      assert.deepStrictEqual(short.called, ["psql", "df"], "pg_dump did not run");
      assert.strictEqual(
        short.err.trim(),
        `harbor-postgresql-dump: not enough free space in ${path.dirname(dumpFile())}: 11999 KiB free, 12000 KiB needed ` +
          "(the last dump or, for the first, the database: 8000 KiB, + 25 %; 10 % of the volume stays free for PostgreSQL); " +
          "nothing was written; grow the database volume (harbor.database.size)",
      );
      assert.deepStrictEqual(files(), []);

      const enough = run({ SIZE: 20000, AVAIL: 12000, DB_KIB: 8000 });
      assert.strictEqual(enough.code, 0, enough.err);
      assert.deepStrictEqual(enough.called, ["psql", "df", "pg_dump"]);
      assert.deepStrictEqual(files(), ["last-dump-utc", "registry.dump"]);
      assert.strictEqual(fs.readFileSync(dumpFile(), "utf8"), "new");
    });

    it("later dumps: sized by the last dump (no query), which stays when the space is short", () => {
      fs.mkdirSync(path.dirname(dumpFile()), { recursive: true });
      fs.writeFileSync(dumpFile(), Buffer.alloc(4096 * 1024)); // 4096 KiB: needs 4096 + 1024 + 1000
      const short = run({ SIZE: 10000, AVAIL: 6119, DB_KIB: 1 });
      assert.strictEqual(short.code, 1, short.err);
      assert.deepStrictEqual(short.called, ["df"]);
      assert.match(short.err, /6119 KiB free, 6120 KiB needed \(.*: 4096 KiB, \+ 25 %;/);
      assert.strictEqual(fs.statSync(dumpFile()).size, 4096 * 1024, "the last dump is kept");
      assert.strictEqual(run({ SIZE: 10000, AVAIL: 6120 }).code, 0);
      assert.strictEqual(fs.readFileSync(dumpFile(), "utf8"), "new");
    });

    it("a killed run's temporary file is removed first, and a dump that fails removes its own", () => {
      fs.mkdirSync(path.dirname(dumpFile()), { recursive: true });
      fs.writeFileSync(dumpFile(), "last good");
      fs.writeFileSync(`${dumpFile()}.partial`, "left by a killed run");
      const failed = run({ SIZE: 10000, AVAIL: 10000, DUMP_FAILS: true });
      assert.notStrictEqual(failed.code, 0, "the backup fails");
      assert.deepStrictEqual(failed.called, ["df", "pg_dump"]);
      assert.deepStrictEqual(files(), ["registry.dump"], "no temporary file, no new timestamp");
      assert.strictEqual(fs.readFileSync(dumpFile(), "utf8"), "last good");
    });

    it("the dump directory is created on the volume", () => {
      assert.ok(!fs.existsSync(path.join(mount, path.relative(HARBOR_DB.dataMount, DUMP_DIR))));
      assert.strictEqual(run({ SIZE: 100, AVAIL: 100, DB_KIB: 1 }).code, 0);
      assert.deepStrictEqual(files(), ["last-dump-utc", "registry.dump"]);
    });
  });
});
