/**
 * verify's TLS and Harbor health checks against real servers: node TLS servers serving the test chain (valid,
 * expired, wrong host, expiring soon), and the fake Harbor's unauthenticated health endpoint.
 */
import * as assert from "assert";
import * as https from "https";
import type { AddressInfo } from "net";
import * as tls from "tls";
import { checkHarborHealth, checkTls, runCheck } from "../../tools/verify/checks";
import { FakeHarbor } from "../harbor-config/support/fake-harbor";
import { Leaf, verifyPki, VerifyPki } from "./support/pki";

async function serve(leaf: Leaf): Promise<{ port: number; close: () => Promise<void> }> {
  const server = tls.createServer({ key: leaf.keyPem, cert: leaf.chainPem }, (s) => s.end());
  server.on("tlsClientError", () => undefined);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe("verify: TLS chain served by the registry host (real TLS servers)", function () {
  this.timeout(60000);
  let pki: VerifyPki;
  before(() => {
    pki = verifyPki();
  });
  const servers: { close: () => Promise<void> }[] = [];
  after(async () => {
    for (const s of servers) await s.close();
  });
  const check = async (leaf: Leaf, opts: { caPem?: string; host?: string; minDays?: number } = {}) => {
    const s = await serve(leaf);
    servers.push(s);
    return checkTls({
      host: opts.host ?? "localhost",
      connectHost: "127.0.0.1",
      port: s.port,
      caPem: "caPem" in opts ? opts.caPem : pki.bundlePem,
      minDays: opts.minDays ?? 7,
      timeoutMs: 5000,
    });
  };

  it("pass: the chain verifies against the CA bundle, is valid for the host, nothing expires soon", async () => {
    const r = await check(pki.good);
    assert.strictEqual(r.status, "pass", r.details.join("\n"));
    assert.deepStrictEqual(r.details.slice(0, 2), [
      "✔ chain verifies against the platform CA bundle",
      "✔ certificate is valid for localhost",
    ]);
    assert.match(r.details[2], /^✔ localhost: expires in 1[45] days \(\d{4}-\d\d-\d\d\)$/);
    assert.match(r.details[3], /^✔ verify test intermediate: expires in (19|20) days/);
  });

  it("fail: an expired server certificate", async () => {
    const r = await check(pki.expired);
    assert.strictEqual(r.status, "fail");
    assert.match(r.details[0], /^✘ chain does not verify against the platform CA bundle: CERT_HAS_EXPIRED$/);
    assert.match(r.details[2], /^✘ localhost: expired on \d{4}-\d\d-\d\d$/);
  });

  it("fail: a certificate for another host", async () => {
    const r = await check(pki.wrongHost);
    assert.strictEqual(r.status, "fail");
    assert.strictEqual(r.details[0], "✔ chain verifies against the platform CA bundle");
    assert.match(r.details[1], /^✘ certificate is not valid for localhost: .*other\.example/);
  });

  it("fail: a chain the platform CA did not sign", async () => {
    const r = await check(pki.good, { caPem: pki.otherRootPem });
    assert.strictEqual(r.status, "fail");
    assert.match(
      r.details[0],
      /^✘ chain does not verify against the platform CA bundle: (UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE)/,
    );
  });

  it("fail: a certificate that expires within --min-days", async () => {
    const r = await check(pki.soon, { minDays: 14 });
    assert.strictEqual(r.status, "fail");
    assert.match(r.details[2], /^✘ localhost: expires in [45] days \(\d{4}-\d\d-\d\d\), less than 14$/);
  });

  it("fail: nothing listening, within the check's timeout", async () => {
    const r = await runCheck(
      {
        id: "tls",
        title: "t",
        run: () =>
          checkTls({
            host: "localhost",
            connectHost: "127.0.0.1",
            port: 1,
            caPem: pki.bundlePem,
            minDays: 1,
            timeoutMs: 2000,
          }),
      },
      5000,
    );
    assert.strictEqual(r.status, "fail");
    assert.match(r.details[0], /^TLS connection to localhost:1 failed: connect ECONNREFUSED/);
  });

  it("a check that hangs fails at its timeout", async () => {
    const r = await runCheck({ id: "slow", title: "s", run: () => new Promise(() => undefined) }, 300);
    assert.deepStrictEqual([r.status, r.details], ["fail", ["timed out after 0 s"]]);
  });
});

describe("verify: Harbor health (fake Harbor)", function () {
  this.timeout(30000);
  let pki: VerifyPki;
  let harbor: FakeHarbor;
  before(async () => {
    pki = verifyPki();
    harbor = await new FakeHarbor({ key: pki.good.keyPem, cert: pki.good.chainPem }).start();
  });
  after(() => harbor.stop());

  it("pass: every component healthy, asked without credentials", async () => {
    const r = await checkHarborHealth({ url: harbor.url, caPem: pki.bundlePem, timeoutMs: 5000 });
    assert.strictEqual(r.status, "pass", r.details.join("\n"));
    assert.deepStrictEqual(r.details, [
      "✔ overall: healthy",
      ...["core", "database", "jobservice", "portal", "redis", "registry", "registryctl", "trivy"].map(
        (c) => `✔ ${c}: healthy`,
      ),
    ]);
    assert.strictEqual(harbor.requests.at(-1)?.user, undefined);
  });

  it("fail: an unhealthy component is named with its error", async () => {
    harbor.health = {
      status: "unhealthy",
      components: [
        { name: "core", status: "healthy" },
        { name: "database", status: "unhealthy", error: "failed to connect to tcp:harbor-database:5432" },
      ],
    };
    const r = await checkHarborHealth({ url: harbor.url, caPem: pki.bundlePem, timeoutMs: 5000 });
    assert.strictEqual(r.status, "fail");
    assert.deepStrictEqual(r.details, [
      "✘ overall: unhealthy",
      "✔ core: healthy",
      "✘ database: unhealthy (failed to connect to tcp:harbor-database:5432)",
    ]);
  });

  it("fail: the Harbor TLS chain is not from the platform CA", async () => {
    await assert.rejects(
      checkHarborHealth({ url: harbor.url, caPem: pki.otherRootPem, timeoutMs: 5000 }),
      /GET https:\/\/127\.0\.0\.1:\d+\/api\/v2\.0\/health: unable to (get local issuer certificate|verify the first certificate)/,
    );
  });

  it("fail: Harbor answers an error status", async () => {
    const server = https.createServer({ key: pki.good.keyPem, cert: pki.good.chainPem }, (_q, res) => {
      res.writeHead(503);
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const r = await checkHarborHealth({ url, caPem: pki.bundlePem, timeoutMs: 5000 });
      assert.deepStrictEqual(r, { status: "fail", details: ["GET /api/v2.0/health → HTTP 503"] });
    } finally {
      server.close();
    }
  });
});
