import * as assert from "assert";
import {
  backoffDelay,
  HarborApiError,
  HarborClient,
  HarborConnectionError,
  HarborRetryBudgetError,
  parseHarborError,
  parseRetryAfter,
  UNKNOWN,
} from "../../components/harbor-config/client";
import { FakeHarbor, noteFaults } from "./support/fake-harbor";
import { clientOf, rejection, startFake } from "./support/setup";
import { testPki } from "./support/tls";

describe("harbor-config client: against a fake Harbor over TLS", () => {
  let fake: FakeHarbor;
  beforeEach(async () => {
    fake = await startFake();
    fake.projects.set(99, { project_id: 99, name: "platform", registry_id: 0, metadata: {}, repo_count: 0 });
  });
  afterEach(() => fake.stop());

  it("sends Basic auth and JSON, verifies TLS against the given CA bundle", async () => {
    const p = await clientOf(fake).get<{ name: string }>("/projects/platform", undefined, {
      "X-Is-Resource-Name": "true",
    });
    assert.strictEqual(p.name, "platform");
    const r = fake.requests[0];
    assert.strictEqual(r.user, "admin");
    assert.strictEqual(r.headers.accept, "application/json");
    assert.strictEqual(r.headers["x-is-resource-name"], "true");
    assert.match(String(r.headers["x-request-id"]), /^[0-9a-f-]{36}$/);
  });

  it("turns Harbor's JSON error into an error carrying status, code and message; 4xx is not retried", async () => {
    const e = await rejection(() =>
      clientOf(fake).get("/projects/nope", undefined, { "X-Is-Resource-Name": "true" }),
    );
    assert.ok(e instanceof HarborApiError);
    assert.strictEqual(e.status, 404);
    assert.strictEqual(e.code, "NOT_FOUND");
    assert.strictEqual(e.harborMessage, "project nope not found");
    assert.strictEqual(
      e.message,
      "Harbor API GET /projects/nope failed: HTTP 404 NOT_FOUND: project nope not found",
    );
    assert.strictEqual(fake.requests.length, 1);
  });

  it("a wrong password is a 401 error, not retried, and the password is not in the message", async () => {
    const e = await rejection(() => clientOf(fake, { password: "wrong-pw-123" }).get("/projects/platform"));
    assert.ok(e instanceof HarborApiError && e.status === 401);
    assert.ok(!e.message.includes("wrong-pw-123"));
    assert.strictEqual(fake.requests.length, 1);
  });

  it("a certificate from another CA fails with a clear TLS error, without retries", async () => {
    const e = await rejection(() =>
      clientOf(fake, { caPem: testPki().otherCaPem }).get("/projects/platform"),
    );
    assert.ok(e instanceof HarborConnectionError, String(e));
    assert.strictEqual(e.tls, true);
    assert.match(
      e.message,
      /^Harbor API GET \/projects\/platform: TLS verification of 127\.0\.0\.1:\d+ failed \([A-Z_]+\): the server certificate does not chain to the configured CA bundle \(caBundlePem\)$/,
    );
    assert.strictEqual(fake.requests.length, 0);
  });

  it("without a CA bundle the private CA is not trusted, and the error says what to pass", async () => {
    const e = await rejection(() => clientOf(fake, { caPem: undefined }).get("/projects/platform"));
    assert.ok(e instanceof HarborConnectionError && e.tls);
    assert.match(e.message, /pass the platform CA bundle \(caBundlePem\)/);
  });

  it("GET is retried after 500, 503, a dropped connection and a slow response, then succeeds", async () => {
    fake.inject({ kind: "status", status: 500, method: "GET" });
    fake.inject({ kind: "status", status: 503, method: "GET" });
    fake.inject({ kind: "drop-before", method: "GET" });
    fake.inject({ kind: "slow", delayMs: 700, method: "GET" });
    const retries: string[] = [];
    const c = clientOf(fake, {}, { onRetry: (i) => retries.push(i.reason) });
    const p = await c.get<{ name: string }>("/projects/99");
    assert.strictEqual(p.name, "platform");
    assert.deepStrictEqual(retries, ["HTTP 500", "HTTP 503", "ECONNRESET", "TIMEOUT"]);
    assert.strictEqual(fake.requests.length, 5);
    noteFaults(fake, 0, "recovered");
  });

  it("honours Retry-After on 429 (the wait is at least what Harbor asked for)", async () => {
    fake.inject({ kind: "status", status: 429, retryAfter: "2", method: "GET" });
    const waits: number[] = [];
    const c = clientOf(fake, {}, { sleep: (ms) => (waits.push(ms), Promise.resolve()) });
    await c.get("/projects/99");
    assert.deepStrictEqual(waits.length, 1);
    assert.ok(waits[0] >= 2000, `waited ${waits[0]} ms`);
    noteFaults(fake, 0, "recovered");
  });

  it("a Retry-After beyond the total time bound fails at once with a clear message", async () => {
    fake.inject({ kind: "status", status: 429, retryAfter: "120", method: "GET" });
    const e = await rejection(() => clientOf(fake, { totalTimeoutMs: 5000 }).get("/projects/99"));
    assert.ok(e instanceof HarborRetryBudgetError);
    assert.match(
      e.message,
      /Harbor asked to retry after 120 s \(Retry-After\) but only \d s of the 5 s bound remain/,
    );
    assert.match(e.message, /last error: .*HTTP 429/);
    assert.strictEqual(fake.requests.length, 1);
    noteFaults(fake, 0, "clean error");
  });

  it("gives up after maxAttempts with the last error", async () => {
    fake.inject({ kind: "status", status: 502, times: 10 });
    const e = await rejection(() => clientOf(fake, { maxAttempts: 3 }).get("/projects/99"));
    assert.ok(e instanceof HarborRetryBudgetError);
    assert.match(e.message, /gave up after 3 attempts; last error: .*HTTP 502 BAD_GATEWAY/);
    assert.strictEqual(fake.requests.length, 3);
    noteFaults(fake, 0, "clean error");
  });

  it("bounds the total time (slow responses and backoff included)", async () => {
    fake.inject({ kind: "slow", delayMs: 300, times: 50 });
    const started = Date.now();
    const e = await rejection(() =>
      clientOf(fake, { requestTimeoutMs: 150, totalTimeoutMs: 700, maxAttempts: 50 }).get("/projects/99"),
    );
    const took = Date.now() - started;
    assert.ok(e instanceof HarborRetryBudgetError, String(e));
    assert.ok(took < 2500, `took ${took} ms (bound 700 ms + one request timeout)`);
    assert.match(e.message, /total time bound of 700 ms exceeded|no complete response/);
    noteFaults(fake, 0, "clean error");
  });

  it("a POST whose outcome is unknown (dropped after Harbor acted) is not re-sent by request()", async () => {
    fake.inject({ kind: "drop-after", method: "POST", path: "/projects" });
    const e = await rejection(() =>
      clientOf(fake).request({
        method: "POST",
        path: "/projects",
        body: { project_name: "a", metadata: {} },
      }),
    );
    assert.ok(e instanceof HarborConnectionError);
    assert.strictEqual(e.outcomeUnknown, true);
    assert.strictEqual(fake.writes().length, 1);
    assert.ok(fake.projectByName("a"), "Harbor did create it");
    noteFaults(fake, 0, "clean error");
  });

  it("a POST refused with 429 or 503 is re-sent (Harbor did not act on it)", async () => {
    fake.inject({ kind: "status", status: 429, retryAfter: "0", method: "POST" });
    fake.inject({ kind: "status", status: 503, method: "POST" });
    await clientOf(fake).request({
      method: "POST",
      path: "/projects",
      body: { project_name: "b", metadata: {} },
    });
    assert.strictEqual(fake.writes().length, 3);
    assert.strictEqual([...fake.projects.values()].filter((p) => p.name === "b").length, 1);
    noteFaults(fake, 0, "recovered");
  });

  it("any 5xx to a GET is retried (SPEC R4.8), e.g. a proxy's 520 or a 507; to a POST it is outcome-unknown; 501 is final", async () => {
    fake.inject({ kind: "status", status: 520, method: "GET" });
    fake.inject({ kind: "status", status: 507, method: "GET" });
    const p = await clientOf(fake).get<{ name: string }>("/projects/99");
    assert.strictEqual(p.name, "platform");
    assert.strictEqual(fake.requests.length, 3);
    fake.inject({ kind: "status", status: 520, method: "POST" });
    const e = await rejection(() =>
      clientOf(fake).request({
        method: "POST",
        path: "/projects",
        body: { project_name: "e", metadata: {} },
      }),
    );
    assert.ok(e instanceof HarborApiError && e.status === 520 && e.outcomeUnknown, String(e));
    // 501 Not Implemented will not change by asking again.
    fake.clearLog();
    fake.inject({ kind: "status", status: 501, method: "GET" });
    const n = await rejection(() => clientOf(fake).get("/projects/99"));
    assert.ok(n instanceof HarborApiError && n.status === 501, String(n));
    assert.strictEqual(fake.requests.length, 1);
    noteFaults(fake, 0, "recovered");
  });

  it("a 500 to a POST is surfaced as outcome-unknown, not retried blindly", async () => {
    fake.inject({ kind: "status", status: 500, method: "POST" });
    const e = await rejection(() =>
      clientOf(fake).request({
        method: "POST",
        path: "/projects",
        body: { project_name: "c", metadata: {} },
      }),
    );
    assert.ok(e instanceof HarborApiError && e.status === 500 && e.outcomeUnknown);
    assert.strictEqual(fake.writes().length, 1);
    noteFaults(fake, 0, "clean error");
  });

  it("createGuarded looks the object up before re-sending a create whose outcome is unknown", async () => {
    fake.inject({ kind: "drop-after", method: "POST", path: "/projects" });
    const c = clientOf(fake);
    const r = await c.createGuarded(
      "project d",
      async () =>
        (await c.request({ method: "POST", path: "/projects", body: { project_name: "d", metadata: {} } }))
          .status,
      () => Promise.resolve(fake.projectByName("d") ? 201 : undefined),
    );
    assert.strictEqual(r.outcome, "recovered");
    assert.strictEqual(fake.writes().length, 1);
    noteFaults(fake, 0, "recovered");
  });

  /** `n` robots of project 99 in the fake. */
  const addProjectRobots = (n: number) => {
    for (let i = 0; i < n; i++)
      fake.robots.set(1000 + i, {
        id: 1000 + i,
        name: `robot$platform+r${i}`,
        projectId: 99,
        description: "",
        duration: -1,
        disable: false,
        permissions: [],
        secret: "x",
      });
  };

  it("listAll follows pages", async () => {
    addProjectRobots(130);
    const all = await clientOf(fake).listAll<{ id: number }>("/robots", { q: "Level=project,ProjectID=99" });
    assert.strictEqual(all.length, 130);
    assert.strictEqual(fake.requests.length, 2);
    assert.deepStrictEqual(
      fake.requests.map((r) => r.query.page),
      ["1", "2"],
    );
  });

  it("listAll trusts X-Total-Count over a short page (an endpoint serving fewer than asked)", async () => {
    fake.maxPageSize = 50;
    addProjectRobots(130);
    const all = await clientOf(fake).listAll<{ id: number }>("/robots", { q: "Level=project,ProjectID=99" });
    assert.strictEqual(all.length, 130);
    assert.deepStrictEqual(
      fake.requests.map((r) => r.query.page),
      ["1", "2", "3"],
    );
  });
});

describe("harbor-config client: pure parts", () => {
  it("never calls out with an unknown URL (preview)", () => {
    assert.throws(
      () => new HarborClient({ url: UNKNOWN, username: "admin", password: "x" }),
      /Harbor URL is not known yet/,
    );
    assert.throws(
      () => new HarborClient({ url: "registry.example.com", username: "a", password: "b" }),
      /not an absolute URL/,
    );
  });

  it("connection refused counts as not sent: retried even for POST", async () => {
    const fake = await startFake();
    const url = fake.url;
    await fake.stop();
    const tries: string[] = [];
    const c = new HarborClient(
      { url, username: "a", password: "b", maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
      { onRetry: (i) => tries.push(i.reason) },
    );
    const e = await rejection(() => c.request({ method: "POST", path: "/projects", body: {} }));
    assert.ok(e instanceof HarborRetryBudgetError);
    assert.deepStrictEqual(tries, ["ECONNREFUSED", "ECONNREFUSED"]);
  });

  it("backoff is exponential with full jitter, capped, and never below Retry-After", () => {
    const p = { baseDelayMs: 100, maxDelayMs: 1000 };
    assert.strictEqual(
      backoffDelay(p, 1, () => 0.999),
      99,
    );
    assert.strictEqual(
      backoffDelay(p, 3, () => 0.999),
      399,
    );
    assert.strictEqual(
      backoffDelay(p, 10, () => 0.999),
      999,
    );
    assert.strictEqual(
      backoffDelay(p, 3, () => 0),
      0,
    );
    assert.strictEqual(
      backoffDelay(p, 1, () => 0.5, 3000),
      3000,
    );
  });

  it("parses Retry-After seconds and HTTP dates, and Harbor error bodies", () => {
    assert.strictEqual(parseRetryAfter("3", 0), 3000);
    assert.strictEqual(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6_000);
    assert.strictEqual(parseRetryAfter("soon", 0), undefined);
    assert.deepStrictEqual(
      parseHarborError('{"errors":[{"code":"CONFLICT","message":"a"},{"code":"X","message":"b"}]}'),
      {
        code: "CONFLICT",
        message: "a; b",
      },
    );
    assert.deepStrictEqual(parseHarborError("<html>502 Bad Gateway</html>"), {
      message: "<html>502 Bad Gateway</html>",
    });
  });
});
