import * as assert from "assert";
import { irsaTrustPolicy } from "../../components";
import { Recorded, stackRun } from "../harness";

const BUCKET = "aws:s3/bucket:Bucket";
const LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration";
const COMPONENT = "registry-platform:storage:RegistryStorage";

describe("storage wiring: prod-apne2", () => {
  let rec: Recorded;
  before(async () => {
    rec = await stackRun("prod-apne2");
  });

  it("the component gets the stack's AWS provider and config-derived bucket names", () => {
    const comp = rec.one(COMPONENT, "registry-storage");
    const names = rec.byType(BUCKET).map((b) => {
      assert.strictEqual(rec.parentOf(b)?.urn, comp.urn);
      assert.strictEqual(rec.providerOf(b)?.name, "registry-aws");
      assert.ok(b.protect && b.retainOnDelete, `${b.name} protected in prod`);
      assert.strictEqual(rec.inputs(b).forceDestroy, false);
      return rec.inputs(b).bucket as string;
    });
    assert.deepStrictEqual(names, [
      "registry-platform-prod-apne2-logs",
      "registry-platform-prod-apne2-registry",
      "registry-platform-prod-apne2-backup",
    ]);
  });

  it("COMPLIANCE 35 days on the backup bucket only; CMK alias for encryption; tags from the stack", () => {
    assert.deepStrictEqual(rec.inputs(rec.one(LOCK, "registry-storage-backup-object-lock")).rule, {
      defaultRetention: { mode: "COMPLIANCE", days: 35 },
    });
    assert.strictEqual(rec.inputs(rec.one(LOCK, "registry-storage-registry-object-lock")).rule, undefined);
    const sse = rec.inputs(
      rec.one(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "registry-storage-registry-encryption",
      ),
    );
    assert.strictEqual(
      sse.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId,
      "arn:aws:kms:ap-northeast-2:123456789012:alias/registry-platform",
    );
    assert.deepStrictEqual(rec.inputs(rec.one(BUCKET, "registry-storage-backup-bucket")).tags, {
      "cost-center": "platform",
      "registry-platform/env": "prod",
      "registry-platform/region": "ap-northeast-2",
      "registry-platform/stack": "prod-apne2",
      "registry-platform/component": "backup",
    });
    const archive = rec
      .inputs(
        rec.one(
          "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
          "registry-storage-backup-lifecycle",
        ),
      )
      .rules.find((r: { id: string }) => r.id === "archive-long-term-prefix");
    assert.deepStrictEqual(archive.transitions, [{ days: 30, storageClass: "GLACIER_IR" }]);
  });

  it("Velero gets an IRSA role for velero/velero-server from the configured OIDC provider", () => {
    const oidc =
      "arn:aws:iam::123456789012:oidc-provider/oidc.eks.ap-northeast-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
    assert.deepStrictEqual(
      JSON.parse(rec.inputs(rec.one("aws:iam/role:Role", "registry-storage-velero-role")).assumeRolePolicy),
      irsaTrustPolicy({ oidcProviderArn: oidc, namespace: "velero", serviceAccount: "velero-server" }),
    );
    assert.deepStrictEqual(
      rec.byType("aws:iam/user:User").map((u) => u.name),
      ["registry-storage-registry-user"],
    );
  });

  it("exports buckets and region, never credentials, no endpoint, no placeholder", () => {
    const o = rec.outputs;
    assert.strictEqual(o.registryBucket, "registry-platform-prod-apne2-registry");
    assert.strictEqual(o.backupBucket, "registry-platform-prod-apne2-backup");
    assert.strictEqual(o.storageRegion, "ap-northeast-2");
    for (const k of ["storageEndpoint", "providers"]) assert.ok(!(k in o), k);
    assert.ok(!JSON.stringify(o).includes("AKIA"), "no access key id in outputs");
    assert.ok(!Object.keys(o).some((k) => /credential|secret|key/i.test(k)), Object.keys(o).join(","));
  });
});

describe("storage wiring: onprem (S3-compatible)", () => {
  let rec: Recorded;
  before(async () => {
    rec = await stackRun("onprem");
  });

  it("buckets go through the custom-endpoint AWS provider; no IAM, no logging", () => {
    const provider = rec.one("pulumi:providers:aws", "registry-aws");
    const p = rec.inputs(provider);
    assert.strictEqual(p.endpoints, '[{"s3":"https://minio.dc1.corp.internal:9000"}]');
    assert.strictEqual(p.s3UsePathStyle, "true");
    assert.deepStrictEqual(rec.secrets(provider).sort(), ["accessKey", "secretKey"]);
    for (const b of rec.byType(BUCKET)) {
      assert.strictEqual(rec.providerOf(b)?.urn, provider.urn);
      assert.ok(b.protect && b.retainOnDelete);
    }
    assert.deepStrictEqual(
      rec.byType(BUCKET).map((b): unknown => rec.inputs(b).bucket),
      ["registry-platform-onprem-registry", "registry-platform-onprem-backup"],
    );
    assert.ok(!rec.all.some((r) => r.type.startsWith("aws:iam/") || r.type.endsWith(":BucketLogging")));
    assert.deepStrictEqual(rec.inputs(rec.one(LOCK, "registry-storage-backup-object-lock")).rule, {
      defaultRetention: { mode: "COMPLIANCE", days: 30 },
    });
  });

  it("exports the endpoint and signing region with the buckets", () => {
    const o = rec.outputs;
    assert.strictEqual(o.storageEndpoint, "https://minio.dc1.corp.internal:9000");
    assert.strictEqual(o.storageRegion, "us-east-1");
    assert.strictEqual(o.registryBucket, "registry-platform-onprem-registry");
    assert.strictEqual(o.backupBucket, "registry-platform-onprem-backup");
  });
});
