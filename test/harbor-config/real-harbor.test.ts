/**
 * What a REAL Harbor v2.15.2 answered (issue 9, items 1-6), replayed on the fake Harbor, which now answers the
 * same way (see the "Observed on Harbor v2.15.2" notes in support/fake-harbor.ts): create, refresh, diff against
 * the declared inputs (must be quiet unless Harbor really differs), update, delete.
 */
import * as assert from "assert";
import * as net from "net";
import {
  auditForwardingCrud,
  AuditForwardingInputs,
  immutableRuleCrud,
  projectCrud,
  purgeAuditCrud,
  PurgeAuditInputs,
  registryCrud,
  RegistryInputs,
  retentionCrud,
  robotCrud,
} from "../../components/harbor-config/crud";
import { PUSH_ROBOT_ACCESS, normalizeRegistryUrl } from "../../components/harbor-config/payloads";
import { FakeHarbor, harborRegistryUrl } from "./support/fake-harbor";
import {
  clientOf,
  connOf,
  immutableRuleInputs,
  projectInputs,
  rejection,
  retentionInputs,
  robotInputs,
  startFake,
} from "./support/setup";

describe("harbor-config against Harbor v2.15.2's observed answers (issue 9)", () => {
  let fake: FakeHarbor;
  beforeEach(async () => (fake = await startFake()));
  afterEach(() => fake.stop());

  const registryInputs = (over: Partial<RegistryInputs> = {}): RegistryInputs => ({
    kind: "harbor:Registry",
    connection: connOf(fake),
    name: "hub-upstream",
    type: "docker-hub",
    url: "https://registry-1.docker.io",
    description: "",
    insecure: false,
    ...over,
  });

  it("1. the audit-log purge schedule is switched off with its parameters (Harbor refuses it without)", async () => {
    const inputs: PurgeAuditInputs = {
      kind: "harbor:PurgeAuditSchedule",
      connection: connOf(fake),
      schedule: "0 0 4 * * *",
      retentionHours: 720,
      eventTypes: ["create_artifact", "delete_artifact"],
    };
    const c = await purgeAuditCrud.create(clientOf(fake), inputs);
    fake.clearLog();
    await purgeAuditCrud.delete(clientOf(fake), c.id, c.outs);
    assert.strictEqual(fake.purgeSchedule, undefined, "the schedule is gone");
    assert.deepStrictEqual(fake.writes()[0].body, {
      schedule: { type: "None", cron: "" },
      parameters: {
        audit_retention_hour: 720,
        include_event_types: "create_artifact,delete_artifact",
        dry_run: false,
      },
    });
    await purgeAuditCrud.delete(clientOf(fake), c.id, c.outs);
  });

  it("2. robot permissions Harbor returns in its own order are the same set: no change after a refresh", async () => {
    await projectCrud.create(clientOf(fake), projectInputs(fake));
    const inputs = robotInputs(fake, { name: "ci-push", access: PUSH_ROBOT_ACCESS.map((a) => ({ ...a })) });
    const c = await robotCrud.create(clientOf(fake), inputs);
    const refreshed = await robotCrud.read(clientOf(fake), c.id, c.outs);
    assert.deepStrictEqual(robotCrud.diff(refreshed.props!, inputs), { changes: false, replaces: [] });
    // A permission really removed in Harbor is drift.
    fake.robots.get(c.outs.robotId)!.permissions[0].access.pop();
    const drifted = await robotCrud.read(clientOf(fake), c.id, c.outs);
    assert.strictEqual(robotCrud.diff(drifted.props!, inputs).changes, true);
  });

  it("3. registry URLs are normalized as Harbor does: a trailing / shows no change after a refresh", async () => {
    for (const [given, stored] of [
      ["https://registry-1.docker.io/", "https://registry-1.docker.io"],
      ["  https://quay.io//  ", "https://quay.io"],
      ["registry.corp.internal:5000", "http://registry.corp.internal:5000"],
      ["https://ghcr.io/v2/?x=1#f", "https://ghcr.io/v2/"],
      ["HTTPS://user:pw@Mirror.Example.com/path/", "https://Mirror.Example.com/path"],
    ]) {
      assert.strictEqual(normalizeRegistryUrl(given), stored, given);
      assert.deepStrictEqual(harborRegistryUrl(given), { url: stored }, `the fake agrees: ${given}`);
    }
    const inputs = registryInputs({ url: "https://registry-1.docker.io/" });
    const c = await registryCrud.create(clientOf(fake), inputs);
    assert.strictEqual(fake.registries.get(c.outs.registryId).url, "https://registry-1.docker.io");
    const refreshed = await registryCrud.read(clientOf(fake), c.id, c.outs);
    assert.deepStrictEqual(registryCrud.diff(refreshed.props!, inputs), { changes: false, replaces: [] });
    fake.registries.get(c.outs.registryId).url = "https://elsewhere.example.com";
    const drifted = await registryCrud.read(clientOf(fake), c.id, c.outs);
    assert.strictEqual(registryCrud.diff(drifted.props!, inputs).changes, true);
  });

  it("4. removing an endpoint's credentials clears them in Harbor; credentials removed in Harbor are drift", async () => {
    const withCreds = registryInputs({ accessKey: "puller", accessSecret: "s3cret" });
    const c = await registryCrud.create(clientOf(fake), withCreds);
    assert.deepStrictEqual(fake.registries.get(c.outs.registryId).credential, {
      type: "basic",
      access_key: "puller",
      access_secret: "s3cret",
    });
    const refreshed = await registryCrud.read(clientOf(fake), c.id, c.outs);
    assert.strictEqual(
      refreshed.props?.accessSecret,
      "s3cret",
      "Harbor masks the secret: the state keeps it",
    );
    assert.deepStrictEqual(registryCrud.diff(refreshed.props, withCreds), { changes: false, replaces: [] });

    const anonymous = registryInputs();
    assert.strictEqual(registryCrud.diff(c.outs, anonymous).changes, true);
    const u = await registryCrud.update(clientOf(fake), c.id, c.outs, anonymous);
    assert.deepStrictEqual(fake.registries.get(c.outs.registryId).credential, {
      type: "basic",
      access_key: "",
      access_secret: "",
    });
    const after = await registryCrud.read(clientOf(fake), c.id, u.outs);
    assert.deepStrictEqual(registryCrud.diff(after.props!, anonymous), { changes: false, replaces: [] });

    // Someone clears the credentials in the UI: a refresh shows it, and the next update puts them back.
    const again = await registryCrud.update(clientOf(fake), c.id, after.props!, withCreds);
    fake.registries.get(c.outs.registryId).credential = { type: "basic", access_key: "", access_secret: "" };
    const cleared = await registryCrud.read(clientOf(fake), c.id, again.outs);
    assert.strictEqual(cleared.props?.accessKey, undefined);
    assert.strictEqual(registryCrud.diff(cleared.props!, withCreds).changes, true);
  });

  it("5a. an endpoint switched to insecure: false in Harbor (which omits false) is drift", async () => {
    const inputs = registryInputs({ insecure: true });
    const c = await registryCrud.create(clientOf(fake), inputs);
    fake.registries.get(c.outs.registryId).insecure = false;
    const r = await registryCrud.read(clientOf(fake), c.id, c.outs);
    assert.strictEqual(r.props?.insecure, false);
    assert.strictEqual(registryCrud.diff(r.props, inputs).changes, true);
  });

  it("5b. the CA certificate is read back: a certificate changed in Harbor is drift", async () => {
    const inputs = registryInputs({
      caCertificate: "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n",
    });
    const c = await registryCrud.create(clientOf(fake), inputs);
    const same = await registryCrud.read(clientOf(fake), c.id, c.outs);
    assert.deepStrictEqual(registryCrud.diff(same.props!, inputs), { changes: false, replaces: [] });
    fake.registries.get(c.outs.registryId).ca_certificate =
      "-----BEGIN CERTIFICATE-----\nB\n-----END CERTIFICATE-----";
    const r = await registryCrud.read(clientOf(fake), c.id, c.outs);
    assert.match(r.props?.caCertificate ?? "", /\nB\n/);
    assert.strictEqual(registryCrud.diff(r.props!, inputs).changes, true);
  });

  it("5c. retention rules are compared whole: a rule edited in Harbor's UI is drift, an untouched policy is not", async () => {
    await projectCrud.create(clientOf(fake), projectInputs(fake));
    const inputs = retentionInputs(fake);
    const c = await retentionCrud.create(clientOf(fake), inputs);
    const same = await retentionCrud.read(clientOf(fake), c.id, c.outs);
    assert.deepStrictEqual(retentionCrud.diff(same.props!, inputs), { changes: false, replaces: [] });

    const stored = fake.retentions.get(c.outs.retentionId);
    stored.rules.find((x: { template: string }) => x.template === "latestPushedK").params.latestPushedK = 3;
    const edited = await retentionCrud.read(clientOf(fake), c.id, c.outs);
    assert.strictEqual(edited.props?.keepLatestReleases, 3, "the refreshed state shows Harbor's value");
    assert.strictEqual(retentionCrud.diff(edited.props, inputs).changes, true);

    stored.rules.find((x: { template: string }) => x.template === "latestPushedK").params.latestPushedK = 10;
    stored.rules.push({
      ...stored.rules[0],
      tag_selectors: [{ kind: "doublestar", decoration: "matches", pattern: "**" }],
    });
    const extra = await retentionCrud.read(clientOf(fake), c.id, c.outs);
    assert.strictEqual(retentionCrud.diff(extra.props!, inputs).changes, true, "a rule added in the UI");
    await retentionCrud.update(clientOf(fake), c.id, extra.props!, inputs);
    const fixed = await retentionCrud.read(clientOf(fake), c.id, c.outs);
    assert.deepStrictEqual(retentionCrud.diff(fixed.props!, inputs), { changes: false, replaces: [] });
  });

  it("5d. adopting an enabled immutable rule (Harbor omits disabled: false) sends nothing", async () => {
    await projectCrud.create(clientOf(fake), projectInputs(fake));
    const inputs = immutableRuleInputs(fake);
    const c = await immutableRuleCrud.create(clientOf(fake), inputs);
    fake.clearLog();
    const again = await immutableRuleCrud.create(clientOf(fake), inputs);
    assert.strictEqual(again.outs.adopted, true);
    assert.deepStrictEqual(fake.writes(), [], "no PUT");
    const r = await immutableRuleCrud.read(clientOf(fake), c.id, c.outs);
    assert.deepStrictEqual(immutableRuleCrud.diff(r.props!, inputs), { changes: false, replaces: [] });
  });

  it("6a. an unreachable upstream: the error says Harbor pings the endpoint on create and update", async () => {
    fake.unhealthyRegistryUrls.add("https://registry-1.docker.io");
    const e = await rejection(() =>
      registryCrud.create(clientOf(fake), registryInputs({ url: "https://registry-1.docker.io/" })),
    );
    assert.match(e.message, /HTTP 400 BAD_REQUEST: the registry is unhealthy/);
    assert.match(e.message, /Harbor pings an endpoint when it is created or changed/);
    assert.match(e.message, /https:\/\/registry-1\.docker\.io/);
    assert.match(e.message, /reachable from Harbor core/);
    fake.unhealthyRegistryUrls.clear();
    const c = await registryCrud.create(clientOf(fake), registryInputs());
    fake.unhealthyRegistryUrls.add("https://mirror.example.com");
    const u = await rejection(() =>
      registryCrud.update(
        clientOf(fake),
        c.id,
        c.outs,
        registryInputs({ url: "https://mirror.example.com" }),
      ),
    );
    assert.match(u.message, /Harbor pings an endpoint when it is created or changed/);
  });

  it("6b. an audit forward endpoint Harbor cannot dial: the error says so; a listening one is accepted", async () => {
    const server = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const inputs: AuditForwardingInputs = {
        kind: "harbor:AuditLogForwarding",
        connection: connOf(fake),
        endpoint: `127.0.0.1:${port}`,
        skipDatabase: false,
      };
      const c = await auditForwardingCrud.create(clientOf(fake), inputs);
      assert.strictEqual(fake.configurations.audit_log_forward_endpoint, `127.0.0.1:${port}`);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const e = await rejection(() =>
        auditForwardingCrud.update(clientOf(fake), c.id, c.outs, { ...inputs }),
      );
      assert.match(e.message, /HTTP 400 BAD_REQUEST: could not connect to the audit endpoint/);
      assert.match(
        e.message,
        new RegExp(`Harbor dials the audit log forward endpoint 127\\.0\\.0\\.1:${port}`),
      );
      await auditForwardingCrud.delete(clientOf(fake), c.id, c.outs);
      assert.strictEqual(fake.configurations.audit_log_forward_endpoint, "");
    } finally {
      server.close();
    }
  });

  it("6c. a proxy-cache project comes with a retention policy of its own; a declared one adopts it", async () => {
    const reg = await registryCrud.create(clientOf(fake), registryInputs());
    const proxy = await projectCrud.create(
      clientOf(fake),
      projectInputs(fake, { name: "hub-cache", registryId: reg.outs.registryId }),
    );
    const bound = fake.projects.get(proxy.outs.projectId)!.metadata.retention_id;
    assert.ok(bound, "Harbor bound a policy to the proxy-cache project");
    const c = await retentionCrud.create(
      clientOf(fake),
      retentionInputs(fake, { project: "hub-cache", foreverTags: [] }),
    );
    assert.strictEqual(String(c.outs.retentionId), bound);
    assert.strictEqual(c.outs.adopted, true);
    assert.strictEqual(fake.retentions.size, 1);
  });

  it("6d. deleting a project that holds repositories says what to do", async () => {
    const c = await projectCrud.create(clientOf(fake), projectInputs(fake));
    fake.projects.get(c.outs.projectId)!.repo_count = 4;
    const e = await rejection(() => projectCrud.delete(clientOf(fake), c.id, c.outs));
    assert.match(e.message, /HTTP 412/);
    assert.match(e.message, /delete its repositories first/);
    assert.match(e.message, /pulumi destroy/);
    assert.match(e.message, /pulumi state delete/);
    assert.match(e.message, /retainOnDelete/);
  });
});
