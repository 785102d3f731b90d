/**
 * `verify`'s bucket checks against real SeaweedFS (part of `npm run test:real`; ../shared/tools,
 * `start.sh seaweedfs`; it enforces Object Lock and bucket policies): buckets configured right and wrong here
 * through the S3 API. The other real-server verify tests: verify.real.ts.
 */
import * as assert from "assert";
import { BucketExpectation, checkBucket } from "../../tools/verify/checks";
import { S3Client } from "../../tools/verify/s3";
import { BucketSetup, removeBuckets, seaweed, staleRun, Store } from "./support/seaweed";

describe("verify against real servers", function () {
  this.timeout(300000);

  describe("buckets on SeaweedFS, configured right and wrong", () => {
    let s3: S3Client;
    let setup: BucketSetup;
    const run = Date.now().toString(36);
    const b = (what: string) => `vfy-${run}-${what}`;
    const expectOnprem = (retention: BucketExpectation["defaultRetention"]): BucketExpectation => ({
      defaultRetention: retention,
      encryption: { algorithm: "AES256" },
      publicAccessBlock: false,
      tlsOnlyPolicy: false,
    });

    let sw: Store;
    before(async function () {
      const found = seaweed();
      if (typeof found === "string") {
        console.log(`      (skipped: ${found})`);
        this.skip();
      }
      sw = found;
      await removeBuckets(sw, staleRun(/^vfy-([0-9a-z]+)-/));
      s3 = new S3Client({
        region: "us-east-1",
        endpoint: sw.endpoint,
        credentials: { accessKeyId: sw.accessKeyId, secretAccessKey: sw.secretAccessKey },
      });
      setup = new BucketSetup(s3);
    });
    after(async () => {
      if (sw) await removeBuckets(sw, (name) => name.startsWith(`vfy-${run}-`));
    });

    it("pass: registry bucket (lock, no default retention) and backup bucket (GOVERNANCE 7 days), AES256", async () => {
      await setup.create(b("registry"), true);
      await setup.versioning(b("registry"));
      await setup.encryption(b("registry"));
      await setup.create(b("backup"), true);
      await setup.versioning(b("backup"));
      await setup.retention(b("backup"), "GOVERNANCE", 7);
      await setup.encryption(b("backup"));
      const reg = await checkBucket(s3, b("registry"), expectOnprem(null));
      assert.deepStrictEqual(reg, {
        status: "pass",
        details: [
          "✔ versioning: Enabled",
          "✔ object lock: enabled",
          "✔ default retention: none (expected none: GC must free space)",
          "✔ default encryption: AES256",
        ],
      });
      const bak = await checkBucket(s3, b("backup"), expectOnprem({ mode: "GOVERNANCE", days: 7 }));
      assert.strictEqual(bak.status, "pass", bak.details.join("\n"));
      assert.strictEqual(bak.details[2], "✔ default retention: GOVERNANCE 7 days");
    });

    it("fail: a default retention on the registry bucket; the wrong mode and days on the backup bucket", async () => {
      await setup.create(b("reg-retained"), true);
      await setup.retention(b("reg-retained"), "GOVERNANCE", 1);
      await setup.encryption(b("reg-retained"));
      const reg = await checkBucket(s3, b("reg-retained"), expectOnprem(null));
      assert.strictEqual(reg.status, "fail");
      assert.ok(
        reg.details.includes("✘ default retention: GOVERNANCE 1 days (expected none: GC must free space)"),
        reg.details.join("\n"),
      );

      await setup.create(b("bak-wrong"), true);
      await setup.retention(b("bak-wrong"), "GOVERNANCE", 1);
      await setup.encryption(b("bak-wrong"));
      const bak = await checkBucket(s3, b("bak-wrong"), expectOnprem({ mode: "COMPLIANCE", days: 30 }));
      assert.strictEqual(bak.status, "fail");
      assert.ok(
        bak.details.includes("✘ default retention: GOVERNANCE 1 days (expected COMPLIANCE 30 days)"),
        bak.details.join("\n"),
      );
    });

    it("fail: a bucket created without Object Lock or versioning, and without default encryption", async () => {
      await setup.create(b("plain"), false);
      const r = await checkBucket(s3, b("plain"), expectOnprem({ mode: "GOVERNANCE", days: 7 }));
      assert.deepStrictEqual(r, {
        status: "fail",
        details: [
          "✘ versioning: never enabled",
          "✘ object lock: not enabled",
          "✘ default retention: none (expected GOVERNANCE 7 days)",
          "✘ default encryption: none (expected AES256)",
        ],
      });
    });

    it("public access block: all four flags pass, one off fails (checked where the target has it)", async () => {
      const all = {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      };
      await setup.publicAccessBlock(b("registry"), all);
      const want = { ...expectOnprem(null), publicAccessBlock: true };
      const ok = await checkBucket(s3, b("registry"), want);
      assert.ok(ok.details.includes("✔ public access block: all four on"), ok.details.join("\n"));
      await setup.publicAccessBlock(b("registry"), { ...all, BlockPublicPolicy: false });
      const off = await checkBucket(s3, b("registry"), want);
      assert.strictEqual(off.status, "fail");
      assert.ok(
        off.details.includes("✘ public access block: off: BlockPublicPolicy"),
        off.details.join("\n"),
      );
    });

    it("the TLS-only policy is enforced: over plain http every read of that bucket is refused, and verify says so", async () => {
      await setup.create(b("tls-only"), true);
      await setup.policy(b("tls-only"), {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [`arn:aws:s3:::${b("tls-only")}`, `arn:aws:s3:::${b("tls-only")}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      });
      await assert.rejects(
        checkBucket(s3, b("tls-only"), expectOnprem(null)),
        /GET vfy-.*-tls-only\?versioning: HTTP 403 AccessDenied/,
      );
    });
  });
});
