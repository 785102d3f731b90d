/**
 * What a new user gets wrong (issue 9.12, 9.13, 8.4): misspelt namespaces, dotted top-level keys, sizes
 * without a unit, secrets in plain text or not set at all. Each case runs the real program the way a real
 * engine would hand it the config (no offline stand-ins) and checks that nothing is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { ConfigError, offlineStandIn, onMockEngine } from "../../config";
import { Registration } from "../../tools/synth/engine";
import { StackConfig } from "../../tools/synth/stackfile";
import { ROOT, runComponent, runProgramFailing, stackFile, stackRun, stackWith } from "../harness";
import { rejected } from "../harness/config";

/** Runs the program expecting a ConfigError and no registration; returns its issues as `key | found | allowed`. */
async function rejectedByProgram(
  stack: string,
  sc: StackConfig,
): Promise<{ lines: string[]; message: string }> {
  const { error, registrations } = await runProgramFailing(stack, sc);
  assert.ok(error instanceof ConfigError, `expected a ConfigError, got: ${String(error)}`);
  assert.deepStrictEqual(
    registrations.map((r: Registration) => r.type),
    [],
    "no resource may be registered on invalid config",
  );
  return { lines: error.issues.map((i) => `${i.key} | ${i.found} | ${i.allowed}`), message: error.message };
}

/** Adds raw keys (any namespace) to a stack's config, values as Pulumi hands them over (strings). */
function withRawKeys(sc: StackConfig, keys: Record<string, string>): StackConfig {
  return { config: { ...sc.config, ...keys }, secretKeys: [...sc.secretKeys] };
}

const has = (lines: string[], re: RegExp) =>
  assert.ok(
    lines.some((l) => re.test(l)),
    `no issue matches ${re}; got:\n${lines.join("\n")}`,
  );

describe("config: keys outside the registry-platform namespace (issue 9.12)", () => {
  for (const ns of ["registry-platfrom", "regsitry-platform", "registry-platforms", "Registry-Platform"]) {
    it(`a key in "${ns}" (1-2 edits away) is an error naming the right key`, async () => {
      const { lines } = await rejectedByProgram(
        "dev",
        withRawKeys(stackFile("dev"), { [`${ns}:namePrefix`]: "x" }),
      );
      has(
        lines,
        new RegExp(
          `^${ns}:namePrefix \\| a key in the namespace "${ns}", [12] edits? from "registry-platform" \\| registry-platform:namePrefix`,
        ),
      );
    });
  }

  it("a key in a namespace no provider reads is an error that says which namespaces are allowed", async () => {
    const { lines } = await rejectedByProgram("dev", withRawKeys(stackFile("dev"), { "gcp:project": "p" }));
    has(
      lines,
      /^gcp:project \| a key in the namespace "gcp", which nothing in this program reads \| keys in the namespaces registry-platform, aws, kubernetes, random, tls, pulumi$/,
    );
  });

  it("provider namespaces (aws, kubernetes, random, tls, pulumi) are accepted", async () => {
    const sc = withRawKeys(stackFile("dev"), {
      "aws:region": "ap-northeast-2",
      "kubernetes:context": "ctx",
      "pulumi:tags": '{"team":"platform"}',
    });
    const { error } = await runProgramFailing(
      "dev",
      withRawKeys(sc, { "registry-platform:environment": "qa" }),
    );
    assert.ok(error instanceof ConfigError);
    assert.deepStrictEqual(
      error.issues.map((i) => i.key),
      ["registry-platform:environment"],
    );
  });
});

describe("config: nested keys, sizes and secret messages (issue 9.13)", () => {
  it("a dotted top-level key (set without --path) points to pulumi config set --path, with the command", async () => {
    const { lines, message } = await rejectedByProgram(
      "dev",
      withRawKeys(stackFile("dev"), { "registry-platform:storage.recoveryWindowDays": "14" }),
    );
    has(
      lines,
      /^registry-platform:storage\.recoveryWindowDays \| a top-level key with a dot in its name \(set without --path\) \| the nested key, set with --path: pulumi config set --path 'registry-platform:storage\.recoveryWindowDays' <value>$/,
    );
    assert.ok(
      message.includes(
        "pulumi config rm 'registry-platform:storage.recoveryWindowDays' && pulumi config set --path 'registry-platform:storage.recoveryWindowDays' 14",
      ),
      message,
    );
    assert.doesNotMatch(message, /an unknown key/);
  });

  it("a dotted key holding a credential is never echoed; one standing for a secret key points to that key", async () => {
    const pem =
      "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIFfnQwyarSVZaudit0000000000000000\n-----END EC PRIVATE KEY-----\n";
    const { lines, message } = await rejectedByProgram(
      "dev",
      withRawKeys(stackFile("dev"), {
        "registry-platform:tls.serverKeyPem": pem,
        "registry-platform:harbor.adminPassword": "Sup3rS3cretAdminPw",
        "registry-platform:harbor.database.password": "Db-Pa55word-Plain",
        "registry-platform:storage.endpoint": "https://minio:Pa55/w0rd#x@minio.example.internal:9000",
      }),
    );
    for (const secret of ["MHcCAQEEIFfnQwyarSVZ", "Sup3rS3cretAdminPw", "Db-Pa55word-Plain", "Pa55/w0rd"])
      assert.ok(!message.includes(secret), `${secret} echoed:\n${message}`);
    has(
      lines,
      /^registry-platform:tls\.serverKeyPem \| a top-level key with a dot in its name \(set without --path\) \| the secret key registry-platform:tlsServerKeyPem: pulumi config set --secret registry-platform:tlsServerKeyPem < server-key\.pem$/,
    );
    assert.ok(
      message.includes(
        "pulumi config rm 'registry-platform:harbor.adminPassword' && pulumi config set --secret registry-platform:harborAdminPassword '<value>'",
      ),
      message,
    );
    assert.ok(
      message.includes(
        "pulumi config rm 'registry-platform:harbor.database.password' && pulumi config set --secret registry-platform:harborDatabasePassword '<value>'",
      ),
      message,
    );
    // No secret key of that name: the nested key, its value (a URL with user info) not shown.
    assert.ok(
      message.includes(
        "pulumi config rm 'registry-platform:storage.endpoint' && pulumi config set --path 'registry-platform:storage.endpoint' '<value>'",
      ),
      message,
    );
  });

  it('a size given as a number says the expected form ("5Gi")', async () => {
    const { lines } = await rejectedByProgram(
      "dev",
      stackWith("dev", { harbor: { database: { type: "internal", size: 5 } } }),
    );
    has(lines, /^registry-platform:harbor\.database\.size \| 5 \| a size string with a unit, such as "5Gi"/);
  });

  it("a size string without a unit (5 bytes) is refused with the expected form", async () => {
    const { lines } = await rejectedByProgram("dev", stackWith("dev", { harbor: { trivy: { size: "5" } } }));
    has(lines, /^registry-platform:harbor\.trivy\.size \| "5" \| a size string with a unit, such as "5Gi"/);
  });

  it("a secret key set in plain text gets one message, with the command to set it as a secret", async () => {
    const { lines, message } = await rejectedByProgram(
      "prod-apne2",
      withRawKeys(stackFile("prod-apne2"), { "registry-platform:harborDatabasePassword": "Plain-Pa55word" }),
    );
    const mine = lines.filter((l) => l.startsWith("registry-platform:harborDatabasePassword "));
    assert.deepStrictEqual(mine, [
      "registry-platform:harborDatabasePassword | a value stored in plain text | a secret (stored encrypted): set it again with --secret",
    ]);
    assert.ok(
      message.includes("pulumi config set --secret registry-platform:harborDatabasePassword '<value>'"),
    );
    assert.ok(!message.includes("Plain-Pa55word"), "the value must not be echoed");
  });
});

describe("config: secrets in the example stacks (issue 8.4)", () => {
  it("no example stack holds a secure: placeholder a real engine cannot decrypt", () => {
    for (const f of fs.readdirSync(path.join(ROOT, "stacks"))) {
      const text = fs.readFileSync(path.join(ROOT, "stacks", f), "utf8");
      assert.doesNotMatch(text, /^\s*secure:/m, `${f} holds a secure: value`);
      assert.doesNotMatch(text, /offlinePlaceholder/, f);
    }
  });

  it("a real engine gets every missing secret with the exact command, all at once (onprem)", async () => {
    const { lines, message } = await rejectedByProgram("onprem", stackFile("onprem"));
    for (const k of ["s3AccessKey", "s3SecretKey", "tlsIntermediateKeyPem"])
      has(lines, new RegExp(`^registry-platform:${k} \\| nothing \\| a secret \\(`));
    const tail = message.slice(message.indexOf("to fix, run"));
    assert.deepStrictEqual(tail.split("\n").slice(1), [
      "  pulumi config set --secret registry-platform:s3AccessKey '<value>'",
      "  pulumi config set --secret registry-platform:s3SecretKey '<value>'",
      "  pulumi config set --secret registry-platform:tlsIntermediateKeyPem < intermediate-key.pem",
    ]);
  });

  it("the program's config error is a pulumi.RunError: the engine prints the message alone, no stack trace or issue dump", () => {
    // Seen on the real engine (e2e, onprem without its secrets): a plain Error was printed as "failed with an
    // unhandled exception" followed by the stack trace and the `issues` array.
    const e = new ConfigError([{ key: "registry-platform:k", found: "nothing", allowed: "a secret" }]);
    assert.ok(pulumi.RunError.isInstance(e));
    assert.ok(e instanceof ConfigError);
    assert.strictEqual(e.name, "ConfigError");
  });

  it("prod-apne2 on a real engine: the database password command", async () => {
    const { message } = await rejectedByProgram("prod-apne2", stackFile("prod-apne2"));
    assert.match(
      message,
      /\n {2}pulumi config set --secret registry-platform:harborDatabasePassword '<value>'$/,
    );
  });

  it("a stand-in value never passes on a real engine: the secret must be set for real", () => {
    const sc = stackFile("prod-apne2");
    const key = "registry-platform:harborDatabasePassword";
    const withStandIn = {
      config: { ...sc.config, [key]: offlineStandIn(key) },
      secretKeys: [...sc.secretKeys, key],
    };
    const issues = rejected(withStandIn).filter((i) => i.key === key);
    assert.deepStrictEqual(
      issues.map((i) => [i.found, i.allowed, i.fix]),
      [
        [
          "a stand-in value of the offline synth",
          "the real secret",
          "pulumi config set --secret registry-platform:harborDatabasePassword '<value>'",
        ],
      ],
    );
  });

  it("only the mock engine accepts stand-ins (a process without mocks is not on it)", async () => {
    let inside: boolean | undefined;
    await runComponent(() => {
      inside = onMockEngine();
    });
    assert.strictEqual(inside, true);
    const out = execFileSync(
      process.execPath,
      [
        "-e",
        `process.stdout.write(String(require(${JSON.stringify(path.join(ROOT, "dist", "config", "load.js"))}).onMockEngine()))`,
      ],
      { encoding: "utf8" },
    );
    assert.strictEqual(out, "false");
  });

  for (const s of ["dev", "prod-apne2", "prod-apne1", "onprem"])
    it(`the offline synth of ${s} still runs, every secret stand-in marked and secret`, async () => {
      const rec = await stackRun(s);
      assert.ok(rec.all.length > 0);
      const standIns: string[] = (rec.result as { standIns?: string[] }).standIns ?? [];
      assert.ok(
        standIns.every((k) => k.startsWith("registry-platform:")),
        standIns.join(", "),
      );
      if (s === "onprem")
        assert.deepStrictEqual(standIns, [
          "registry-platform:s3AccessKey",
          "registry-platform:s3SecretKey",
          "registry-platform:tlsIntermediateKeyPem",
        ]);
      if (s.startsWith("prod"))
        assert.deepStrictEqual(standIns, ["registry-platform:harborDatabasePassword"]);
    });
});
