/**
 * The weekly and monthly backups' pre-backup hook (SPEC R5.4) run for real (part of `npm run test:real`): its exact
 * script, with the database volume's mount moved to a temporary directory, under `/bin/sh` as a non-root user
 * against a real PostgreSQL holding a `registry` database, as the hook runs in Harbor's database container.
 * - It writes a custom-format dump that `pg_restore` reads, and the time of the last dump.
 * - The restore commands components/velero/README.md gives bring the dumped rows back.
 * - A dump that fails exits non-zero (the hook's `onError: Fail` then fails the backup and its alert fires) and
 *   leaves the last good dump in place.
 *
 * Tools: PostgreSQL's initdb, pg_ctl, postgres, psql, pg_dump and pg_restore on PATH or in /usr/local/bin (Debian's
 * postgresql package); run as root, the server and the hook run as the `postgres` user.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { HARBOR_DB } from "../../components/velero/schedules";
import { dumpFileAt, hookScriptAt } from "./support/dump-hook";
import { scratchDir } from "../harness/scratch";

/** A PostgreSQL program, from PATH or /usr/local/bin (where this machine kind has the server's). */
function pgTool(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? "").split(":"), "/usr/local/bin", "/usr/lib/postgresql/15/bin"])
    if (dir && fs.existsSync(path.join(dir, name))) return path.join(dir, name);
  return undefined;
}

const TOOLS = ["initdb", "pg_ctl", "postgres", "psql", "pg_dump", "pg_restore"] as const;

describe("velero: the PostgreSQL dump hook, run by a real shell against a real PostgreSQL", function () {
  this.timeout(120_000);
  const asRoot = process.getuid?.() === 0;
  let dir: string;
  let sock: string;
  let mount: string;
  let tool: Record<(typeof TOOLS)[number], string>;

  /** Runs a command as the server's user (`postgres` when we are root). */
  const as = (cmd: string, args: string[], env: Record<string, string> = {}) => {
    const full = asRoot
      ? spawnSync(
          "runuser",
          ["-u", "postgres", "--", "env", ...Object.entries(env).map(([k, v]) => `${k}=${v}`), cmd, ...args],
          {
            encoding: "utf8",
          },
        )
      : spawnSync(cmd, args, { encoding: "utf8", env: { ...process.env, ...env } });
    return { code: full.status ?? -1, out: `${full.stdout}${full.stderr}` };
  };
  const psql = (sql: string, db = "postgres") => {
    const r = as(tool.psql, ["-h", sock, "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-c", sql]);
    assert.strictEqual(r.code, 0, r.out);
  };
  /** Runs the hook with the database volume at `volume` (default: the test's directory). */
  const runHook = (volume = mount) =>
    as("/bin/sh", ["-c", hookScriptAt(volume)], {
      PGHOST: sock,
      POSTGRES_PASSWORD: "not-checked-over-the-socket",
    });
  const dumpFile = (volume = mount) => dumpFileAt(volume);

  before(function () {
    const found = Object.fromEntries(TOOLS.map((t) => [t, pgTool(t)]));
    const missing = TOOLS.filter((t) => !found[t]);
    if (missing.length > 0 || (asRoot && spawnSync("id", ["postgres"]).status !== 0)) {
      console.log(`      (skipped: no ${missing.join(", ") || "postgres user"})`);
      this.skip();
    }
    tool = found as typeof tool;
    dir = scratchDir("pg-hook");
    fs.chmodSync(dir, 0o777);
    sock = path.join(dir, "sock");
    mount = path.join(dir, "volume");
    for (const d of [sock, mount]) {
      fs.mkdirSync(d);
      fs.chmodSync(d, 0o777);
    }
    let r = as(tool.initdb, ["-D", path.join(mount, "pgdata"), "-U", "postgres", "--auth=trust"]);
    assert.strictEqual(r.code, 0, r.out);
    r = as(tool.pg_ctl, [
      ...["-D", path.join(mount, "pgdata"), "-l", path.join(dir, "server.log"), "-w"],
      ...["-o", `-k ${sock} -c listen_addresses=''`, "start"],
    ]);
    assert.strictEqual(r.code, 0, r.out);
    psql(`CREATE DATABASE ${HARBOR_DB.database}`);
    psql("CREATE TABLE artifact (id serial PRIMARY KEY, digest text NOT NULL)", HARBOR_DB.database);
    psql("INSERT INTO artifact (digest) VALUES ('sha256:0123')", HARBOR_DB.database);
  });

  after(function () {
    if (!dir) return;
    as(tool.pg_ctl, ["-D", path.join(mount, "pgdata"), "-m", "immediate", "stop"]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("dumps Harbor's database into the volume in custom format, atomically, with the time of the dump", function () {
    const r = runHook();
    assert.strictEqual(r.code, 0, r.out);
    const list = as(tool.pg_restore, ["--list", dumpFile()]);
    assert.strictEqual(list.code, 0, list.out);
    assert.match(list.out, /TABLE public artifact /);
    assert.match(list.out, /TABLE DATA public artifact /);
    assert.ok(!fs.existsSync(`${dumpFile()}.partial`), "the temporary file is renamed");
    const stamp = fs.readFileSync(path.join(path.dirname(dumpFile()), "last-dump-utc"), "utf8").trim();
    assert.match(stamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.ok(Math.abs(Date.parse(stamp) - Date.now()) < 120_000, stamp);
  });

  it("the Velero README's restore commands bring the dumped rows back: over a changed or damaged database, or none", function () {
    const rows = () => {
      const r = as(tool.psql, [
        ...["-h", sock, "-U", "postgres", "-d", HARBOR_DB.database, "-tA"],
        ...["-c", "SELECT id, digest FROM artifact ORDER BY id"],
      ]);
      assert.strictEqual(r.code, 0, r.out);
      return r.out.trim();
    };
    const restore = (args: string[]) => {
      const r = as(tool.pg_restore, [...args, dumpFile()], { PGHOST: sock, PGUSER: "postgres" });
      assert.strictEqual(r.code, 0, `pg_restore ${args.join(" ")}: ${r.out}`);
    };
    const overDatabase = ["--clean", "--if-exists", `--dbname=${HARBOR_DB.database}`];
    // Rows changed since the dump.
    psql(
      "UPDATE artifact SET digest = 'sha256:changed'; INSERT INTO artifact (digest) VALUES ('x')",
      HARBOR_DB.database,
    );
    restore(overDatabase);
    assert.strictEqual(rows(), "1|sha256:0123");
    // A damaged database that lacks objects the dump drops first (plain --clean exits 1 here).
    psql("DROP TABLE artifact", HARBOR_DB.database);
    restore(overDatabase);
    assert.strictEqual(rows(), "1|sha256:0123");
    // No database at all.
    psql(`DROP DATABASE ${HARBOR_DB.database}`);
    restore(["--create", "--dbname=postgres"]);
    assert.strictEqual(rows(), "1|sha256:0123");
  });

  it("on a volume without room for the dump: fails naming the space and writes nothing; with the last dump's size, dumps", function () {
    if (!asRoot) {
      console.log("      (skipped: mounting a small volume needs root)");
      this.skip();
    }
    // A 1 MiB volume: the first dump is sized by the database (several MiB on disk), so it is refused.
    const small = path.join(dir, "small");
    fs.mkdirSync(small);
    const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=1m,mode=0777", "tmpfs", small], {
      encoding: "utf8",
    });
    if (mounted.status !== 0) {
      console.log(`      (skipped: cannot mount a tmpfs here: ${mounted.stderr.trim()})`);
      this.skip();
    }
    try {
      const refused = runHook(small);
      assert.strictEqual(refused.code, 1, refused.out);
      const m =
        /not enough free space in (\S+): (\d+) KiB free, (\d+) KiB needed \(.*: (\d+) KiB, \+ 25 %;/.exec(
          refused.out,
        );
      assert.ok(m, refused.out);
      assert.strictEqual(m[1], path.dirname(dumpFile(small)));
      const [free, need, est] = [m[2], m[3], m[4]].map(Number);
      assert.ok(free <= 1024 && est > 1024 && need > free, refused.out);
      assert.deepStrictEqual(fs.readdirSync(path.dirname(dumpFile(small))), [], "nothing was written");
      // With a last dump there (this database's: a few KiB), the estimate is its size and the dump fits.
      fs.copyFileSync(dumpFile(), dumpFile(small));
      const r = runHook(small);
      assert.strictEqual(r.code, 0, r.out);
      const list = as(tool.pg_restore, ["--list", dumpFile(small)]);
      assert.strictEqual(list.code, 0, list.out);
      assert.match(list.out, /TABLE DATA public artifact /);
      assert.deepStrictEqual(fs.readdirSync(path.dirname(dumpFile(small))).sort(), [
        "last-dump-utc",
        "registry.dump",
      ]);
    } finally {
      spawnSync("umount", [small]);
    }
  });

  it("a dump that fails exits non-zero (the backup fails) and keeps the last good dump", function () {
    const before = fs.readFileSync(dumpFile());
    psql(`DROP DATABASE ${HARBOR_DB.database}`);
    const r = runHook();
    assert.notStrictEqual(r.code, 0, r.out);
    assert.match(r.out, /database "registry" does not exist/);
    assert.ok(fs.readFileSync(dumpFile()).equals(before), "the last good dump was replaced");
    assert.ok(!fs.existsSync(`${dumpFile()}.partial`), "no temporary file is left");
    const list = as(tool.pg_restore, ["--list", dumpFile()]);
    assert.strictEqual(list.code, 0, list.out);
  });
});
