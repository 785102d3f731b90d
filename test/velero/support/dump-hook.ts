/**
 * The weekly backup's pg_dump hook with Harbor's database volume moved to a test directory: what both hook tests
 * run (dump-hook.test.ts with stand-in tools, pg-dump-hook.real.ts against a real PostgreSQL).
 */
import * as assert from "assert";
import { DUMP_FILE, HARBOR_DB, harborDbDumpHook } from "../../../components/velero/schedules";

/** The hook's `/bin/sh -c` script, the database volume at `volume`. */
export function hookScriptAt(volume: string): string {
  const command = harborDbDumpHook("harbor").pre[0].exec.command;
  assert.deepStrictEqual(command.slice(0, 2), ["/bin/sh", "-c"]);
  return command[2].split(HARBOR_DB.dataMount).join(volume);
}

/** Where the hook writes the dump, the database volume at `volume`. */
export function dumpFileAt(volume: string): string {
  return DUMP_FILE.split(HARBOR_DB.dataMount).join(volume);
}
