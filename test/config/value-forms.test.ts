/**
 * Values the schema let through that the system behind them refuses (audit of the config layer), and one
 * problem reported twice. Each case: the key, the value found and what is allowed, once.
 */
import * as assert from "assert";
import { isKnownTimeZone } from "../../config/sections/common";
import { stackValue, stackWith } from "../harness";
import { configIssues, parsedConfig } from "../harness/config";

/** The dev stack's value of a top-level key (an object), so a case can change one nested key. */
const devValue = (key: string) => stackValue("dev", key);

/** The issues of the dev stack with `changes`, only those of keys starting with `prefix`. */
function issuesOf(changes: Record<string, unknown>, prefix: string): string[] {
  return configIssues(stackWith("dev", changes)).filter((l) => l.startsWith(`registry-platform:${prefix}`));
}

describe("config: value forms the system behind them refuses", () => {
  it("a cron expression with the wrong number of fields is one problem, not two", () => {
    const velero = issuesOf({ velero: { schedules: { daily: "@daily" } } }, "velero.schedules.daily");
    assert.strictEqual(velero.length, 1, velero.join("\n"));
    assert.match(velero[0], /\| "@daily" \| a 5-field cron expression such as '0 7 \* \* \*' \(minute 0-59/);
    const harbor = issuesOf({ harborConfig: { gc: { schedule: "0 3 * * 0" } } }, "harborConfig.gc.schedule");
    assert.strictEqual(harbor.length, 1, harbor.join("\n"));
    assert.match(harbor[0], /\| "0 3 \* \* 0" \| a 6-field cron expression \(second minute hour/);
  });

  it("Harbor's schedules (GC, tag retention, audit-log purge) take seconds 0 only, one problem per key", () => {
    // Harbor's ValidateCronString refuses any other seconds field (400 on the schedule's update).
    for (const [section, key, value] of [
      ["gc", "schedule", "30 0 3 * * 0"],
      ["retention", "schedule", "*/15 0 2 * * *"],
      ["auditLog", "purgeSchedule", "5 0 4 * * *"],
    ] as const) {
      const issues = issuesOf(
        { harborConfig: { [section]: { [key]: value } } },
        `harborConfig.${section}.${key}`,
      );
      assert.strictEqual(issues.length, 1, issues.join("\n"));
      assert.match(
        issues[0],
        /a 6-field cron expression .* with the seconds field 0 \(Harbor refuses other seconds\)/,
      );
    }
    // Seconds 0 passes (the defaults are such); a malformed expression is still one problem.
    const ok = parsedConfig(stackWith("dev", { harborConfig: { gc: { schedule: "0 30 3 * * 0" } } }), "dev");
    assert.strictEqual(ok.harborConfig.gc.schedule, "0 30 3 * * 0");
    assert.strictEqual(
      issuesOf({ harborConfig: { gc: { schedule: "0 0 3 * *" } } }, "harborConfig.gc").length,
      1,
    );
  });

  it("a cron step of 0 is refused (robfig/cron and Harbor refuse it)", () => {
    const velero = issuesOf({ velero: { schedules: { daily: "*/0 * * * *" } } }, "velero.schedules.daily");
    assert.strictEqual(velero.length, 1, velero.join("\n"));
    const harbor = issuesOf(
      { harborConfig: { gc: { schedule: "0 */0 * * * *" } } },
      "harborConfig.gc.schedule",
    );
    assert.strictEqual(harbor.length, 1, harbor.join("\n"));
  });

  it("weekday 7 is refused (robfig/cron v3, Velero's and the CronJob's parser, knows Sunday as 0 only)", () => {
    for (const [key, value] of [
      ["weekly", "0 7 * * 7"],
      ["daily", "0 7 * * 1-7"],
    ]) {
      const lines = issuesOf({ velero: { schedules: { [key]: value } } }, `velero.schedules.${key}`);
      assert.strictEqual(lines.length, 1, `${value}: ${lines.join("\n")}`);
      assert.match(lines[0], /weekday 0-6 \(0 = Sunday\)/);
    }
    const drill = issuesOf({ velero: { drillSchedule: "0 5 * * 7" } }, "velero.drillSchedule");
    assert.strictEqual(drill.length, 1, drill.join("\n"));
    const harbor = issuesOf(
      { harborConfig: { gc: { schedule: "0 0 3 * * 7" } } },
      "harborConfig.gc.schedule",
    );
    assert.strictEqual(harbor.length, 1, harbor.join("\n"));
    const ok = parsedConfig(stackWith("dev", { velero: { schedules: { weekly: "0 7 * * 0,6" } } }));
    assert.strictEqual(ok.velero.schedules.weekly, "0 7 * * 0,6");
  });

  it("a time zone in the wrong case is refused (Velero's and the CronJob's zone lookup is case-sensitive)", () => {
    for (const tz of ["asia/seoul", "ASIA/SEOUL", "utc", "europe/Berlin"])
      assert.strictEqual(isKnownTimeZone(tz), false, tz);
    for (const tz of ["Asia/Seoul", "UTC", "US/Pacific", "Etc/GMT+9"])
      assert.strictEqual(isKnownTimeZone(tz), true, tz);
    const lines = issuesOf({ velero: { timezone: "asia/seoul" } }, "velero.timezone");
    assert.strictEqual(lines.length, 1, lines.join("\n"));
    assert.match(lines[0], /\| "asia\/seoul" \| an IANA time zone such as Asia\/Seoul or UTC/);
  });

  it("bucket names S3 refuses: IP address form, adjacent periods, reserved prefixes and suffixes", () => {
    const storage = devValue("storage");
    for (const name of [
      "192.168.1.10",
      "a..b",
      "xn--registry",
      "sthree-registry",
      "registry-s3alias",
      "logs--ol-s3",
    ]) {
      const lines = issuesOf({ storage: { ...storage, registryBucket: name } }, "storage.registryBucket");
      assert.strictEqual(lines.length, 1, `${name}: ${lines.join("\n")}`);
      assert.ok(lines[0].includes(JSON.stringify(name)), lines[0]);
    }
  });

  it("ports outside 1-65535 are refused", () => {
    assert.strictEqual(
      issuesOf({ harbor: { redis: { type: "external", addr: "redis:99999" } } }, "harbor.redis.addr").length,
      1,
    );
    assert.strictEqual(
      issuesOf({ harbor: { redis: { type: "external", addr: "redis:0" } } }, "harbor.redis.addr").length,
      1,
    );
    const hc = devValue("harborConfig");
    assert.strictEqual(
      issuesOf(
        { harborConfig: { ...hc, auditLog: { forwardEndpoint: "syslog:99999" } } },
        "harborConfig.auditLog",
      ).length,
      1,
    );
    const endpoint = issuesOf(
      {
        region: "dc1",
        storage: { provider: "s3-compatible", endpoint: "https://minio.example.internal:99999" },
      },
      "storage.endpoint",
    );
    assert.strictEqual(endpoint.length, 1, endpoint.join("\n"));
  });

  it("a size of zero is refused (Kubernetes refuses a PVC of 0)", () => {
    const lines = issuesOf({ harbor: { database: { size: "0Gi" } } }, "harbor.database.size");
    assert.strictEqual(lines.length, 1, lines.join("\n"));
    assert.match(lines[0], /\| "0Gi" \| a size string with a unit, such as "5Gi"/);
  });

  it("a keyless issuer that is not a URL says what is allowed", () => {
    const lines = issuesOf(
      { policy: { signatures: { keyless: { issuer: "github", subject: "x" }, projects: ["apps"] } } },
      "policy.signatures.keyless.issuer",
    );
    assert.strictEqual(lines.length, 1, lines.join("\n"));
    assert.match(lines[0], /\| "github" \| an http\(s\) URL of the OIDC issuer, such as https:\/\//);
  });
});

describe("config: every problem at once (SPEC R9.2)", () => {
  it("a value of the wrong form does not hide the rules that span keys or depend on the environment", () => {
    const storage = stackValue("prod-apne2", "storage");
    const lines = configIssues(
      stackWith("prod-apne2", {
        host: "Registry_Host",
        storage: { ...storage, forceDestroy: true },
        harbor: { replicas: 1, database: { size: "5Gb" }, metrics: { prometheusNamespace: "monitoring" } },
      }),
    );
    const keys = lines.map((l) => l.split(" | ")[0]);
    assert.deepStrictEqual(
      keys.filter((k) => !k.endsWith("Password")),
      [
        "registry-platform:harbor.database.size",
        "registry-platform:harbor.replicas",
        "registry-platform:host",
        // Two rules of prod refuse it (dev only; not while protect is true).
        "registry-platform:storage.forceDestroy",
        "registry-platform:storage.forceDestroy",
      ],
      lines.join("\n"),
    );
  });

  it("a rule about a key whose own value is wrong is not reported twice, nor one that depends on it", () => {
    const lines = configIssues(
      stackWith("dev", {
        storage: { provider: "S3", endpoint: "https://minio.example.internal:9000" },
        tls: { mode: "byo", rootCertPem: "x" },
      }),
    );
    const keys = lines.map((l) => l.split(" | ")[0]);
    // Not "storage.endpoint: nothing when storage.provider is aws" nor "tls.mode: byo-... when PEMs are given";
    // the root PEM's content is wrong whatever the mode.
    assert.deepStrictEqual(
      keys,
      [
        "registry-platform:storage.provider",
        "registry-platform:tls.mode",
        "registry-platform:tls.rootCertPem",
      ],
      lines.join("\n"),
    );
  });
});

describe("config: a Harbor project quota Harbor can store", () => {
  it("a quotaGiB whose bytes overflow Harbor's int64 storage_limit is refused", () => {
    const hc = devValue("harborConfig");
    const lines = issuesOf(
      { harborConfig: { ...hc, projects: [{ name: "big", quotaGiB: 1e12 }] } },
      "harborConfig.projects[0].quotaGiB",
    );
    assert.strictEqual(lines.length, 1, lines.join("\n"));
    assert.match(lines[0], /\| 1000000000000 \| a (whole )?number <= 8589934591/);
  });
});
