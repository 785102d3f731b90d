import * as assert from "assert";
import { isKnownTimeZone } from "../../config/sections/common";

describe("config: time zone names", () => {
  it("accepts canonical IANA names and the aliases the runtime's zone data knows", () => {
    for (const tz of [
      "Asia/Seoul",
      "Europe/Berlin",
      "America/Argentina/Buenos_Aires",
      "UTC",
      "Etc/UTC",
      "US/Pacific",
    ])
      assert.strictEqual(isKnownTimeZone(tz), true, tz);
  });

  it("rejects unknown zones, offsets, paths and blanks", () => {
    for (const tz of ["Mars/Olympus", "Asia/Seoul ", "+09:00", "../etc/passwd", "Asia//Seoul", ""])
      assert.strictEqual(isKnownTimeZone(tz), false, JSON.stringify(tz));
  });
});
