/**
 * `verify` against real servers (part of `npm run test:real`):
 * - the pull-robot check against the distribution registry with token auth (test/access/support/registry-lab);
 * - the bucket checks against SeaweedFS: buckets.real.ts (SeaweedFS here serves the CLI test);
 * - the whole CLI: TLS + Harbor health (fake Harbor) + registry behind one HTTPS front, S3 on SeaweedFS.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import type { AddressInfo } from "net";
import * as path from "path";
import { dockerConfigJson } from "../../components/harbor-config/payloads";
import { KubeApi, KubeResponse } from "../../tools/drill/kube";
import { checkPullRobot } from "../../tools/verify/checks";
import { main } from "../../tools/verify/cli";
import { S3Client } from "../../tools/verify/s3";
import { labMissing, Registry, ROBOTS, TokenServer } from "../access/support/registry-lab";
import { FakeHarbor } from "../harbor-config/support/fake-harbor";
import { verifyPki, VerifyPki } from "./support/pki";
import { BucketSetup, removeBuckets, seaweed, staleRun, Store } from "./support/seaweed";
import { scratchDir } from "../harness/scratch";

const [PULL, PUSH] = ROBOTS;

describe("verify against real servers", function () {
  this.timeout(300000);
  let pki: VerifyPki;

  before(() => {
    pki = verifyPki();
  });

  describe("pull robot scope (distribution registry + token service)", () => {
    let tokens: TokenServer;
    let registry: Registry;
    before(async function () {
      const missing = labMissing();
      if (missing) {
        console.log(`      (skipped: ${missing})`);
        this.skip();
      }
      tokens = await new TokenServer(pki).start();
      registry = await new Registry(pki, tokens.url).start();
    });
    after(async () => {
      await registry?.stop();
      await tokens?.stop();
    });
    const robot = (r: { username: string; password: string }, project = "apps") =>
      checkPullRobot({
        registryUrl: `https://${registry.host}`,
        caPem: pki.bundlePem,
        project,
        username: r.username,
        password: r.password,
        timeoutMs: 10000,
      });

    it("pass: the pull robot's token grants pull, withholds push; a blob upload with it is refused", async () => {
      const r = await robot(PULL);
      assert.deepStrictEqual(r, {
        status: "pass",
        details: [
          "✔ token scope grants pull on apps/verify-probe",
          "✔ token scope withholds push on apps/verify-probe",
          "✔ pull-side request (GET /v2/apps/verify-probe/tags/list) → HTTP 404 (no such repository: authenticated)",
          "✔ blob upload refused (HTTP 401)",
        ],
      });
    });

    it("fail: a robot that can push (the push robot used as pull robot)", async () => {
      const r = await robot(PUSH);
      assert.strictEqual(r.status, "fail");
      assert.deepStrictEqual(r.details.slice(1), [
        "✘ token scope grants PUSH on apps/verify-probe",
        "✔ pull-side request (GET /v2/apps/verify-probe/tags/list) → HTTP 404 (no such repository: authenticated)",
        "✘ blob upload NOT refused (HTTP 202)",
      ]);
    });

    it("fail: rejected credentials; a robot without pull on the project", async () => {
      assert.deepStrictEqual(await robot({ username: PULL.username, password: "nope" }), {
        status: "fail",
        details: [
          "token service → HTTP 401 for robot$apps+cluster-pull: the pull robot's credentials are rejected",
        ],
      });
      const other = await robot(ROBOTS[2]);
      assert.strictEqual(other.status, "fail");
      assert.strictEqual(other.details[0], "✘ token scope grants pull on apps/verify-probe — it does not");
      assert.match(other.details[2], /^✘ pull-side request .* → HTTP 401$/);
    });
  });

  describe("the whole CLI against one HTTPS front (fake Harbor + registry) and SeaweedFS", () => {
    let harbor: FakeHarbor;
    let tokens: TokenServer;
    let registry: Registry;
    let front: https.Server;
    let frontHost: string;
    let dir: string;
    let sw: Store;
    const run = `c${Date.now().toString(36)}`;

    before(async function () {
      const missing = labMissing();
      const s = missing ?? seaweed();
      if (typeof s === "string") {
        console.log(`      (skipped: ${s})`);
        this.skip();
      }
      sw = s;
      await removeBuckets(sw, staleRun(/^c([0-9a-z]+)-(?:registry|backup|badbackup)$/));
      harbor = await new FakeHarbor({ key: pki.good.keyPem, cert: pki.good.chainPem }).start();
      tokens = await new TokenServer(pki).start();
      registry = await new Registry(pki, tokens.url).start();
      const upstream = (p: string) => (p.startsWith("/api/") ? new URL(harbor.url).host : registry.host);
      front = https.createServer({ key: pki.good.keyPem, cert: pki.good.chainPem }, (inbound, outbound) => {
        const host = upstream(inbound.url ?? "/");
        const up = https.request(
          `https://${host}${inbound.url}`,
          { method: inbound.method, headers: { ...inbound.headers, host }, ca: pki.bundlePem },
          (res) => {
            outbound.writeHead(res.statusCode ?? 502, res.headers as http.OutgoingHttpHeaders);
            res.pipe(outbound);
          },
        );
        up.on("error", () => outbound.destroy());
        inbound.pipe(up);
      });
      await new Promise<void>((r) => front.listen(0, "127.0.0.1", r));
      frontHost = `127.0.0.1:${(front.address() as AddressInfo).port}`;
      dir = scratchDir("verify-real");
      const setup = new BucketSetup(
        new S3Client({
          region: "us-east-1",
          endpoint: sw.endpoint,
          credentials: { accessKeyId: sw.accessKeyId, secretAccessKey: sw.secretAccessKey },
        }),
      );
      for (const [kind, retention] of [
        ["registry", undefined],
        ["backup", 7],
      ] as const) {
        await setup.create(`${run}-${kind}`, true);
        await setup.versioning(`${run}-${kind}`);
        if (retention) await setup.retention(`${run}-${kind}`, "GOVERNANCE", retention);
        await setup.encryption(`${run}-${kind}`);
      }
      // A wrongly configured backup bucket: what a failed run shows.
      await setup.create(`${run}-badbackup`, true);
      await setup.encryption(`${run}-badbackup`);
      fs.writeFileSync(
        path.join(dir, "Pulumi.lab.yaml"),
        [
          "config:",
          "  registry-platform:environment: dev",
          "  registry-platform:region: lab",
          "  registry-platform:host: registry.lab.internal",
          "  registry-platform:storage:",
          "    provider: s3-compatible",
          `    endpoint: ${sw.endpoint}`,
          "    backupRetention:",
          "      mode: GOVERNANCE",
          "      days: 7",
          "  registry-platform:s3AccessKey:",
          "    secure: v1:labPlaceholder01",
          "  registry-platform:s3SecretKey:",
          "    secure: v1:labPlaceholder02",
          "",
        ].join("\n"),
      );
    });
    after(async () => {
      await new Promise<void>((r) => (front ? front.close(() => r()) : r()));
      await registry?.stop();
      await tokens?.stop();
      await harbor?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
      if (sw) await removeBuckets(sw, (name) => name.startsWith(`${run}-`));
    });

    const outputs = (backupBucket: string) => ({
      contractVersion: 1,
      environment: "dev",
      region: "lab",
      role: "primary",
      registryHost: frontHost,
      registryUrl: `https://${frontHost}`,
      registryBucket: `${run}-registry`,
      registryBucketArn: `arn:aws:s3:::${run}-registry`,
      backupBucket,
      backupBucketArn: `arn:aws:s3:::${backupBucket}`,
      storageRegion: "us-east-1",
      storageEndpoint: sw.endpoint,
      caBundlePem: pki.bundlePem,
      harborNamespace: "harbor",
      harborAdminPassword: "Adm1n-Not-Printed",
      harborProjects: { apps: { pullRobot: PULL.username, pushRobot: PUSH.username } },
      pullDockerConfigJson: { apps: dockerConfigJson(frontHost, PULL.username, PULL.password) },
      veleroNamespace: "velero",
      veleroSchedules: { daily: "velero-daily" },
    });

    /** Velero's API as recorded: one daily schedule with a backup 3 hours old. */
    const kube: KubeApi = {
      request(_m: string, p: string): Promise<KubeResponse> {
        const body = p.includes("/schedules/")
          ? { metadata: { name: "velero-daily" }, spec: { schedule: "CRON_TZ=Asia/Seoul 0 7 * * *" } }
          : {
              items: [
                {
                  metadata: { name: "velero-daily-1" },
                  status: {
                    phase: "Completed",
                    completionTimestamp: new Date(Date.now() - 3 * 3_600_000).toISOString(),
                  },
                },
              ],
            };
        return Promise.resolve({ status: 200, headers: {}, body: JSON.stringify(body) });
      },
    };

    const verify = async (backupBucket: string, extra: string[] = []) => {
      const f = path.join(dir, `outputs-${backupBucket}.json`);
      fs.writeFileSync(f, JSON.stringify(outputs(backupBucket)));
      let out = "";
      let err = "";
      const code = await main(
        ["--outputs", f, "--stack-file", path.join(dir, "Pulumi.lab.yaml"), "--min-days", "3", ...extra],
        {
          stdout: (s) => (out += s),
          stderr: (s) => (err += s),
          env: { AWS_ACCESS_KEY_ID: sw.accessKeyId, AWS_SECRET_ACCESS_KEY: sw.secretAccessKey },
          kube: () => Promise.resolve(kube),
        },
      );
      return { code, out, err };
    };

    it("a healthy region: every check passes, exit 0, checklist shows each one", async () => {
      const r = await verify(`${run}-backup`);
      assert.strictEqual(r.err, "");
      assert.strictEqual(r.code, 0, r.out);
      const heads = r.out.split("\n").filter((l) => l.startsWith("["));
      assert.deepStrictEqual(
        heads.map((l) => l.replace(/ \(\d+\.\d s\)$/, "")),
        [
          `[PASS] tls — TLS chain served by ${frontHost}`,
          "[PASS] harbor-health — Harbor health",
          "[PASS] robot:apps — pull robot of apps can pull, cannot push",
          `[PASS] bucket:registry — registry bucket ${run}-registry`,
          `[PASS] bucket:backup — backup bucket ${run}-backup`,
          "[PASS] velero:velero-daily — last backup of velero-daily",
        ],
      );
      assert.ok(r.out.endsWith("\n6 passed, 0 failed\n"));
      assert.ok(!r.out.includes("Adm1n-Not-Printed") && !r.out.includes(PULL.password));
    });

    it("a broken region: an unhealthy Harbor component and a backup bucket without retention fail, exit 1, JSON", async () => {
      harbor.health = {
        status: "unhealthy",
        components: [{ name: "jobservice", status: "unhealthy", error: "redis timeout" }],
      };
      try {
        const r = await verify(`${run}-badbackup`, ["--json"]);
        assert.strictEqual(r.code, 1, r.out);
        const report = JSON.parse(r.out);
        const byId = Object.fromEntries(report.checks.map((c: { id: string }) => [c.id, c]));
        assert.strictEqual(byId["harbor-health"].status, "fail");
        assert.deepStrictEqual(byId["harbor-health"].details, [
          "✘ overall: unhealthy",
          "✘ jobservice: unhealthy (redis timeout)",
        ]);
        assert.strictEqual(byId["bucket:backup"].status, "fail");
        assert.ok(
          byId["bucket:backup"].details.includes("✘ default retention: none (expected GOVERNANCE 7 days)"),
        );
        assert.deepStrictEqual([report.passed, report.failed], [4, 2]);
      } finally {
        harbor.health = { status: "healthy", components: [{ name: "core", status: "healthy" }] };
      }
    });
  });
});
