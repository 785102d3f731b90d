/**
 * The digest resolver against a REAL OCI registry (`distribution` v3.1, TLS from the test CA, token auth
 * through our token service), images pushed with `crane`: OCI and Docker manifests, a multi-arch index, a
 * missing tag, no/wrong/insufficient credentials, an untrusted CA, and a proxy that reports a wrong
 * Docker-Content-Digest. Part of `npm run test:real`.
 */
import * as assert from "assert";
import * as http from "http";
import * as https from "https";
import type { AddressInfo } from "net";
import { DigestError, resolveDigest, ResolveRequest } from "../../components/access/digest";
import { verifyPki, VerifyPki } from "../verify/support/pki";
import { Crane, labMissing, Registry, ROBOTS, TokenServer } from "./support/registry-lab";

const PULL = ROBOTS[0];
const OTHER = ROBOTS[2];

describe("digest resolver against the distribution registry (real)", function () {
  this.timeout(300000);
  let pki: VerifyPki;
  let tokens: TokenServer;
  let registry: Registry;
  let crane: Crane;
  const digests: Record<string, string> = {};

  before(async function () {
    const missing = labMissing();
    if (missing) {
      console.log(`      (skipped: ${missing})`);
      this.skip();
    }
    pki = verifyPki();
    tokens = await new TokenServer(pki).start();
    registry = await new Registry(pki, tokens.url).start();
    crane = new Crane(pki, registry.host);
    digests.oci = await crane.pushImage("apps/web", "v1.0.0", "oci image");
    digests.docker = await crane.pushImage("apps/web", "docker", "docker image", false);
    await crane.pushImage("apps/web", "tmp-amd64", "amd64");
    await crane.pushImage("apps/web", "tmp-arm64", "arm64");
    const r = registry.host;
    await crane.run(
      "mutate",
      `${r}/apps/web:tmp-amd64`,
      "--set-platform",
      "linux/amd64",
      "-t",
      `${r}/apps/web:amd64`,
    );
    await crane.run(
      "mutate",
      `${r}/apps/web:tmp-arm64`,
      "--set-platform",
      "linux/arm64",
      "-t",
      `${r}/apps/web:arm64`,
    );
    await crane.run(
      "index",
      "append",
      "-m",
      `${r}/apps/web:amd64`,
      "-m",
      `${r}/apps/web:arm64`,
      "-t",
      `${r}/apps/web:multi`,
    );
    digests.multi = await crane.run("digest", `${r}/apps/web:multi`);
    digests.amd64 = await crane.run("digest", `${r}/apps/web:amd64`);
  });

  after(async () => {
    crane?.cleanup();
    await registry?.stop();
    await tokens?.stop();
  });

  const req = (reference: string, extra: Partial<ResolveRequest> = {}): ResolveRequest => ({
    host: registry.host,
    repository: "apps/web",
    reference,
    credentials: { username: PULL.username, password: PULL.password },
    caPem: pki.bundlePem,
    timeoutMs: 10000,
    ...extra,
  });

  it("an OCI image tag resolves to crane's digest, with a pull-scoped token of the pull robot", async () => {
    tokens.requests.length = 0;
    assert.strictEqual(await resolveDigest(req("v1.0.0")), digests.oci);
    assert.deepStrictEqual(tokens.requests, [
      { user: "robot$apps+cluster-pull", scopes: ["repository:apps/web:pull"], status: 200 },
    ]);
  });

  it("a Docker schema 2 manifest resolves too", async () => {
    assert.strictEqual(await resolveDigest(req("docker")), digests.docker);
  });

  it("a multi-arch tag resolves to its INDEX digest, not one platform's manifest", async () => {
    const d = await resolveDigest(req("multi"));
    assert.strictEqual(d, digests.multi);
    assert.notStrictEqual(d, digests.amd64);
  });

  it("a digest reference is checked against the registry and kept; HEAD-only mode works", async () => {
    assert.strictEqual(await resolveDigest(req(digests.multi)), digests.multi);
    assert.strictEqual(await resolveDigest(req("v1.0.0", { verify: false })), digests.oci);
  });

  it("missing tag: HTTP 404 with the registry's error, naming the image", async () => {
    await assert.rejects(resolveDigest(req("v9.9.9")), (e: DigestError) => {
      assert.strictEqual(e.status, 404);
      assert.strictEqual(
        e.message,
        `${registry.host}/apps/web:v9.9.9: HTTP 404 (MANIFEST_UNKNOWN: manifest unknown): no such tag or repository`,
      );
      return true;
    });
  });

  it("no credentials: 401 from the token service, named", async () => {
    await assert.rejects(resolveDigest(req("v1.0.0", { credentials: undefined })), (e: DigestError) => {
      assert.strictEqual(e.status, 401);
      assert.match(
        e.message,
        new RegExp(
          `^${registry.host.replace(/\./g, "\\.")}/apps/web:v1\\.0\\.0: token service https://localhost:\\d+/service/token answered HTTP 401 \\(UNAUTHORIZED: authentication required\\): the registry requires credentials and none were given$`,
        ),
      );
      return true;
    });
  });

  it("wrong password: 401, the credentials rejected — and the password is not in the message", async () => {
    await assert.rejects(
      resolveDigest(req("v1.0.0", { credentials: { username: PULL.username, password: "Wrong-Pass-77" } })),
      (e: DigestError) => {
        assert.strictEqual(e.status, 401);
        assert.match(e.message, /answered HTTP 401 .*: the pull credentials were rejected$/);
        assert.ok(!e.message.includes("Wrong-Pass-77"));
        return true;
      },
    );
  });

  it("a robot of another project: the token grants nothing, the registry answers 401", async () => {
    await assert.rejects(
      resolveDigest(req("v1.0.0", { credentials: { username: OTHER.username, password: OTHER.password } })),
      (e: DigestError) => {
        assert.strictEqual(e.status, 401);
        assert.match(
          e.message,
          /apps\/web:v1\.0\.0: HTTP 401 \(UNAUTHORIZED: authentication required\): the credentials do not grant pull on this repository$/,
        );
        return true;
      },
    );
  });

  it("a registry certificate the platform CA did not sign: refused", async () => {
    await assert.rejects(
      resolveDigest(req("v1.0.0", { caPem: pki.otherRootPem, attempts: 1 })),
      /apps\/web:v1\.0\.0: HEAD https:\/\/127\.0\.0\.1:\d+\/v2\/apps\/web\/manifests\/v1\.0\.0 failed: (unable to get local issuer certificate|unable to verify the first certificate|self.signed)/,
    );
  });

  describe("behind a proxy that reports a wrong Docker-Content-Digest", () => {
    let proxy: https.Server;
    let proxyHost: string;
    const WRONG = `sha256:${"0".repeat(64)}`;
    before(async () => {
      proxy = https.createServer({ key: pki.good.keyPem, cert: pki.good.chainPem }, (inbound, outbound) => {
        const upstream = https.request(
          `https://${registry.host}${inbound.url}`,
          { method: inbound.method, headers: { ...inbound.headers, host: registry.host }, ca: pki.bundlePem },
          (res) => {
            const headers: http.OutgoingHttpHeaders = { ...res.headers };
            if (headers["docker-content-digest"]) headers["docker-content-digest"] = WRONG;
            outbound.writeHead(res.statusCode ?? 502, headers);
            res.pipe(outbound);
          },
        );
        upstream.on("error", () => outbound.destroy());
        inbound.pipe(upstream);
      });
      await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
      proxyHost = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((r) => proxy.close(() => r())));

    it("the digest is verified over the manifest body and the lie is refused, naming both digests", async () => {
      await assert.rejects(resolveDigest(req("v1.0.0", { host: proxyHost })), (e: DigestError) => {
        assert.strictEqual(
          e.message,
          `${proxyHost}/apps/web:v1.0.0: digest mismatch: HEAD claims ${WRONG} but the manifest's sha256 is ` +
            `${digests.oci} (a proxy or the registry reports a wrong Docker-Content-Digest)`,
        );
        return true;
      });
    });

    it("with verification off the lie would be pinned (why verification is the default)", async () => {
      assert.strictEqual(await resolveDigest(req("v1.0.0", { host: proxyHost, verify: false })), WRONG);
    });
  });
});
