/** SeaweedFS for the real-server `verify` tests: started through ../shared/tools, buckets set up over S3. */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { S3Client } from "../../../tools/verify/s3";
import { ROOT } from "../../harness";

/** ../shared/tools next to the repository (or next to the worktrees' folder); SHARED_TOOLS overrides. */
const SHARED_TOOLS =
  process.env.SHARED_TOOLS ??
  [path.resolve(ROOT, "..", "shared", "tools"), path.resolve(ROOT, "..", "..", "shared", "tools")].find((d) =>
    fs.existsSync(path.join(d, "real-k8s", "start.sh")),
  ) ??
  path.resolve(ROOT, "..", "shared", "tools");
const RUN = `${process.env.TMPDIR ?? "/tmp"}/real-k8s/run`;
const WEED = `${process.env.TMPDIR ?? "/tmp"}/real-k8s/bin/weed`;
const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

/** Starts SeaweedFS through the shared start script (idempotent); its endpoint and keys. */
export function seaweed(): { endpoint: string; accessKeyId: string; secretAccessKey: string } | string {
  if (!fs.existsSync(WEED))
    return `SeaweedFS not built (${WEED}; ../shared/tools/real-k8s/build.sh seaweedfs)`;
  try {
    execFileSync(path.join(SHARED_TOOLS, "real-k8s", "start.sh"), ["seaweedfs"], {
      stdio: "pipe",
      timeout: 150_000,
    });
  } catch (e) {
    return `start.sh seaweedfs failed: ${(e as { stderr?: Buffer }).stderr?.toString() ?? (e as Error).message}`;
  }
  const env = fs.readFileSync(path.join(RUN, "s3-seaweedfs.env"), "utf8");
  const v = (k: string) => new RegExp(`export ${k}=(\\S+)`).exec(env)?.[1] ?? "";
  return {
    endpoint: v("S3_ENDPOINT"),
    accessKeyId: v("AWS_ACCESS_KEY_ID"),
    secretAccessKey: v("AWS_SECRET_ACCESS_KEY"),
  };
}

/** Sets buckets up through the S3 API, failing loudly on any refused call. */
export class BucketSetup {
  constructor(private readonly s3: S3Client) {}
  private async ok(
    method: string,
    bucket: string,
    sub?: string,
    body?: string,
    headers?: Record<string, string>,
  ) {
    const r = await this.s3.send(method, bucket, sub, body, headers);
    if (r.status < 200 || r.status > 299)
      throw new Error(`${method} ${bucket}?${sub ?? ""} → ${r.status} ${r.body.slice(0, 300)}`);
  }
  create(bucket: string, lock: boolean) {
    return this.ok(
      "PUT",
      bucket,
      undefined,
      undefined,
      lock ? { "x-amz-bucket-object-lock-enabled": "true" } : {},
    );
  }
  versioning(bucket: string) {
    return this.ok(
      "PUT",
      bucket,
      "versioning",
      `<VersioningConfiguration ${NS}><Status>Enabled</Status></VersioningConfiguration>`,
    );
  }
  retention(bucket: string, mode: string, days: number) {
    return this.ok(
      "PUT",
      bucket,
      "object-lock",
      `<ObjectLockConfiguration ${NS}><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention>` +
        `<Mode>${mode}</Mode><Days>${days}</Days></DefaultRetention></Rule></ObjectLockConfiguration>`,
    );
  }
  encryption(bucket: string) {
    return this.ok(
      "PUT",
      bucket,
      "encryption",
      `<ServerSideEncryptionConfiguration ${NS}><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256` +
        `</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`,
    );
  }
  publicAccessBlock(bucket: string, flags: Record<string, boolean>) {
    return this.ok(
      "PUT",
      bucket,
      "publicAccessBlock",
      `<PublicAccessBlockConfiguration ${NS}>${Object.entries(flags)
        .map(([k, v]) => `<${k}>${v}</${k}>`)
        .join("")}</PublicAccessBlockConfiguration>`,
    );
  }
  policy(bucket: string, doc: unknown) {
    return this.ok("PUT", bucket, "policy", JSON.stringify(doc));
  }
}
