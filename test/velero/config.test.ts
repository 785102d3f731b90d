import * as assert from "assert";
import { stackFile, stackValue, stackWith } from "../harness";
import { configIssues, parsedConfig } from "../harness/config";

describe("velero config", () => {
  it("defaults: UTC, fs-kopia, the seed's schedules, quarterly drill without an image", () => {
    const v = parsedConfig(stackWith("dev", { velero: {} })).velero;
    assert.deepStrictEqual(
      [v.namespace, v.timezone, v.backupMode, v.schedules, v.drillSchedule, v.drillImage],
      [
        "velero",
        "UTC",
        "fs-kopia",
        { daily: "0 7 * * *", weekly: "0 7 * * 0", monthly: "0 7 1 * *" },
        "0 5 1 */3 *",
        undefined,
      ],
    );
  });

  it("the production stacks ask for the drill CronJob and alerts in Asia/Seoul", () => {
    const v = parsedConfig(stackFile("prod-apne2")).velero;
    assert.deepStrictEqual(
      [v.timezone, v.prometheusRule, v.serviceMonitor, v.drillCronJob],
      ["Asia/Seoul", true, true, true],
    );
  });

  it("accepts a drill image pinned by digest", () => {
    const img = `registry.example.com/platform/drill:1.0@sha256:${"0123456789abcdef".repeat(4)}`;
    assert.strictEqual(
      parsedConfig(stackWith("dev", { velero: { drillImage: img } })).velero.drillImage,
      img,
    );
  });

  it("the production stacks' drill images carry a release tag their project's tag retention keeps", () => {
    for (const stack of ["prod-apne1", "prod-apne2"]) {
      const found = configIssues(stackFile(stack)).filter((l) => l.startsWith("registry-platform:velero"));
      assert.deepStrictEqual(found, [], stack);
    }
  });

  const DIGEST = `@sha256:${"0123456789abcdef".repeat(4)}`;
  const onApne2 = (drillImage: string, projects?: unknown[]) => {
    const hc = stackValue("prod-apne2", "harborConfig");
    const v = stackValue("prod-apne2", "velero");
    return configIssues(
      stackWith("prod-apne2", {
        velero: { ...v, drillImage },
        harborConfig: projects ? { ...hc, projects } : hc,
      }),
    ).filter((l) => l.startsWith("registry-platform:velero.drillImage"));
  };

  it("a drill image in a project of this registry whose tag retention would delete it is an error", () => {
    const img = `registry.apne2.example.com/platform/registry-drill:0.1.0${DIGEST}`;
    const found = onApne2(img);
    assert.strictEqual(found.length, 1, found.join("\n"));
    assert.match(
      found[0],
      /^registry-platform:velero\.drillImage \| "registry\.apne2\.example\.com\/platform\/registry-drill:0\.1\.0@sha256:[^|]* \| a tag the tag retention of project "platform" keeps \(vX\.Y\.Z, stable, lts\).*harborConfig\.projects\[0\]\.tagRetention/,
    );
    // Kept: a release (immutable releases), a channel tag, a project without retention, another registry.
    for (const ok of [
      `registry.apne2.example.com/platform/registry-drill:v0.1.0${DIGEST}`,
      `registry.apne2.example.com/platform/registry-drill:stable${DIGEST}`,
      `registry.example.com/platform/registry-drill:v1.2.3${DIGEST}`,
      `ci.example.com/tools/registry-drill:0.1.0${DIGEST}`,
    ])
      assert.deepStrictEqual(onApne2(ok), [], ok);
    assert.deepStrictEqual(
      onApne2(img, [{ name: "platform", tagRetention: false }, { name: "apps" }]),
      [],
      "tagRetention: false",
    );
    // Releases beyond the latest N are deleted where release tags are not immutable: only vX.0.0 is kept.
    const mutable = [{ name: "platform", immutableReleaseTags: false }, { name: "apps" }];
    assert.strictEqual(
      onApne2(`registry.apne2.example.com/platform/registry-drill:v0.1.0${DIGEST}`, mutable).length,
      1,
    );
    assert.deepStrictEqual(
      onApne2(`registry.apne2.example.com/platform/registry-drill:v1.0.0${DIGEST}`, mutable),
      [],
    );
  });

  const table: { name: string; base?: string; changes: Record<string, unknown>; expect: RegExp }[] = [
    {
      name: "backup retention shorter than 7 days in production",
      base: "prod-apne2",
      changes: { storage: { provider: "aws", backupRetention: { mode: "COMPLIANCE", days: 5 } } },
      expect:
        /^registry-platform:storage\.backupRetention\.days \| 5 \| a whole number >= 7 when environment is "prod" \(the window to detect ransomware\)$/,
    },
    {
      name: "unknown time zone",
      changes: { velero: { timezone: "Asia/Seul" } },
      expect: /^registry-platform:velero\.timezone \| "Asia\/Seul" \| an IANA time zone/,
    },
    {
      name: "weekly schedule typo (weekday 8)",
      changes: { velero: { schedules: { weekly: "0 7 * * 8" } } },
      expect: /^registry-platform:velero\.schedules\.weekly \| "0 7 \* \* 8" \| a 5-field cron expression/,
    },
    {
      name: "monthly schedule with six fields",
      changes: { velero: { schedules: { monthly: "0 0 7 1 * *" } } },
      expect: /^registry-platform:velero\.schedules\.monthly \| "0 0 7 1 \* \*" \| a 5-field cron expression/,
    },
    {
      name: "misspelt schedule key",
      changes: { velero: { schedules: { dialy: "0 7 * * *" } } },
      expect:
        /^registry-platform:velero\.schedules\.dialy \| an unknown key \| one of the keys daily, weekly, monthly$/,
    },
    {
      name: "drill schedule typo",
      changes: { velero: { drillSchedule: "0 5 1 */3" } },
      expect: /^registry-platform:velero\.drillSchedule \| "0 5 1 \*\/3" \| a 5-field cron expression/,
    },
    {
      name: "backup mode not supported",
      changes: { velero: { backupMode: "restic" } },
      expect: /^registry-platform:velero\.backupMode \| "restic" \| one of "fs-kopia", "csi-datamover"$/,
    },
    {
      name: "drill CronJob without an image",
      changes: { velero: { drillCronJob: true } },
      expect:
        /^registry-platform:velero\.drillImage \| nothing \| an image pinned by digest when velero\.drillCronJob is true$/,
    },
    {
      name: "drill image by tag only",
      changes: { velero: { drillImage: "registry.example.com/platform/drill:1.0" } },
      expect:
        /^registry-platform:velero\.drillImage \| "registry\.example\.com\/platform\/drill:1\.0" \| an image reference pinned by digest/,
    },
    {
      name: "Velero in Harbor's namespace",
      changes: { velero: { namespace: "harbor" } },
      expect: /^registry-platform:velero\.namespace \| "harbor" \| a namespace other than harbor\.namespace/,
    },
  ];
  for (const t of table)
    it(`rejects ${t.name}, naming the key`, () => {
      const found = configIssues(stackWith(t.base ?? "dev", t.changes));
      assert.ok(
        found.some((f) => t.expect.test(f)),
        `no issue matches ${t.expect}; got:\n${found.join("\n")}`,
      );
    });
});
