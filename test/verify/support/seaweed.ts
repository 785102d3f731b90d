/** SeaweedFS for the real-server `verify` tests: started through ../shared/tools, buckets set up over S3. */
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { S3Client, signV4, uriEncode, xmlText } from "../../../tools/verify/s3";
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

/** SeaweedFS's S3 endpoint and its keys. */
export type Store = { endpoint: string; accessKeyId: string; secretAccessKey: string };

/** Starts SeaweedFS through the shared start script (idempotent); its endpoint and keys. */
export function seaweed(): Store | string {
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

/**
 * A signed S3 request with any path, query and headers, over http (set-up and clean-up of the tests). The body is
 * sent as it is: no `Content-MD5` or checksum header is added. `payloadHash` defaults to the body's sha256.
 */
export function s3Request(
  sw: Store,
  r: {
    method: string;
    path: string;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    body?: Buffer;
    payloadHash?: string;
  },
): Promise<{ status: number; body: string; headers: Record<string, string> }> {
  const u = new URL(sw.endpoint);
  const query = r.query ?? {};
  const body = r.body ?? Buffer.alloc(0);
  const headers = signV4({
    method: r.method,
    host: u.host,
    path: r.path,
    query,
    region: "us-east-1",
    credentials: { accessKeyId: sw.accessKeyId, secretAccessKey: sw.secretAccessKey },
    now: new Date(),
    payloadHash: r.payloadHash ?? createHash("sha256").update(body).digest("hex"),
    headers: { ...(r.headers ?? {}), ...(body.length ? { "content-length": String(body.length) } : {}) },
  });
  const qs = Object.entries(query)
    .map(([k, v]) => `${uriEncode(k, false)}=${uriEncode(v, false)}`)
    .join("&");
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        method: r.method,
        hostname: u.hostname,
        port: u.port,
        path: `${uriEncode(r.path, true)}${qs ? `?${qs}` : ""}`,
        headers,
      },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString("utf8")));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body: text,
            headers: res.headers as Record<string, string>,
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Deletes every object version and delete marker of a bucket over S3, bypassing GOVERNANCE retention. */
async function emptyBucket(sw: Store, name: string): Promise<void> {
  for (let round = 0; round < 50; round++) {
    const listing = await s3Request(sw, { method: "GET", path: `/${name}`, query: { versions: "" } });
    if (listing.status === 403) return; // a TLS-only bucket over plain http: the tests put no object in one
    if (listing.status !== 200) throw new Error(`list versions of ${name} → ${listing.status}`);
    const versions = Array.from(listing.body.matchAll(/<(Version|DeleteMarker)>([\s\S]*?)<\/\1>/g), (m) => ({
      key: xmlText(m[2], "Key") ?? "",
      versionId: xmlText(m[2], "VersionId") ?? "null",
    }));
    if (!versions.length) return;
    for (const v of versions) {
      const r = await s3Request(sw, {
        method: "DELETE",
        path: `/${name}/${v.key}`,
        query: { versionId: v.versionId },
        headers: { "x-amz-bypass-governance-retention": "true" },
      });
      if (r.status !== 204 && r.status !== 200) throw new Error(`delete ${name}/${v.key} → ${r.status}`);
    }
  }
}

/** The master of `weed mini` (start.sh). */
const MASTER = "127.0.0.1:9333";

/**
 * Deletes the buckets whose name `shouldGo` accepts, with their objects: SeaweedFS gives each bucket that holds
 * objects its own volume and frees it only when the bucket goes. Left behind, a few dozen test runs took every
 * volume `weed mini` had, and every later upload failed with a 500 ("No writable volumes and no free volumes
 * left"). Versions go over S3 (bypassing GOVERNANCE retention, all these tests set), the buckets through
 * `weed shell` (`s3.bucket.delete`): a bucket with the TLS-only policy refuses every plain-http call, its own
 * deletion included. A clean-up must not fail the tests: a problem is printed, not thrown (the upload test checks
 * for a free volume before it needs one). Returns the names removed.
 */
export async function removeBuckets(sw: Store, shouldGo: (name: string) => boolean): Promise<string[]> {
  const buckets = async () => {
    const list = await s3Request(sw, { method: "GET", path: "/" });
    if (list.status !== 200) throw new Error(`list buckets → ${list.status} ${list.body.slice(0, 300)}`);
    return Array.from(list.body.matchAll(/<Name>([^<]+)<\/Name>/g), (m) => m[1]).filter(shouldGo);
  };
  try {
    const names = await buckets();
    for (const name of names) await emptyBucket(sw, name);
    if (names.length)
      execFileSync(WEED, ["shell", "-master", MASTER], {
        input: names.map((n) => `s3.bucket.delete -name ${n}\n`).join(""),
        stdio: ["pipe", "pipe", "pipe"],
        timeout: 120_000,
      });
    const left = await buckets();
    if (left.length) throw new Error(`weed shell s3.bucket.delete left ${left.join(", ")}`);
    return names;
  } catch (e) {
    console.warn(
      `      (SeaweedFS clean-up failed, buckets may be left: ${(e as Error).message.split("\n")[0]})`,
    );
    return [];
  }
}

/** How many more volumes `weed mini` can make (`Topology.Free` of the master's /dir/status): one per new bucket. */
export async function freeVolumes(): Promise<number> {
  const r = await fetch(`http://${MASTER}/dir/status`);
  return ((await r.json()) as { Topology: { Free: number } }).Topology.Free;
}

/**
 * For a test's clean-up of earlier runs: accepts the names `pattern` matches whose first group, a `Date.now()` in
 * base 36, is more than an hour old (runs interrupted before their own clean-up), never a run going on beside this
 * one.
 */
export function staleRun(pattern: RegExp): (name: string) => boolean {
  return (name) => {
    const made = parseInt(pattern.exec(name)?.[1] ?? "", 36);
    return made > Date.parse("2026-01-01") && made < Date.now() - 3_600_000;
  };
}
