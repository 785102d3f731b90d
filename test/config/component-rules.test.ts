/**
 * Config the schema accepted but a component refused (audit of the config layer): each combination must be a
 * ConfigError naming the `registry-platform:` key, before any resource is registered (SPEC R9.2), not a
 * component's "invalid arguments" error after the providers and the platform component were registered.
 */
import * as assert from "assert";
import { ConfigError } from "../../config";
import { Registration } from "../../tools/synth/engine";
import { StackConfig } from "../../tools/synth/stackfile";
import { runProgram, runProgramFailing, stackFile, stackValue, stackWith } from "../harness";
import { withSecret } from "../harness/config";

/** Runs the program expecting a ConfigError and no registration; returns its issues as `key | found | allowed`. */
async function rejectedByProgram(sc: StackConfig): Promise<string[]> {
  const { error, registrations } = await runProgramFailing("dev", sc);
  assert.ok(error instanceof ConfigError, `expected a ConfigError, got: ${String(error)}`);
  assert.deepStrictEqual(
    registrations.map((r: Registration) => r.type),
    [],
    "no resource may be registered on invalid config",
  );
  return error.issues.map((i) => `${i.key} | ${i.found} | ${i.allowed}`);
}

const has = (lines: string[], re: RegExp) =>
  assert.ok(
    lines.some((l) => re.test(l)),
    `no issue matches ${re}; got:\n${lines.join("\n")}`,
  );

/** The dev stack's value of a top-level key (an object), so a case can change one nested key. */
const devValue = (key: string) => stackValue("dev", key);

/** The dev stack with these Harbor proxy caches. */
function withProxyCaches(proxyCaches: { name: string; type: string; url: string }[]): StackConfig {
  return stackWith("dev", { harborConfig: { ...devValue("harborConfig"), proxyCaches } });
}

/** The dev stack on an S3-compatible endpoint, with its credentials set as secrets. */
function devOnS3Compatible(storage: Record<string, unknown>): StackConfig {
  const sc = stackWith("dev", {
    region: "dc1",
    storage: { provider: "s3-compatible", endpoint: "https://minio.dc1.example.internal:9000", ...storage },
  });
  return withSecret(withSecret(sc, "s3AccessKey", "AKIAEXAMPLE"), "s3SecretKey", "example-secret-key");
}

describe("config: combinations a component refuses are config errors, before any resource", () => {
  it("storage.forceDestroy with COMPLIANCE retention (dev)", async () => {
    const storage = devValue("storage");
    const lines = await rejectedByProgram(
      stackWith("dev", { storage: { ...storage, backupRetention: { mode: "COMPLIANCE", days: 7 } } }),
    );
    has(lines, /^registry-platform:storage\.forceDestroy \| true \| false with COMPLIANCE retention/);
  });

  it("storage.kms false with a kmsKeyArn", async () => {
    const storage = devValue("storage");
    const lines = await rejectedByProgram(
      stackWith("dev", {
        storage: { ...storage, kms: false, kmsKeyArn: "arn:aws:kms:ap-northeast-2:123456789012:key/abc" },
      }),
    );
    has(
      lines,
      /^registry-platform:storage\.kms \| false \| true \(or unset\) when storage\.kmsKeyArn is set/,
    );
  });

  it("storage.kms true on an S3-compatible endpoint", async () => {
    const lines = await rejectedByProgram(devOnS3Compatible({ kms: true }));
    has(
      lines,
      /^registry-platform:storage\.kms \| true \| false or unset when storage\.provider is "s3-compatible"/,
    );
  });

  it("storage.archive: STANDARD_IA earlier than 30 days", async () => {
    const storage = devValue("storage");
    const lines = await rejectedByProgram(
      stackWith("dev", {
        storage: { ...storage, archive: { storageClass: "STANDARD_IA", transitionAfterDays: 10 } },
      }),
    );
    has(lines, /^registry-platform:storage\.archive\.transitionAfterDays \| 10 \| a whole number >= 30/);
  });

  it("storage.endpoint with a path", async () => {
    const lines = await rejectedByProgram(
      devOnS3Compatible({ endpoint: "https://minio.dc1.example.internal:9000/s3" }),
    );
    has(
      lines,
      /^registry-platform:storage\.endpoint \| "https:\/\/minio\.dc1\.example\.internal:9000\/s3" \| .*no path/,
    );
  });

  it("tls.extraSans with a name twice", async () => {
    const lines = await rejectedByProgram(
      stackWith("dev", { tls: { extraSans: ["a.example.com", "b.example.com", "a.example.com"] } }),
    );
    has(
      lines,
      /^registry-platform:tls\.extraSans\[2\] \| "a\.example\.com" \| a name not already listed at tls\.extraSans\[0\]/,
    );
  });

  it("tls.organization of blanks only", async () => {
    const lines = await rejectedByProgram(stackWith("dev", { tls: { organization: "   " } }));
    has(lines, /^registry-platform:tls\.organization \| "   " \| /);
  });

  it("harbor.database.host that is not a host name", async () => {
    const lines = await rejectedByProgram(
      stackWith("dev", { harbor: { database: { type: "external", host: "db host" } } }),
    );
    has(lines, /^registry-platform:harbor\.database\.host \| "db host" \| a host name or IP address/);
  });

  it("harbor.redis.addr with a slash", async () => {
    const lines = await rejectedByProgram(
      stackWith("dev", { harbor: { redis: { type: "external", addr: "redis/x:6379" } } }),
    );
    has(lines, /^registry-platform:harbor\.redis\.addr \| "redis\/x:6379" \| host:port/);
  });

  it("harbor.trivy.dbRepository that is not an OCI repository", async () => {
    const lines = await rejectedByProgram(
      stackWith("dev", { harbor: { trivy: { dbRepository: "not a repo!", javaDbRepository: "x:1.0" } } }),
    );
    has(
      lines,
      /^registry-platform:harbor\.trivy\.dbRepository \| "not a repo!" \| an OCI repository without tag/,
    );
    has(
      lines,
      /^registry-platform:harbor\.trivy\.javaDbRepository \| "x:1\.0" \| an OCI repository without tag/,
    );
  });

  it("harborConfig.proxyCaches[].url with user info, a query or a fragment (the credentials are not echoed)", async () => {
    const lines = await rejectedByProgram(
      withProxyCaches([
        { name: "hub", type: "docker-hub", url: "https://user:pa55word@registry-1.docker.io" },
        { name: "quay", type: "quay", url: "https://quay.io/?x=1" },
      ]),
    );
    has(
      lines,
      /^registry-platform:harborConfig\.proxyCaches\[0\]\.url \| a URL with user info \| .*without query, fragment or user info/,
    );
    has(lines, /^registry-platform:harborConfig\.proxyCaches\[1\]\.url \| "https:\/\/quay\.io\/\?x=1" \| /);
    assert.ok(!lines.join("\n").includes("pa55word"), lines.join("\n"));
  });
});

describe("config: Velero's archive location", () => {
  const withArchive = (archive: Record<string, unknown>) =>
    stackWith("dev", { storage: { ...devValue("storage"), archive } });

  it("a prefix inside Velero's default location is a config error (Velero refused it after registration)", async () => {
    has(
      await rejectedByProgram(withArchive({ prefix: "velero/monthly/" })),
      /^registry-platform:storage\.archive\.prefix \| "velero\/monthly\/" \| a prefix outside velero\/ \(Velero's default backup location\)/,
    );
  });

  for (const storageClass of ["GLACIER", "DEEP_ARCHIVE"])
    it(`${storageClass}, which Velero cannot read without an S3 restore, is a config error while Velero is on`, async () => {
      has(
        await rejectedByProgram(withArchive({ storageClass })),
        new RegExp(
          `^registry-platform:storage\\.archive\\.storageClass \\| "${storageClass}" \\| an instant-read class \\(GLACIER_IR, STANDARD_IA, ONEZONE_IA\\) while velero\\.enabled is true`,
        ),
      );
    });

  it("GLACIER is accepted with Velero off (nothing reads the archive prefix then)", async () => {
    const rec = await runProgram(
      "dev",
      stackWith("dev", {
        storage: { ...devValue("storage"), archive: { storageClass: "GLACIER" } },
        velero: { enabled: false },
      }),
    );
    const rules = rec.inputs(
      rec.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", /backup/),
    ).rules as { transitions?: { storageClass: string }[] }[];
    assert.ok(
      rules.some((r) => r.transitions?.some((t) => t.storageClass === "GLACIER")),
      JSON.stringify(rules),
    );
  });
});

describe("config: credentials in a URL are never shown", () => {
  it("a proxy-cache URL the schema refuses (http) is shown without its user info", async () => {
    const lines = await rejectedByProgram(
      withProxyCaches([
        { name: "hub", type: "docker-hub", url: "http://alice:S3cretPw@registry-1.docker.io" },
      ]),
    );
    has(
      lines,
      /^registry-platform:harborConfig\.proxyCaches\[0\]\.url \| "http:\/\/\[user info\]@registry-1\.docker\.io" \| /,
    );
    assert.ok(!lines.join("\n").includes("S3cretPw"), lines.join("\n"));
    assert.ok(!lines.join("\n").includes("alice"), lines.join("\n"));
  });
});

describe("config: the Harbor admin password the component refuses", () => {
  for (const [what, pw] of [
    ["the chart's default", "Harbor12345"],
    ["shorter than 8 characters", "Ab1xyz"],
  ] as const)
    it(`is a config error when it is ${what}, without the value in the message`, async () => {
      const lines = await rejectedByProgram(withSecret(stackFile("dev"), "harborAdminPassword", pw));
      has(
        lines,
        /^registry-platform:harborAdminPassword \| .* \| a password of at least 8 characters other than the chart's default/,
      );
      assert.ok(!lines.join("\n").includes(pw), lines.join("\n"));
    });
});
