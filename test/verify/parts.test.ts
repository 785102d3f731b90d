/**
 * verify's pure parts: SigV4 signing (AWS's documented example), the TLS-only policy test, cron periods,
 * bucket expectations from each stack's config, and the Velero backup-age check over a recorded API.
 */
import * as assert from "assert";
import { KubeApi, KubeResponse } from "../../tools/drill/kube";
import { checkVeleroSchedule, deniesInsecureTransport, tokenAccess } from "../../tools/verify/checks";
import { bucketExpectations } from "../../tools/verify/cli";
import { configFromStackFile } from "../../tools/ci/stacks";
import { cronPeriodMs } from "../../tools/verify/cron";
import { signV4, xmlText } from "../../tools/verify/s3";
import { tlsOnlyBucketPolicy } from "../../components/storage/policies";
import * as path from "path";
import { ROOT } from "../harness";

const H = 3_600_000;

describe("verify: S3 request signing and parsing", () => {
  it("SigV4 matches AWS's documented example (GET Bucket lifecycle)", () => {
    const h = signV4({
      method: "GET",
      host: "examplebucket.s3.amazonaws.com",
      path: "/",
      query: { lifecycle: "" },
      region: "us-east-1",
      credentials: {
        accessKeyId: "AKIAIOSFODNN7EXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      },
      now: new Date("2013-05-24T00:00:00Z"),
    });
    assert.strictEqual(
      h.authorization,
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, " +
        "SignedHeaders=host;x-amz-content-sha256;x-amz-date, " +
        "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543",
    );
  });

  it("reads XML elements", () => {
    const xml = '<VersioningConfiguration xmlns="x"><Status>Enabled</Status></VersioningConfiguration>';
    assert.strictEqual(xmlText(xml, "Status"), "Enabled");
    assert.strictEqual(xmlText(xml, "MfaDelete"), undefined);
  });

  it("recognises the TLS-only Deny the storage component writes, and nothing weaker", () => {
    assert.ok(deniesInsecureTransport(JSON.stringify(tlsOnlyBucketPolicy("arn:aws:s3:::b"))));
    const weaker = tlsOnlyBucketPolicy("arn:aws:s3:::b");
    (weaker.Statement[0] as { Effect: string }).Effect = "Allow";
    assert.ok(!deniesInsecureTransport(JSON.stringify(weaker)));
    const scoped = tlsOnlyBucketPolicy("arn:aws:s3:::b");
    (scoped.Statement[0] as { Principal: unknown }).Principal = { AWS: "arn:aws:iam::1:root" };
    assert.ok(!deniesInsecureTransport(JSON.stringify(scoped)));
    assert.ok(!deniesInsecureTransport("not json"));
    // A Deny of some actions, or of the objects only, leaves the rest allowed over plain http.
    const variants: [string, unknown, boolean][] = [
      ["Action", "s3:GetObject", false],
      ["Action", ["s3:GetObject", "s3:PutObject"], false],
      ["Action", "*", true],
      ["Resource", "arn:aws:s3:::b/*", false],
      ["Resource", "arn:aws:s3:::b", false],
      ["Resource", ["arn:aws:s3:::b", "arn:aws:s3:::other/*"], false],
      ["Resource", "*", true],
      ["Resource", "arn:aws:s3:::*", true],
    ];
    for (const [key, value, ok] of variants) {
      const p = tlsOnlyBucketPolicy("arn:aws:s3:::b");
      (p.Statement[0] as unknown as Record<string, unknown>)[key] = value;
      assert.strictEqual(deniesInsecureTransport(JSON.stringify(p)), ok, `${key}: ${JSON.stringify(value)}`);
    }
    const notAction = tlsOnlyBucketPolicy("arn:aws:s3:::b");
    (notAction.Statement[0] as unknown as Record<string, unknown>).NotAction = "s3:GetObject";
    assert.ok(!deniesInsecureTransport(JSON.stringify(notAction)));
  });

  it("reads a registry token's access claim", () => {
    const claims = { access: [{ type: "repository", name: "apps/x", actions: ["pull"] }] };
    const jwt = ["e30", Buffer.from(JSON.stringify(claims)).toString("base64url"), "sig"].join(".");
    assert.deepStrictEqual(tokenAccess(jwt), claims.access);
    assert.strictEqual(tokenAccess("opaque-token"), undefined);
  });
});

describe("verify: bucket expectations from each stack's config", () => {
  const cfg = (s: string) => configFromStackFile(path.join(ROOT, "stacks", `Pulumi.${s}.yaml`), s);

  it("dev: GOVERNANCE 7 days on backup only, aws:kms, public access block, TLS-only", () => {
    assert.deepStrictEqual(bucketExpectations(cfg("dev")), {
      registry: {
        defaultRetention: null,
        encryption: { algorithm: "aws:kms" },
        publicAccessBlock: true,
        tlsOnlyPolicy: true,
      },
      backup: {
        defaultRetention: { mode: "GOVERNANCE", days: 7 },
        encryption: { algorithm: "aws:kms" },
        publicAccessBlock: true,
        tlsOnlyPolicy: true,
      },
    });
  });

  it("prod-apne2: COMPLIANCE with the stack's retention and its KMS key", () => {
    const c = cfg("prod-apne2");
    const e = bucketExpectations(c);
    assert.strictEqual(e.backup.defaultRetention?.mode, "COMPLIANCE");
    assert.strictEqual(e.backup.defaultRetention?.days, c.storage.backupRetention.days);
    assert.deepStrictEqual(
      e.registry.encryption,
      c.storage.kmsKeyArn
        ? { algorithm: "aws:kms", kmsKeyId: c.storage.kmsKeyArn }
        : { algorithm: "aws:kms" },
    );
  });

  it("onprem (S3-compatible): no public access block, AES256 or none as configured", () => {
    const c = cfg("onprem");
    const e = bucketExpectations(c);
    assert.strictEqual(e.registry.publicAccessBlock, false);
    assert.deepStrictEqual(e.registry.encryption, c.storage.encryption ? { algorithm: "AES256" } : null);
    assert.strictEqual(e.registry.tlsOnlyPolicy, /^https:/.test(c.storage.endpoint!));
  });
});

describe("verify: cron periods", () => {
  it("daily, weekly, monthly (the longest month), with a CRON_TZ prefix", () => {
    assert.strictEqual(cronPeriodMs("CRON_TZ=Asia/Seoul 0 7 * * *"), 24 * H);
    assert.strictEqual(cronPeriodMs("0 3 * * 0"), 7 * 24 * H);
    assert.strictEqual(cronPeriodMs("0 4 1 * *"), 31 * 24 * H);
    assert.strictEqual(cronPeriodMs("*/15 * * * *"), 0.25 * H);
    assert.strictEqual(cronPeriodMs("0 9 * * 1-5"), 3 * 24 * H);
    assert.strictEqual(cronPeriodMs("@daily"), 24 * H);
    assert.strictEqual(cronPeriodMs("@every 12h"), 12 * H);
  });

  it("refuses what it does not understand", () => {
    assert.throws(() => cronPeriodMs("0 7 * *"), /expected 5 fields/);
    assert.throws(() => cronPeriodMs("0 25 * * *"), /hour field "25" is out of range 0-23/);
    assert.throws(() => cronPeriodMs("0 7 * * MON"), /day-of-week field "MON" is not understood/);
  });
});

/** A Kubernetes API answering from fixed objects (the drill's HTTP client is tested with the drill). */
function kubeWith(schedule: unknown, backups: unknown[]): KubeApi & { paths: string[] } {
  const paths: string[] = [];
  return {
    paths,
    request(_m: string, p: string): Promise<KubeResponse> {
      paths.push(p);
      const body = p.includes("/schedules/")
        ? schedule
        : p.includes("/backups")
          ? { items: backups }
          : undefined;
      return Promise.resolve(
        body === undefined || body === null
          ? { status: 404, headers: {}, body: JSON.stringify({ message: "not found" }) }
          : { status: 200, headers: {}, body: JSON.stringify(body) },
      );
    },
  };
}

describe("verify: Velero last backup age", () => {
  const now = new Date("2026-06-10T12:00:00Z");
  const schedule = {
    metadata: { name: "velero-daily", creationTimestamp: "2026-01-01T00:00:00Z" },
    spec: { schedule: "CRON_TZ=Asia/Seoul 0 7 * * *" },
  };
  const backup = (name: string, phase: string, at: string) => ({
    metadata: { name },
    status: { phase, completionTimestamp: at },
  });

  it("pass: the newest Completed backup is younger than the period + grace", async () => {
    const kube = kubeWith(schedule, [
      backup("velero-daily-1", "Completed", "2026-06-09T22:10:00Z"),
      backup("velero-daily-0", "Completed", "2026-06-08T22:10:00Z"),
    ]);
    const r = await checkVeleroSchedule({
      kube,
      namespace: "velero",
      schedule: "velero-daily",
      graceMs: 6 * H,
      now,
    });
    assert.deepStrictEqual(r, {
      status: "pass",
      details: [
        "✔ last completed backup velero-daily-1 is 13.8 h old; period 24.0 h (CRON_TZ=Asia/Seoul 0 7 * * *) + grace 6.0 h",
      ],
    });
    assert.deepStrictEqual(kube.paths, [
      "/apis/velero.io/v1/namespaces/velero/schedules/velero-daily",
      "/apis/velero.io/v1/namespaces/velero/backups?labelSelector=velero.io%2Fschedule-name%3Dvelero-daily",
    ]);
  });

  it("fail: only failed backups recently; the last Completed one is too old", async () => {
    const kube = kubeWith(schedule, [
      backup("velero-daily-3", "Failed", "2026-06-10T07:10:00Z"),
      backup("velero-daily-2", "PartiallyFailed", "2026-06-09T07:10:00Z"),
      backup("velero-daily-1", "Completed", "2026-06-07T07:10:00Z"),
    ]);
    const r = await checkVeleroSchedule({
      kube,
      namespace: "velero",
      schedule: "velero-daily",
      graceMs: 6 * H,
      now,
    });
    assert.strictEqual(r.status, "fail");
    assert.match(r.details[0], /^✘ last completed backup velero-daily-1 is 76\.8 h old; period 24\.0 h/);
  });

  it("no backup: fail, unless the schedule is younger than its first period", async () => {
    const old = await checkVeleroSchedule({
      kube: kubeWith(schedule, []),
      namespace: "velero",
      schedule: "velero-daily",
      graceMs: H,
      now,
    });
    assert.deepStrictEqual(old.status, "fail");
    assert.match(old.details[0], /^no completed backup of velero-daily/);
    const young = {
      ...schedule,
      metadata: { ...schedule.metadata, creationTimestamp: "2026-06-10T02:00:00Z" },
    };
    const r = await checkVeleroSchedule({
      kube: kubeWith(young, []),
      namespace: "velero",
      schedule: "velero-daily",
      graceMs: H,
      now,
    });
    assert.strictEqual(r.status, "pass");
    assert.match(r.details[0], /^no completed backup yet; the schedule is 10\.0 h old, first one not due/);
  });

  it("a missing schedule: the API's answer", async () => {
    await assert.rejects(
      checkVeleroSchedule({
        kube: kubeWith(null, []),
        namespace: "velero",
        schedule: "velero-daily",
        graceMs: H,
        now,
      }),
      /GET \/apis\/velero\.io\/v1\/namespaces\/velero\/schedules\/velero-daily → HTTP 404: not found/,
    );
  });
});
