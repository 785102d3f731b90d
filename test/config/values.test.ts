/**
 * `platformConfig(values)`: the typed config built in code (library use, no stack file) goes through the same
 * schema, defaults and rules as the stack config, and reports every problem in one error.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, platformConfig, PlatformConfigValues } from "../../config";
import { stackFile } from "../harness";
import { parsedConfig } from "../harness/config";

const OPTS = { project: "registry-platform", stack: "t" };

const DEV: PlatformConfigValues = {
  environment: "dev",
  region: "ap-northeast-2",
  host: "registry.dev.example.internal",
};

function unwrap(o: pulumi.Output<string>): Promise<{ value: string; secret: boolean }> {
  return new Promise((resolve) =>
    pulumi.all([o, pulumi.isSecret(o)]).apply(([value, secret]) => resolve({ value, secret })),
  );
}

function issuesOf(values: unknown): string[] {
  try {
    platformConfig(values as PlatformConfigValues, OPTS);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    assert.strictEqual(e.message.split("\n").length, e.issues.length + 1, "one error, one line per problem");
    return e.issues.map((i) => `${i.key} | ${i.found} | ${i.allowed}`);
  }
  return assert.fail("expected a ConfigError");
}

describe("config: platformConfig (typed values, no stack file)", () => {
  it("resolves defaults and environment rules like the stack config", () => {
    const cfg = platformConfig(DEV, OPTS);
    assert.strictEqual(cfg.namePrefix, "registry-platform-t");
    assert.strictEqual(cfg.storage.registryBucket, "registry-platform-t-registry");
    assert.deepStrictEqual(cfg.storage.backupRetention, { mode: "GOVERNANCE", days: 7 });
    assert.strictEqual(cfg.harbor.replicas, 1);
    assert.strictEqual(cfg.protect, false);
    assert.strictEqual(cfg.role, "primary");
  });

  it("gives the same config as the stack file with the same values", () => {
    const sc = stackFile("dev");
    const values = Object.fromEntries(
      Object.entries(sc.config)
        .filter(([k]) => k.startsWith("registry-platform:"))
        .map(([k, v]) => {
          const key = k.slice("registry-platform:".length);
          return [
            key,
            ["environment", "region", "role", "host", "namePrefix"].includes(key) ? v : JSON.parse(v),
          ];
        }),
    );
    const fromStack = parsedConfig(sc, "t");
    const fromValues = platformConfig(values as PlatformConfigValues, OPTS);
    const { secrets: _a, ...a } = fromStack;
    const { secrets: _b, ...b } = fromValues;
    assert.deepStrictEqual(b, a);
  });

  it("throws one ConfigError listing every problem, with key path, value found and what is allowed", () => {
    assert.deepStrictEqual(
      issuesOf({
        ...DEV,
        environment: "prod",
        storage: { backupRetention: { mode: "GOVERNANCE", days: 3 } },
        harbor: { replicas: 1, metrics: { prometheusNamespace: "monitoring" } },
        policy: { allowedRegistries: ["registry.dev.example.internal"] },
      }),
      [
        'registry-platform:harbor.replicas | 1 | a whole number >= 2 when environment is "prod"',
        'registry-platform:storage.backupRetention.days | 3 | a whole number >= 7 when environment is "prod" (the window to detect ransomware)',
        'registry-platform:storage.backupRetention.mode | "GOVERNANCE" | "COMPLIANCE" when environment is "prod"',
      ],
    );
    const [env, host, bogus, ...rest] = issuesOf({
      environment: "qa",
      region: "ap-northeast-2",
      storage: { bogus: 1 },
    });
    assert.deepStrictEqual(rest, []);
    assert.strictEqual(env, 'registry-platform:environment | "qa" | one of "dev", "staging", "prod"');
    assert.strictEqual(
      host,
      "registry-platform:host | nothing (the key is required) | a value of type string",
    );
    assert.match(bogus, /^registry-platform:storage\.bogus \| an unknown key \| one of the keys provider, /);
  });

  it("secrets: under `secrets` they become secret Outputs; elsewhere or unknown they are errors (never echoed)", async () => {
    const cfg = platformConfig({ ...DEV, secrets: { harborAdminPassword: "s3cr3t-value" } }, OPTS);
    assert.deepStrictEqual(await unwrap(cfg.secrets.harborAdminPassword!), {
      value: "s3cr3t-value",
      secret: true,
    });

    const issues = issuesOf({
      ...DEV,
      harborAdminPassword: "s3cr3t-value",
      secrets: { adminPasword: "s3cr3t-value" },
    });
    assert.deepStrictEqual(
      issues.map((i) => i.split(" | ").slice(0, 2).join(" | ")),
      [
        "registry-platform:harborAdminPassword | a plain value",
        "registry-platform:secrets.adminPasword | an unknown key",
      ],
    );
    assert.ok(!issues.join("\n").includes("s3cr3t"));
  });

  it("cross-key rules see secrets given in code (s3-compatible needs the S3 keys)", () => {
    const s3 = {
      ...DEV,
      storage: { provider: "s3-compatible", endpoint: "https://minio.example.internal" },
    } as const;
    assert.deepStrictEqual(issuesOf(s3), [
      "registry-platform:s3AccessKey | nothing | a secret (storage.provider is s3-compatible), given as secrets.s3AccessKey",
      "registry-platform:s3SecretKey | nothing | a secret (storage.provider is s3-compatible), given as secrets.s3SecretKey",
    ]);
    const cfg = platformConfig(
      { ...s3, secrets: { s3AccessKey: "a", s3SecretKey: pulumi.output("b") } },
      OPTS,
    );
    assert.strictEqual(cfg.storage.provider, "s3-compatible");
  });
});
