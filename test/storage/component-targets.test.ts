/** The storage component on a dev-like AWS stack and on an S3-compatible endpoint. */
import * as assert from "assert";
import * as awsProvider from "@pulumi/aws/provider";
import * as pulumi from "@pulumi/pulumi";
import { awsProviderArgs, StorageTarget } from "../../components/providers";
import {
  backupLifecycleRules,
  registryLifecycleRules,
  RegistryStorage,
  tlsOnlyBucketPolicy,
  veleroIamPolicy,
} from "../../components/storage";
import { Recorded, runComponent } from "../harness";
import { arn, children, outputsOf, runAwsStorage, T } from "./component-support";

describe("storage component: dev-like (GOVERNANCE, forceDestroy, unprotected, static Velero keys)", () => {
  let rec: Recorded;
  before(async () => {
    rec = await runAwsStorage("dev", { recoveryWindowDays: 7, forceDestroy: true });
  });

  it("forceDestroy on every bucket, nothing protected", () => {
    assert.deepStrictEqual(
      rec.byType(T.bucket).map((b): unknown => rec.inputs(b).forceDestroy),
      [true, true, true],
    );
    for (const r of rec.all) assert.ok(!r.protect && !r.retainOnDelete, r.name);
  });

  it("GOVERNANCE 7-day retention on the backup bucket; 7-day recovery window on the registry bucket", () => {
    assert.deepStrictEqual(rec.inputs(rec.one(T.lock, "dev-backup-object-lock")).rule, {
      defaultRetention: { mode: "GOVERNANCE", days: 7 },
    });
    assert.strictEqual(rec.inputs(rec.one(T.lock, "dev-registry-object-lock")).rule, undefined);
    assert.deepStrictEqual(
      rec.inputs(rec.one(T.lifecycle, "dev-registry-lifecycle")).rules[0].noncurrentVersionExpiration,
      { noncurrentDays: 7 },
    );
  });

  it("aws:kms with the AWS-managed key: no key id, no KMS statement in IAM policies", () => {
    assert.deepStrictEqual(rec.inputs(rec.one(T.sse, "dev-backup-encryption")).rules[0], {
      applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" },
      bucketKeyEnabled: true,
    });
    for (const r of rec.byType(T.userPolicy)) assert.ok(!rec.inputs(r).policy.includes("kms:"), r.name);
  });

  it("velero: IAM user + key, backup bucket only, no EC2; credentials are secret outputs", () => {
    assert.deepStrictEqual(
      JSON.parse(rec.inputs(rec.one(T.userPolicy, "dev-velero-user-policy")).policy),
      veleroIamPolicy({ bucketArn: arn("dev-backup"), snapshots: false }),
    );
    assert.strictEqual(rec.byType(T.role).length, 0);
    assert.match(rec.outputs.veleroCredentials.accessKeyId, /^AKIA/);
    assert.notStrictEqual(
      rec.outputs.veleroCredentials.accessKeyId,
      rec.outputs.registryCredentials.accessKeyId,
    );
    const secret = rec.outputSecrets();
    for (const p of ["veleroCredentials.accessKeyId", "veleroCredentials.secretAccessKey"])
      assert.ok(secret.includes(p), p);
    assert.strictEqual(rec.outputs.veleroRoleArn, undefined);
  });
});

describe("storage component: unprotected without forceDestroy (staging-like)", () => {
  it("the buckets' settings are retained on delete, the buckets and IAM are not; nothing is protected", async () => {
    const rec = await runAwsStorage("stg", {});
    // A destroy deletes the settings before their bucket, and stops at a non-empty bucket (no forceDestroy):
    // retained, the settings stay with it (public access block, TLS-only policy, lock, lifecycle, logging).
    const s3 = children(rec).filter((r) => r.type.startsWith("aws:s3/"));
    const settings = s3.filter((r) => r.type !== T.bucket);
    assert.deepStrictEqual(
      [...new Set(settings.map((r) => r.type))].sort(),
      [T.sse, T.lifecycle, T.lock, T.logging, T.ownership, T.pab, T.policy, T.versioning].sort(),
    );
    for (const r of settings) assert.ok(r.retainOnDelete === true && !r.protect, r.name);
    for (const b of rec.byType(T.bucket)) {
      assert.ok(!b.retainOnDelete && !b.protect, b.name);
      assert.strictEqual(rec.inputs(b).forceDestroy, false, b.name);
    }
    for (const r of children(rec).filter((x) => x.type.startsWith("aws:iam/")))
      assert.ok(!r.retainOnDelete && !r.protect, r.name);
  });
});

describe("storage component: S3-compatible endpoint (MinIO / Ceph RGW)", () => {
  let rec: Recorded;
  before(async () => {
    rec = await runComponent(() => {
      const target: StorageTarget = {
        kind: "s3-compatible",
        endpoint: "https://minio.dc1.example:9000",
        accessKey: pulumi.secret("admin-access"),
        secretKey: pulumi.secret("admin-secret"),
      };
      const p = new awsProvider.Provider("p", awsProviderArgs(target, {}));
      return outputsOf(
        new RegistryStorage(
          "op",
          {
            target,
            registryBucketName: "dc1-registry",
            backupBucketName: "dc1-backup",
            logBucketName: "ignored-on-s3-compatible",
            backupRetention: { mode: "COMPLIANCE", days: 30 },
            protect: true,
            registryCredentials: {
              accessKeyId: pulumi.secret("harbor-ak"),
              secretAccessKey: pulumi.secret("harbor-sk"),
            },
          },
          { providers: { aws: p } },
        ),
      );
    });
  });

  it("creates only what the S3 API of MinIO/Ceph supports, all through the passed endpoint provider", () => {
    const types = [...new Set(children(rec).map((r) => r.type))].sort();
    assert.deepStrictEqual(types, [T.bucket, T.lifecycle, T.lock, T.policy, T.sse, T.versioning].sort());
    assert.strictEqual(rec.byType(T.bucket).length, 2);
    for (const r of children(rec)) assert.strictEqual(rec.providerOf(r)?.name, "p", r.name);
    assert.deepStrictEqual(
      rec.inputs(rec.one("pulumi:providers:aws", "p")).endpoints,
      '[{"s3":"https://minio.dc1.example:9000"}]',
    );
  });

  it("keeps Object Lock, versioning, noncurrent expiry, SSE-S3 and the TLS-only policy; protected", () => {
    assert.deepStrictEqual(rec.inputs(rec.one(T.lock, "op-backup-object-lock")).rule, {
      defaultRetention: { mode: "COMPLIANCE", days: 30 },
    });
    assert.deepStrictEqual(
      rec.inputs(rec.one(T.lifecycle, "op-registry-lifecycle")).rules,
      registryLifecycleRules({ recoveryWindowDays: 30 }),
    );
    assert.deepStrictEqual(
      rec.inputs(rec.one(T.lifecycle, "op-backup-lifecycle")).rules,
      backupLifecycleRules({ retentionDays: 30 }),
    );
    assert.strictEqual(
      rec.inputs(rec.one(T.sse, "op-registry-encryption")).rules[0].applyServerSideEncryptionByDefault
        .sseAlgorithm,
      "AES256",
    );
    assert.deepStrictEqual(
      JSON.parse(rec.inputs(rec.one(T.policy, "op-backup-policy")).policy),
      tlsOnlyBucketPolicy(arn("dc1-backup")),
    );
    for (const r of children(rec)) assert.ok(r.protect && r.retainOnDelete, r.name);
  });

  it("credentials come from config (registry: given; velero: the target's own) and stay secret", () => {
    const o = rec.outputs;
    assert.deepStrictEqual(o.registryCredentials, { accessKeyId: "harbor-ak", secretAccessKey: "harbor-sk" });
    assert.deepStrictEqual(o.veleroCredentials, {
      accessKeyId: "admin-access",
      secretAccessKey: "admin-secret",
    });
    const secret = rec.outputSecrets();
    for (const p of [
      "registryCredentials.accessKeyId",
      "registryCredentials.secretAccessKey",
      "veleroCredentials.accessKeyId",
      "veleroCredentials.secretAccessKey",
    ])
      assert.ok(secret.includes(p), p);
  });

  it("outputs the endpoint and the signing region; no log bucket, no role", () => {
    const o = rec.outputs;
    assert.strictEqual(o.endpoint, "https://minio.dc1.example:9000");
    assert.strictEqual(o.region, "us-east-1");
    assert.strictEqual(o.logBucketName, undefined);
    assert.strictEqual(o.veleroRoleArn, undefined);
  });
});
