/**
 * `node dist/test/e2e/support/ready.js`: exit 0 when the real servers the end-to-end suite needs are on this
 * machine (.ci/run then runs `npm run e2e`); otherwise print one line saying why and exit 3.
 */
import { loadSettings, missingServers } from "./settings";

const why = missingServers(loadSettings());
if (why) {
  console.log(`${why} (README "End-to-end tests": what to build with ../shared/tools, and the variables)`);
  process.exitCode = 3;
}
