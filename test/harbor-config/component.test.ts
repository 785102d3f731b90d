/**
 * The HarborConfig component on the mock engine, with args mapped from the stacks' validated config the way
 * the program maps them (see components/harbor-config/README.md), plus the stored provider text run
 * against the fake Harbor.
 */
import * as helmv3 from "@pulumi/kubernetes/helm/v3/release";
import * as k8sProvider from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { PlatformConfig } from "../../config";
import { parsedConfig } from "../harness/config";
import { HarborConfig, HarborConfigArgs, harborConfigPlan } from "../../components/harbor-config/component";
import { harborConfigArgsFromConfig } from "../../components/harbor-config/from-config";
import {
  PULL_ROBOT_ACCESS,
  READ_ONLY_ACTIONS,
  RELEASE_TAG_PATTERN,
} from "../../components/harbor-config/payloads";
import { Recorded, runComponent, stackFile } from "../harness";
import { StackConfig } from "../../tools/synth/stackfile";
import { FakeHarbor } from "./support/fake-harbor";
import { connOf, startFake } from "./support/setup";

const ADMIN_PASSWORD = "Adm1n-Pa55w0rd-For-Tests";
const DYNAMIC = "pulumi-nodejs:dynamic:Resource";
const COMPONENT = "registry-platform:harbor-config:HarborConfig";

function config(sc: StackConfig, stack: string): PlatformConfig {
  return parsedConfig(sc, stack);
}

/** The program's mapping (`harborConfigArgsFromConfig`), with a test admin password and CA. */
function argsFor(cfg: PlatformConfig, url: pulumi.Input<string>): HarborConfigArgs {
  const args = harborConfigArgsFromConfig(cfg, {
    url,
    adminPassword: pulumi.secret(ADMIN_PASSWORD),
    caBundlePem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
  });
  assert.ok(args, "harborConfig is enabled in the example stacks");
  return args;
}

async function run(
  stack: string,
  url: pulumi.Input<string>,
  preview = false,
  tweak?: (a: HarborConfigArgs) => void,
) {
  const cfg = config(stackFile(stack), stack);
  const args = argsFor(cfg, url);
  tweak?.(args);
  return runComponent(
    () => {
      const kubernetes = new k8sProvider.Provider("p", {});
      const release = new helmv3.Release(
        "harbor",
        { chart: "harbor", version: "1.19.1" },
        { provider: kubernetes },
      );
      const hc = new HarborConfig("harbor-config", args, { dependsOn: [release], providers: { kubernetes } });
      return {
        platformPullRobot: hc.projects.platform.pullRobotName,
        platformPushRobot: hc.projects.platform.pushRobotName,
        pullConfig: hc.pullDockerConfigJson.platform,
        pushSecret: hc.pushRobotSecrets.platform,
        pullSecret: hc.pullRobotSecrets.platform,
        platformPullSecrets: hc.projects.platform.pullSecrets,
      };
    },
    { preview },
  );
}

function kindsOf(rec: Recorded): Record<string, string> {
  return Object.fromEntries(rec.byType(DYNAMIC).map((r) => [r.name, String(rec.inputs(r).kind)]));
}

describe("harbor-config component (mock engine)", function () {
  this.timeout(60_000);
  let prod: Recorded;
  let dev: Recorded;
  const timings: string[] = [];

  before(async () => {
    let t = Date.now();
    prod = await run("prod-apne2", "https://registry.apne2.example.com", false, (a) => {
      a.auditLog = { ...a.auditLog, forwardEndpoint: "syslog.corp.internal:514" };
    });
    timings.push(`first mock run: ${Date.now() - t} ms`);
    t = Date.now();
    dev = await run("dev", "https://registry.dev.example.internal");
    timings.push(`second mock run: ${Date.now() - t} ms`);
  });
  after(() => console.log(`    ${timings.join("\n    ")}`));

  it("prod-apne2 registers per project: project, pull robot, push robot, immutability, retention; plus proxy cache and system", () => {
    assert.deepStrictEqual(kindsOf(prod), {
      "harbor-config-platform-project": "harbor:Project",
      "harbor-config-platform-pull-robot": "harbor:RobotAccount",
      "harbor-config-platform-push-robot": "harbor:RobotAccount",
      "harbor-config-platform-immutable-releases": "harbor:ImmutableTagRule",
      "harbor-config-platform-retention": "harbor:RetentionPolicy",
      "harbor-config-apps-project": "harbor:Project",
      "harbor-config-apps-pull-robot": "harbor:RobotAccount",
      "harbor-config-apps-push-robot": "harbor:RobotAccount",
      "harbor-config-apps-immutable-releases": "harbor:ImmutableTagRule",
      "harbor-config-apps-retention": "harbor:RetentionPolicy",
      "harbor-config-dockerhub-cache-upstream": "harbor:Registry",
      "harbor-config-dockerhub-cache-project": "harbor:Project",
      "harbor-config-dockerhub-cache-pull-robot": "harbor:RobotAccount",
      "harbor-config-gc": "harbor:GcSchedule",
      "harbor-config-audit-purge": "harbor:PurgeAuditSchedule",
      "harbor-config-audit-forwarding": "harbor:AuditLogForwarding",
    });
  });

  it("project settings come from the stack config", () => {
    const platform = prod.inputs(prod.one(DYNAMIC, "harbor-config-platform-project"));
    assert.deepStrictEqual(
      [
        platform.name,
        platform.public,
        platform.scanOnPush,
        platform.preventVulnerable,
        platform.severity,
        platform.cosign,
        platform.quotaGiB,
      ],
      ["platform", false, true, true, "high", true, 500],
    );
    const apps = prod.inputs(prod.one(DYNAMIC, "harbor-config-apps-project"));
    assert.deepStrictEqual([apps.severity, apps.cosign, apps.quotaGiB], ["critical", false, 2000]);
    const proxy = prod.inputs(prod.one(DYNAMIC, "harbor-config-dockerhub-cache-project"));
    assert.strictEqual(typeof proxy.registryId, "number", "the upstream endpoint's id");
    const upstream = prod.inputs(prod.one(DYNAMIC, "harbor-config-dockerhub-cache-upstream"));
    assert.deepStrictEqual([upstream.type, upstream.url], ["docker-hub", "https://registry-1.docker.io"]);
    const retention = prod.inputs(prod.one(DYNAMIC, "harbor-config-platform-retention"));
    assert.deepStrictEqual(
      [
        retention.project,
        retention.keepLatestReleases,
        retention.buildTagDays,
        retention.schedule,
        retention.foreverTags,
      ],
      ["platform", 10, 14, "0 0 2 * * *", ["stable", "lts"]],
    );
    // Release tags are immutable (the default), so the policy retains every release instead of the latest N.
    assert.strictEqual(retention.releasesImmutable, true);
    assert.strictEqual(
      prod.inputs(prod.one(DYNAMIC, "harbor-config-platform-immutable-releases")).tagPattern,
      RELEASE_TAG_PATTERN,
    );
    const gc = prod.inputs(prod.one(DYNAMIC, "harbor-config-gc"));
    assert.deepStrictEqual([gc.schedule, gc.deleteUntagged], ["0 0 3 * * 0", true]);
    const purge = prod.inputs(prod.one(DYNAMIC, "harbor-config-audit-purge"));
    assert.deepStrictEqual([purge.schedule, purge.retentionHours], ["0 0 4 * * *", 2160]);
    assert.strictEqual(
      prod.inputs(prod.one(DYNAMIC, "harbor-config-audit-forwarding")).endpoint,
      "syslog.corp.internal:514",
    );
  });

  it("every pull robot holds only pull/read; the push robot is a separate account", () => {
    for (const p of ["platform", "apps", "dockerhub-cache"]) {
      const pull = prod.inputs(prod.one(DYNAMIC, `harbor-config-${p}-pull-robot`));
      assert.strictEqual(pull.name, "cluster-pull");
      assert.strictEqual(pull.project, p);
      assert.deepStrictEqual(pull.access, PULL_ROBOT_ACCESS);
      for (const a of pull.access)
        assert.ok(READ_ONLY_ACTIONS.includes(a.action), `${p}: ${a.resource}:${a.action}`);
    }
    const push = prod.inputs(prod.one(DYNAMIC, "harbor-config-platform-push-robot"));
    assert.strictEqual(push.name, "ci-push");
    assert.ok((push.access as { action: string }[]).some((a) => a.action === "push"));
    assert.strictEqual(prod.byType(DYNAMIC).filter((r) => /dockerhub-cache-push/.test(r.name)).length, 0);
  });

  it("the admin account is used only by the dynamic providers, as a secret", () => {
    for (const r of prod.all) {
      const text = JSON.stringify(prod.inputs(r));
      if (r.type !== DYNAMIC) {
        assert.ok(!text.includes(ADMIN_PASSWORD), `${r.type} ${r.name} must not see the admin password`);
        continue;
      }
      const { connection, ...rest } = prod.inputs(r);
      assert.deepStrictEqual(
        [connection.username, connection.password, connection.url],
        ["admin", ADMIN_PASSWORD, "https://registry.apne2.example.com"],
      );
      assert.ok(!JSON.stringify(rest).includes(ADMIN_PASSWORD));
      assert.ok(prod.secrets(r).includes("connection"), `${r.name}: connection is a secret input`);
      assert.ok(r.additionalSecretOutputs.includes("connection"), `${r.name}: connection is a secret output`);
    }
    for (const r of prod.byType(DYNAMIC).filter((x) => prod.inputs(x).kind === "harbor:RobotAccount")) {
      assert.ok(r.additionalSecretOutputs.includes("secret"), `${r.name}: robot secret is a secret output`);
    }
  });

  it("children hang off the component, wait for the Harbor release, and pull secrets use the given k8s provider", () => {
    const component = prod.one(COMPONENT, "harbor-config");
    const release = prod.one("kubernetes:helm.sh/v3:Release", "harbor");
    for (const r of prod.byType(DYNAMIC)) {
      assert.strictEqual(prod.parentOf(r)?.urn, component.urn, r.name);
      assert.ok(r.dependencies.includes(release.urn), `${r.name} depends on the Harbor release`);
    }
    for (const r of prod.byType("kubernetes:core/v1:Secret")) {
      assert.strictEqual(prod.parentOf(r)?.urn, component.urn);
      assert.strictEqual(prod.providerOf(r)?.name, "p");
    }
  });

  it("projects are protected where the stack protects (prod), and nothing else of Harbor's configuration is", () => {
    const protectedNames = (rec: Recorded) =>
      rec.all
        .filter((r) => r.protect)
        .map((r) => `${r.name} ${String(rec.inputs(r).kind ?? r.type)}`)
        .sort();
    assert.deepStrictEqual(protectedNames(prod), [
      "harbor-config-apps-project harbor:Project",
      "harbor-config-dockerhub-cache-project harbor:Project",
      "harbor-config-platform-project harbor:Project",
    ]);
    assert.deepStrictEqual(protectedNames(dev), []);
    assert.deepStrictEqual(
      dev.byType(DYNAMIC).filter((r) => dev.inputs(r).kind === "harbor:Project").length,
      2,
      "dev's projects",
    );
    assert.strictEqual(prod.all.filter((r) => r.retainOnDelete).length, 0, "retainOnDelete");
  });

  it("pull secrets: dockerconfigjson of the pull robot, secret, in every listed namespace", () => {
    const secrets = prod.byType("kubernetes:core/v1:Secret");
    assert.deepStrictEqual(
      secrets.map((s) => `${prod.inputs(s).metadata.namespace}/${prod.inputs(s).metadata.name}`).sort(),
      ["apps/harbor-apps-pull", "apps/harbor-platform-pull", "default/harbor-platform-pull"],
    );
    const s = prod.one("kubernetes:core/v1:Secret", "harbor-config-platform-pull-secret-default");
    const inputs = prod.inputs(s);
    assert.strictEqual(inputs.type, "kubernetes.io/dockerconfigjson");
    assert.deepStrictEqual(prod.secrets(s), ["stringData"]);
    const doc = JSON.parse(inputs.stringData[".dockerconfigjson"] as string) as {
      auths: Record<string, { username: string; password: string; auth: string }>;
    };
    const entry = doc.auths["registry.apne2.example.com"];
    assert.strictEqual(entry.username, "robot$platform+cluster-pull");
    assert.strictEqual(
      Buffer.from(entry.auth, "base64").toString(),
      `robot$platform+cluster-pull:${entry.password}`,
    );
    assert.ok(entry.password.length >= 16 && entry.password !== ADMIN_PASSWORD);
  });

  it("outputs: robot names in clear, robot secrets and dockerconfigjson secret", () => {
    assert.strictEqual(prod.outputs.platformPullRobot, "robot$platform+cluster-pull");
    assert.strictEqual(prod.outputs.platformPushRobot, "robot$platform+ci-push");
    assert.deepStrictEqual(prod.outputs.platformPullSecrets, [
      "default/harbor-platform-pull",
      "apps/harbor-platform-pull",
    ]);
    assert.deepStrictEqual(prod.outputSecrets().sort(), ["pullConfig", "pullSecret", "pushSecret"]);
  });

  it("preview with Harbor's URL still unknown registers everything and calls nothing", async () => {
    const fake: FakeHarbor = await startFake();
    try {
      const rec = await run("dev", pulumi.output(pulumi.unknown) as pulumi.Output<string>, true);
      assert.strictEqual(Object.keys(kindsOf(rec)).length, 2 * 5 + 2);
      assert.strictEqual(
        JSON.stringify(rec.inputs(rec.one(DYNAMIC, "harbor-config-platform-project")).connection),
        '"[unknown]"',
      );
      assert.strictEqual(fake.requests.length, 0);
    } finally {
      await fake.stop();
    }
  });

  it("the provider text (what the engine stores and runs) works on its own against Harbor", async () => {
    const text = prod.one(DYNAMIC, "harbor-config-platform-project").wire.__provider as string;
    const required = [...new Set([...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))].sort();
    assert.deepStrictEqual(required, ["fs", "path"], "a loader: the implementation comes from the package");
    const mod: { exports: { handler?: () => pulumi.dynamic.ResourceProvider } } = { exports: {} };
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- evaluating the serialized provider, as the engine does
    new Function("exports", "require", "module", text)(mod.exports, require, mod);
    const provider = mod.exports.handler!();
    const fake = await startFake();
    try {
      const inputs = {
        kind: "harbor:Project",
        connection: connOf(fake),
        name: "serialized",
        public: false,
        scanOnPush: true,
        preventVulnerable: true,
        severity: "high",
        cosign: false,
        quotaGiB: -1,
      };
      const created = await provider.create(inputs);
      assert.strictEqual(fake.projectByName("serialized")?.project_id, Number(created.id));
      const diff = await provider.diff!(created.id, created.outs, { ...inputs, severity: "critical" });
      assert.deepStrictEqual(diff, { changes: true, replaces: [] });
      const robotInputs = {
        kind: "harbor:RobotAccount",
        connection: connOf(fake),
        project: "serialized",
        name: "cluster-pull",
        description: "",
        access: PULL_ROBOT_ACCESS.map((a) => ({ ...a })),
        duration: -1,
        rotation: "1",
      };
      const robot = await provider.create(robotInputs);
      const rotated = await provider.update!(robot.id, robot.outs, { ...robotInputs, rotation: "2" });
      assert.strictEqual(rotated.outs.secret, fake.robots.get(Number(robot.id))?.secret);
      assert.notStrictEqual(rotated.outs.secret, robot.outs.secret);
      await provider.delete!(robot.id, rotated.outs);
      await provider.delete!(created.id, created.outs);
      assert.strictEqual(fake.projects.size, 0);
      assert.deepStrictEqual(fake.schemaErrors, []);
    } finally {
      await fake.stop();
    }
  });

  it("a project with tagRetention: false gets no retention policy (mirrors hold tags retention would delete)", async () => {
    const rec = await run("onprem", "https://registry.dc1.corp.internal");
    const kinds = kindsOf(rec);
    assert.strictEqual(kinds["harbor-config-mirror-project"], "harbor:Project");
    assert.strictEqual(
      kinds["harbor-config-mirror-retention"],
      undefined,
      "the mirror project has a retention policy",
    );
    assert.strictEqual(kinds["harbor-config-platform-retention"], "harbor:RetentionPolicy");
    assert.deepStrictEqual(
      harborConfigPlan({ url: "https://x", adminPassword: "p", projects: [{ name: "a" }] }).projects.map(
        (p) => p.tagRetention,
      ),
      [true],
    );
  });
});
