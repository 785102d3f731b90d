/**
 * The program's Velero wiring per stack: the backup bucket, IRSA or static credentials, the endpoint and CA.
 */
import * as assert from "assert";
import { Recorded, stackRun } from "../harness";

function values(rec: Recorded): Record<string, any> {
  return rec.inputs(rec.one("kubernetes:helm.sh/v3:Release", "registry-velero-release")).values as Record<
    string,
    any
  >;
}

describe("velero wiring", function () {
  this.timeout(60000);

  it("prod-apne2: backups in the WORM backup bucket through the IRSA role the storage component made", async () => {
    const rec = await stackRun("prod-apne2");
    const v = values(rec);
    const bsl = v.configuration.backupStorageLocation as Record<string, any>[];
    assert.deepStrictEqual(
      bsl.map((l) => [l.name, l.bucket, l.prefix, l.default, l.config.region]),
      [
        ["default", "registry-platform-prod-apne2-backup", "velero", true, "ap-northeast-2"],
        ["archive", "registry-platform-prod-apne2-backup", "archive", false, "ap-northeast-2"],
      ],
    );
    assert.match(
      v.serviceAccount.server.annotations["eks.amazonaws.com/role-arn"],
      /^arn:aws:iam::123456789012:role\/registry-storage-velero-role/,
    );
    assert.deepStrictEqual(v.credentials, { useSecret: false });
    assert.deepStrictEqual(
      rec.byType("kubernetes:core/v1:Secret").filter((s) => s.name.startsWith("registry-velero")),
      [],
    );
    // The archive lifecycle rule of the backup bucket covers the archive location's prefix.
    const lifecycle = rec.inputs(
      rec.one(
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "registry-storage-backup-lifecycle",
      ),
    );
    assert.match(JSON.stringify(lifecycle.rules), /"prefix":"archive\/"/);
  });

  it("prod-apne2: the release never waits on Harbor", async () => {
    const rec = await stackRun("prod-apne2");
    const release = rec.one("kubernetes:helm.sh/v3:Release", "registry-velero-release");
    const harborUrns = new Set(rec.all.filter((r) => r.name.startsWith("registry-harbor")).map((r) => r.urn));
    assert.deepStrictEqual(
      release.dependencies.filter((d) => harborUrns.has(d)),
      [],
    );
  });

  it("onprem: static S3-compatible credentials (secret), path-style endpoint and the platform CA", async () => {
    const rec = await stackRun("onprem");
    const v = values(rec);
    const def = (v.configuration.backupStorageLocation as Record<string, any>[])[0];
    assert.strictEqual(def.bucket, "registry-platform-onprem-backup");
    assert.strictEqual(def.config.s3Url, "https://minio.dc1.corp.internal:9000");
    assert.strictEqual(def.config.s3ForcePathStyle, "true");
    assert.strictEqual(def.config.checksumAlgorithm, "");
    assert.match(
      Buffer.from(def.caCert as string, "base64").toString("utf8"),
      /^-----BEGIN CERTIFICATE-----/,
    );
    const creds = rec.one("kubernetes:core/v1:Secret", "registry-velero-credentials");
    assert.ok(rec.secrets(creds).length > 0, "credentials are secret");
    assert.match(
      JSON.stringify(rec.inputs(creds)),
      /aws_access_key_id=offline-synth-stand-in-for-registry-platform:s3AccessKey\\n/,
    );
  });
});
