/**
 * What Velero's uploads look like to an S3-compatible store with Object Lock, on real SeaweedFS (part of
 * `npm run test:real`): the platform sets `checksumAlgorithm: ""` on S3-compatible BackupStorageLocations
 * (components/velero/values.ts), so the AWS plugin sends neither `Content-MD5` nor an `x-amz-checksum-*` header.
 * AWS S3 refuses such a PUT into a locked bucket; some S3-compatible stores do too (kopia/kopia#711). SeaweedFS
 * 4.53 accepts it and gives the version the bucket's default retention: the behaviour this test pins, so that a
 * SeaweedFS upgrade that starts refusing it shows here, not in a failed backup.
 */
import * as assert from "assert";
import { createHash } from "crypto";
import { S3Client, xmlText } from "../../tools/verify/s3";
import {
  BucketSetup,
  freeVolumes,
  removeBuckets,
  s3Request,
  seaweed,
  staleRun,
  Store,
} from "../verify/support/seaweed";

/** A signed PUT of an object with no integrity header (`payloadHash` as the SDK sends it over http or https). */
function putWithoutChecksum(
  sw: Store,
  bucket: string,
  key: string,
  body: string,
  payloadHash: "signed" | "UNSIGNED-PAYLOAD",
) {
  const payload = Buffer.from(body, "utf8");
  return s3Request(sw, {
    method: "PUT",
    path: `/${bucket}/${key}`,
    body: payload,
    payloadHash:
      payloadHash === "signed" ? createHash("sha256").update(payload).digest("hex") : "UNSIGNED-PAYLOAD",
  });
}

describe("velero: uploads without a checksum header into a locked bucket (real SeaweedFS)", function () {
  this.timeout(300000);
  let sw: Store;
  let s3: S3Client;
  const bucket = `vel-${Date.now().toString(36)}-locked`;

  before(async function () {
    const found = seaweed();
    if (typeof found === "string") {
      console.log(`      (skipped: ${found})`);
      this.skip();
    }
    sw = found;
    // Buckets of earlier runs that stopped before their clean-up (each holds a SeaweedFS volume).
    await removeBuckets(sw, staleRun(/^vel-([0-9a-z]+)-locked$/));
    // The bucket's first object needs a volume of its own: without one, the PUT fails with a bare 500.
    const free = await freeVolumes();
    if (free < 1)
      throw new Error(
        `SeaweedFS has no free volume for a new bucket (http://127.0.0.1:9333/dir/status: Free ${free}); each ` +
          "bucket holding objects keeps one: delete old buckets (weed shell: s3.bucket.delete -name <bucket>)",
      );
    s3 = new S3Client({
      region: "us-east-1",
      endpoint: sw.endpoint,
      credentials: { accessKeyId: sw.accessKeyId, secretAccessKey: sw.secretAccessKey },
    });
    // As the platform makes a backup bucket: Object Lock, versioning, default retention.
    const setup = new BucketSetup(s3);
    await setup.create(bucket, true);
    await setup.versioning(bucket);
    await setup.retention(bucket, "GOVERNANCE", 1);
  });

  after(async () => {
    if (sw) await removeBuckets(sw, (name) => name === bucket);
  });

  for (const payloadHash of ["signed", "UNSIGNED-PAYLOAD"] as const) {
    it(`accepts the PUT (payload ${payloadHash}) and the version gets the bucket's default retention`, async () => {
      const key = `backups/b1/${payloadHash.toLowerCase()}.tar.gz`;
      const put = await putWithoutChecksum(sw, bucket, key, "velero backup bytes", payloadHash);
      assert.strictEqual(put.status, 200, put.body);
      const retention = await s3.send("GET", `${bucket}/${key}`, "retention");
      assert.strictEqual(retention.status, 200, retention.body);
      assert.strictEqual(xmlText(retention.body, "Mode"), "GOVERNANCE");
      const until = Date.parse(xmlText(retention.body, "RetainUntilDate") ?? "");
      const inADay = Date.now() + 86_400_000;
      assert.ok(
        Math.abs(until - inADay) < 3_600_000,
        `RetainUntilDate ${xmlText(retention.body, "RetainUntilDate")}`,
      );
    });
  }
});
