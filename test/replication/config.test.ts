/**
 * `registry-platform:replication` (SPEC R6): defaults, and every bad combination rejected with the key path,
 * the value found and what is allowed — before any resource is registered.
 */
import * as assert from "assert";
import { runProgramFailing, stackWith } from "../harness";
import { configIssues, parsedConfig } from "../harness/config";

const PEER = "organization/registry-platform/prod-apne1";

describe("replication config", () => {
  it("prod-apne2 (primary) lists prod-apne1 with the defaults filled in", () => {
    const c = parsedConfig(stackWith("prod-apne2", {}), "prod-apne2");
    assert.strictEqual(c.role, "primary");
    assert.deepStrictEqual(c.replication.peers, [
      {
        stack: PEER,
        repositories: "**",
        deletion: false,
        trigger: { eventBased: true, reconcileSchedule: "0 30 4 * * *" },
        speed: -1,
        override: true,
        copyByChunk: true,
        enabled: true,
        backupReplication: { replicationTime: false },
      },
    ]);
    assert.strictEqual(c.replication.robot, undefined);
  });

  it("prod-apne1 (replica) has a robot and no peers", () => {
    const c = parsedConfig(stackWith("prod-apne1", {}), "prod-apne1");
    assert.strictEqual(c.role, "replica");
    assert.deepStrictEqual(c.replication, {
      peers: [],
      robot: { name: "replication", allowDeletion: false },
    });
  });

  it("a stack without the key has no peers (dev)", () => {
    const c = parsedConfig(stackWith("dev", {}), "dev");
    assert.deepStrictEqual(c.replication, { peers: [] });
  });

  const peer = (extra: Record<string, unknown> = {}) => ({ stack: PEER, ...extra });
  const table: {
    name: string;
    base?: string;
    stack?: string;
    changes: Record<string, unknown>;
    expect: RegExp[];
  }[] = [
    {
      name: "peers on a replica",
      base: "prod-apne1",
      changes: { replication: { peers: [peer()] } },
      expect: [
        /^registry-platform:replication.peers \| \["organization\/registry-platform\/prod-apne1"\] \| nothing when role is "replica"/,
      ],
    },
    {
      name: "a robot on a primary",
      changes: { replication: { peers: [peer()], robot: { name: "r" } } },
      expect: [/^registry-platform:replication.robot \| \{"name":"r"\} \| nothing when role is "primary"/],
    },
    {
      name: "an empty robot on a primary: shown as written, no defaults filled in",
      changes: { replication: { peers: [peer()], robot: {} } },
      expect: [/^registry-platform:replication.robot \| \{\} \| nothing when role is "primary"/],
    },
    {
      name: "a peer listed twice",
      changes: { replication: { peers: [peer(), peer()] } },
      expect: [
        /^registry-platform:replication.peers\[1\].stack \| "organization\/registry-platform\/prod-apne1" \| a stack not already listed at replication.peers\[0\]$/,
      ],
    },
    {
      name: "the stack itself",
      stack: "prod-apne2",
      changes: { replication: { peers: [{ stack: "acme/registry-platform/prod-apne2" }] } },
      expect: [
        /^registry-platform:replication.peers\[0\].stack \| "acme\/registry-platform\/prod-apne2" \| a stack other than this one \(registry-platform\/prod-apne2\)$/,
      ],
    },
    {
      name: "two peers with the same stack name in different organizations",
      changes: { replication: { peers: [peer(), { stack: "other/registry-platform/prod-apne1" }] } },
      expect: [
        /^registry-platform:replication.peers\[1\].stack \| .* \| a stack name other than "prod-apne1"/,
      ],
    },
    {
      name: "a peer stack name too long for Harbor's endpoint name (peer-<stack>, 64 characters)",
      changes: { replication: { peers: [{ stack: `organization/registry-platform/${"a".repeat(60)}` }] } },
      expect: [
        /^registry-platform:replication.peers\[0\].stack \| "organization\/registry-platform\/a+\.\.\. \| a stack name of at most 59 characters/,
      ],
    },
    {
      name: "a peer name that is not fully qualified",
      changes: { replication: { peers: [{ stack: "prod-apne1" }] } },
      expect: [
        /^registry-platform:replication.peers\[0\].stack \| "prod-apne1" \| a fully qualified stack name organization\/project\/stack/,
      ],
    },
    {
      name: "an unknown project",
      changes: { replication: { peers: [peer({ projects: ["platform", "nope"] })] } },
      expect: [
        /^registry-platform:replication.peers\[0\].projects\[1\] \| "nope" \| one of the projects configured in harborConfig.projects: "platform", "apps"$/,
      ],
    },
    {
      name: "a proxy-cache project",
      changes: { replication: { peers: [peer({ projects: ["dockerhub-cache"] })] } },
      expect: [
        /^registry-platform:replication.peers\[0\].projects\[0\] \| "dockerhub-cache" \| a regular project/,
      ],
    },
    {
      name: "S3 replication on an S3-compatible stack",
      base: "onprem",
      changes: {
        replication: {
          peers: [{ stack: "organization/registry-platform/dr", backupReplication: { enabled: true } }],
        },
      },
      expect: [
        /^registry-platform:replication.peers\[0\].backupReplication.enabled \| true \| false or unset when storage.provider is "s3-compatible": S3 replication is an AWS S3 feature; S3-compatible stacks replicate through Harbor only$/,
      ],
    },
    {
      name: "replication time control without S3 replication",
      changes: {
        replication: { peers: [peer({ backupReplication: { enabled: false, replicationTime: true } })] },
      },
      expect: [
        /^registry-platform:replication.peers\[0\].backupReplication.enabled \| false \| true or unset/,
      ],
    },
    {
      name: "a zero speed",
      changes: { replication: { peers: [peer({ speed: 0 })] } },
      expect: [
        /^registry-platform:replication.peers\[0\].speed \| 0 \| -1 \(unlimited\) or a positive number of KB\/s$/,
      ],
    },
    {
      name: "a 5-field reconcile cron",
      changes: { replication: { peers: [peer({ trigger: { reconcileSchedule: "0 4 * * *" } })] } },
      expect: [
        /^registry-platform:replication.peers\[0\].trigger.reconcileSchedule \| "0 4 \* \* \*" \| a 6-field cron/,
      ],
    },
    {
      name: "a reconcile cron whose seconds field is not 0 (Harbor refuses the policy)",
      changes: { replication: { peers: [peer({ trigger: { reconcileSchedule: "30 0 4 * * *" } })] } },
      expect: [
        /^registry-platform:replication.peers\[0\].trigger.reconcileSchedule \| "30 0 4 \* \* \*" \| .*seconds field 0/,
      ],
    },
    {
      name: "a reconcile cron with * in the minutes field (Harbor refuses the policy)",
      changes: { replication: { peers: [peer({ trigger: { reconcileSchedule: "0 * 4 * * *" } })] } },
      expect: [
        /^registry-platform:replication.peers\[0\].trigger.reconcileSchedule \| "0 \* 4 \* \* \*" \| .*minutes field not \*/,
      ],
    },
    {
      name: "repository and tag filters that are not valid patterns (an unclosed [ or {, a stray })",
      changes: {
        replication: {
          peers: [peer({ repositories: "team-[ab/**", tags: "{v1,v2" })],
        },
      },
      expect: [
        /^registry-platform:replication.peers\[0\].repositories \| "team-\[ab\/\*\*" \| a Harbor filter pattern .*closed/,
        /^registry-platform:replication.peers\[0\].tags \| "\{v1,v2" \| a Harbor filter pattern .*closed/,
      ],
    },
    {
      name: "a tag filter with a stray } or an empty []",
      changes: {
        replication: { peers: [peer({ tags: "v1}" }), { stack: "o/registry-platform/x", tags: "v[]" }] },
      },
      expect: [
        /^registry-platform:replication.peers\[0\].tags \| "v1\}" \| a Harbor filter pattern/,
        /^registry-platform:replication.peers\[1\].tags \| "v\[\]" \| a Harbor filter pattern/,
      ],
    },
    {
      name: "a typo in a peer key",
      changes: { replication: { peers: [peer({ deletions: true })] } },
      expect: [
        /^registry-platform:replication.peers\[0\].deletions \| an unknown key \| one of the keys stack, projects,/,
      ],
    },
    {
      name: "peers without the Harbor API",
      changes: { harborConfig: { enabled: false }, replication: { peers: [peer()] } },
      expect: [/^registry-platform:harborConfig.enabled \| false \| true when replication.peers is set/],
    },
    {
      name: "a replica without the Harbor API",
      base: "prod-apne1",
      changes: { harborConfig: { enabled: false } },
      expect: [/^registry-platform:harborConfig.enabled \| false \| true when role is "replica"/],
    },
    {
      name: "a replica robot for an unknown project",
      base: "prod-apne1",
      changes: { replication: { robot: { projects: ["nope"] } } },
      expect: [
        /^registry-platform:replication.robot.projects\[0\] \| "nope" \| one of the projects configured/,
      ],
    },
  ];

  for (const t of table) {
    it(`rejects ${t.name}, naming the key`, () => {
      const issues = configIssues(
        stackWith(t.base ?? "prod-apne2", t.changes),
        t.stack ? { stack: t.stack } : {},
      );
      for (const re of t.expect)
        assert.ok(
          issues.some((i) => re.test(i)),
          `expected an issue matching ${String(re)}, got:\n${issues.join("\n")}`,
        );
    });
  }

  it("a bad replication config stops the program before any resource is registered", async () => {
    const { error, registrations } = await runProgramFailing(
      "prod-apne2",
      stackWith("prod-apne2", { replication: { peers: [peer(), peer()] } }),
      () => assert.fail("no StackReference may be read"),
    );
    assert.match(String(error), /replication.peers\[1\].stack/);
    assert.deepStrictEqual(registrations, []);
  });
});
