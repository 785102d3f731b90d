/**
 * Temporary directories for tests, removed when the test process exits, whether the tests passed or failed
 * (`KEEP_SCRATCH=1` keeps them, to look at after a failure). A test that made its own with `mkdtemp` and forgot
 * it left a directory in the machine's temp folder on every run: after a few hundred runs, thousands of them.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const made: string[] = [];

/** A new directory `<tmp>/<prefix>-XXXXXX`, removed with everything in it when the process exits. */
export function scratchDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  if (made.length === 0) process.on("exit", removeScratch);
  made.push(dir);
  return dir;
}

function removeScratch(): void {
  if (process.env.KEEP_SCRATCH) return;
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
