/**
 * Fault injection: every kind of failure the client is meant to survive, injected by the fake Harbor into
 * real CRUD operations. Each test checks the end state in Harbor (in particular: no duplicate after a retried
 * create) and records the faults it injected with the outcome; the suite prints the tally.
 */
import * as assert from "assert";
import {
  gcCrud,
  immutableRuleCrud,
  projectCrud,
  registryCrud,
  retentionCrud,
  robotCrud,
} from "../../components/harbor-config/crud";
import { FakeHarbor, faultLedger, noteFaults } from "./support/fake-harbor";
import {
  clientOf,
  connOf,
  projectInputs as project,
  rejection,
  robotInputs as robot,
  startFake,
  immutableRuleInputs,
  retentionInputs,
} from "./support/setup";

// Root-level hook: runs after every test file, so the tally includes the client tests' faults too.
after(() => {
  const tally = new Map<string, number>();
  for (const f of faultLedger)
    tally.set(`${f.kind} → ${f.outcome}`, (tally.get(`${f.kind} → ${f.outcome}`) ?? 0) + 1);
  const lines = [...tally].sort().map(([k, n]) => `    ${String(n).padStart(3)} × ${k}`);
  const recovered = faultLedger.filter((f) => f.outcome === "recovered").length;
  console.log(
    `\n  harbor-config fault injection: ${faultLedger.length} faults injected, ${recovered} recovered, ` +
      `${faultLedger.length - recovered} surfaced as clean errors\n${lines.join("\n")}`,
  );
});

describe("harbor-config fault injection", function () {
  this.timeout(20_000);
  let fake: FakeHarbor;
  beforeEach(async () => (fake = await startFake()));
  afterEach(async function () {
    if (this.currentTest?.state === "passed") {
      assert.strictEqual(fake.pendingFaults(), 0, "every injected fault was triggered");
    }
    await fake.stop();
  });
  describe("creates are never duplicated", () => {
    it("project: connection dropped after Harbor created it → found by lookup, not re-sent", async () => {
      fake.inject({ kind: "drop-after", method: "POST", path: "/projects" });
      const r = await projectCrud.create(clientOf(fake), project(fake));
      assert.strictEqual(fake.projects.size, 1);
      assert.strictEqual(fake.writes().filter((w) => w.method === "POST").length, 1);
      assert.strictEqual(r.outs.adopted, false, "it was ours, not adopted");
      noteFaults(fake, 0, "recovered");
    });

    it("project: 500 before Harbor acted → lookup finds nothing → re-sent once", async () => {
      fake.inject({ kind: "status", status: 500, method: "POST", path: "/projects" });
      await projectCrud.create(clientOf(fake), project(fake));
      assert.strictEqual(fake.projects.size, 1);
      assert.strictEqual(fake.writes().filter((w) => w.method === "POST").length, 2);
      noteFaults(fake, 0, "recovered");
    });

    it("project: response slower than the request timeout after Harbor acted → no duplicate", async () => {
      fake.inject({ kind: "slow-after", delayMs: 700, method: "POST", path: "/projects" });
      await projectCrud.create(clientOf(fake), project(fake));
      assert.strictEqual(fake.projects.size, 1);
      noteFaults(fake, 0, "recovered");
    });

    it("project: 503 twice (refused) → re-sent, created once", async () => {
      fake.inject({ kind: "status", status: 503, method: "POST", path: "/projects", times: 2 });
      await projectCrud.create(clientOf(fake), project(fake));
      assert.strictEqual(fake.projects.size, 1);
      noteFaults(fake, 0, "recovered");
    });

    it("robot: dropped after Harbor created it → adopted by lookup, secret refreshed, still one robot", async () => {
      await projectCrud.create(clientOf(fake), project(fake));
      fake.inject({ kind: "drop-after", method: "POST", path: "/robots" });
      const r = await robotCrud.create(clientOf(fake), robot(fake));
      assert.strictEqual(fake.robotsOf("platform").length, 1);
      assert.strictEqual(
        r.outs.secret,
        fake.robots.get(r.outs.robotId)!.secret,
        "the secret we hold is valid",
      );
      noteFaults(fake, 0, "recovered");
    });

    it("robot: dropped before Harbor saw it → re-sent, one robot", async () => {
      await projectCrud.create(clientOf(fake), project(fake));
      fake.inject({ kind: "drop-before", method: "POST", path: "/robots" });
      const r = await robotCrud.create(clientOf(fake), robot(fake));
      assert.strictEqual(fake.robotsOf("platform").length, 1);
      assert.strictEqual(r.outs.secret, fake.robots.get(r.outs.robotId)!.secret);
      noteFaults(fake, 0, "recovered");
    });

    it("immutable rule: dropped after create → one rule", async () => {
      await projectCrud.create(clientOf(fake), project(fake));
      fake.inject({ kind: "drop-after", method: "POST", path: /immutabletagrules$/ });
      await immutableRuleCrud.create(clientOf(fake), immutableRuleInputs(fake));
      assert.strictEqual(fake.immutableRules.size, 1);
      noteFaults(fake, 0, "recovered");
    });

    it("retention: dropped after create → found through the project binding, one policy", async () => {
      await projectCrud.create(clientOf(fake), project(fake));
      fake.inject({ kind: "drop-after", method: "POST", path: "/retentions" });
      const r = await retentionCrud.create(clientOf(fake), retentionInputs(fake));
      assert.strictEqual(fake.retentions.size, 1);
      assert.strictEqual(fake.retentions.get(r.outs.retentionId).rules.length, 4);
      noteFaults(fake, 0, "recovered");
    });

    it("registry endpoint: slow response after create + a dropped lookup → one endpoint", async () => {
      fake.inject({ kind: "slow-after", delayMs: 700, method: "POST", path: "/registries" });
      fake.inject({ kind: "drop-before", method: "GET", path: "/registries" });
      await registryCrud.create(clientOf(fake), {
        kind: "harbor:Registry",
        connection: connOf(fake),
        name: "hub",
        type: "docker-hub",
        url: "https://registry-1.docker.io",
        description: "",
        insecure: false,
      });
      assert.strictEqual(fake.registries.size, 1);
      noteFaults(fake, 0, "recovered");
    });
  });

  describe("updates, deletes and reads are retried", () => {
    it("429 with Retry-After on a schedule create → waits and retries", async () => {
      fake.inject({
        kind: "status",
        status: 429,
        retryAfter: "1",
        method: "POST",
        path: "/system/gc/schedule",
      });
      const started = Date.now();
      await gcCrud.create(clientOf(fake), {
        kind: "harbor:GcSchedule",
        connection: connOf(fake),
        schedule: "0 0 3 * * 0",
        deleteUntagged: true,
        workers: 1,
      });
      assert.ok(Date.now() - started >= 1000, "waited for Retry-After");
      assert.strictEqual(fake.gcSchedule.cron, "0 0 3 * * 0");
      noteFaults(fake, 0, "recovered");
    });

    it("GC schedule create: connection dropped after Harbor stored it → no 409 on the re-send, converged", async () => {
      fake.inject({ kind: "drop-after", method: "POST", path: "/system/gc/schedule" });
      const c = await gcCrud.create(clientOf(fake), {
        kind: "harbor:GcSchedule",
        connection: connOf(fake),
        schedule: "0 0 3 * * 0",
        deleteUntagged: true,
        workers: 2,
      });
      assert.deepStrictEqual(fake.gcSchedule, {
        type: "Custom",
        cron: "0 0 3 * * 0",
        parameters: { delete_untagged: true, workers: 2, dry_run: false },
      });
      assert.strictEqual(c.outs.adopted, false);
      noteFaults(fake, 0, "recovered");
    });

    it("503 then 500 on a project update → applied once", async () => {
      const c = await projectCrud.create(clientOf(fake), project(fake));
      fake.inject({ kind: "status", status: 503, method: "PUT" });
      fake.inject({ kind: "status", status: 500, method: "PUT" });
      await projectCrud.update(clientOf(fake), c.id, c.outs, project(fake, { severity: "critical" }));
      assert.strictEqual(fake.projects.get(c.outs.projectId)!.metadata.severity, "critical");
      noteFaults(fake, 0, "recovered");
    });

    it("rotation: connection dropped after Harbor refreshed the secret → refreshed again, secret valid", async () => {
      await projectCrud.create(clientOf(fake), project(fake));
      const c = await robotCrud.create(clientOf(fake), robot(fake));
      fake.inject({ kind: "drop-after", method: "PATCH" });
      const u = await robotCrud.update(clientOf(fake), c.id, c.outs, robot(fake, { rotation: "2" }));
      assert.strictEqual(u.outs.secret, fake.robots.get(c.outs.robotId)!.secret);
      assert.notStrictEqual(u.outs.secret, c.outs.secret);
      noteFaults(fake, 0, "recovered");
    });

    it("delete dropped before and after Harbor acted → deleted, no error", async () => {
      const c = await projectCrud.create(clientOf(fake), project(fake));
      fake.inject({ kind: "drop-before", method: "DELETE" });
      fake.inject({ kind: "drop-after", method: "DELETE" });
      await projectCrud.delete(clientOf(fake), c.id, c.outs);
      assert.strictEqual(fake.projects.size, 0);
      noteFaults(fake, 0, "recovered");
    });

    it("slow and failing reads during a refresh → retried", async () => {
      await projectCrud.create(clientOf(fake), project(fake));
      const c = await robotCrud.create(clientOf(fake), robot(fake));
      fake.inject({ kind: "slow", delayMs: 700, method: "GET", path: /^\/robots\/\d+$/ });
      fake.inject({ kind: "status", status: 502, method: "GET", path: /^\/robots\/\d+$/ });
      const r = await robotCrud.read(clientOf(fake), c.id, c.outs);
      assert.strictEqual(r.id, c.id);
      noteFaults(fake, 0, "recovered");
    });
  });

  describe("failures that must surface clearly", () => {
    it("a 409 for a name that no lookup can find → Harbor's conflict is reported, nothing created", async () => {
      fake.inject({ kind: "status", status: 409, method: "POST", path: "/projects" });
      const e = await rejection(() => projectCrud.create(clientOf(fake), project(fake)));
      assert.strictEqual(
        e.message,
        "Harbor API POST /projects failed: HTTP 409 CONFLICT: injected fault: HTTP 409",
      );
      assert.strictEqual(fake.projects.size, 0);
      noteFaults(fake, 0, "clean error");
    });

    it("Harbor unavailable for longer than the attempt budget → bounded failure with the last error", async () => {
      fake.inject({ kind: "status", status: 503, method: "POST", path: "/projects", times: 6 });
      const e = await rejection(() => projectCrud.create(clientOf(fake), project(fake)));
      assert.match(e.message, /gave up after 6 attempts; last error: .*HTTP 503 SERVICE_UNAVAILABLE/);
      assert.strictEqual(fake.projects.size, 0);
      noteFaults(fake, 0, "clean error");
    });

    it("every create attempt dropped and never applied → bounded failure, nothing created", async () => {
      await projectCrud.create(clientOf(fake), project(fake));
      fake.inject({ kind: "drop-before", method: "POST", path: "/robots", times: 6 });
      const e = await rejection(() => robotCrud.create(clientOf(fake), robot(fake)));
      assert.match(
        e.message,
        /creating robot platform\+cluster-pull: gave up after 6 attempts; last error: .*ECONNRESET/,
      );
      assert.strictEqual(fake.robots.size, 0);
      noteFaults(fake, 0, "clean error");
    });
  });
});
