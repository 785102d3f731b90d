/**
 * End-to-end: registry-platform as a library another team installs. `npm pack`, then an offline `npm install` of
 * the tarball into a scratch Pulumi project with its own @pulumi/pulumi (the floor of the peer range, as in
 * test/package/pack.test.ts), whose program creates a `HarborConfig`; `pulumi up` on the real engine against the
 * fake Harbor over TLS. The engine's Node.js dynamic provider (from the consumer's @pulumi/pulumi) runs the loader
 * text stored with each Harbor resource, and the loader can only find the implementation in
 * node_modules/registry-platform: the consumer's package.json has another name and no parent directory holds the
 * package. Checked: create, the state (the loader, no client code), an update of one project, drift found by
 * `refresh` and undone by `up`, a missing build's message, `destroy`.
 * No Kubernetes: the program creates only Harbor API resources. Report: <E2E_REPORT_DIR or out/e2e>/library/.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import {
  HARBOR_PROVIDER_TEXT,
  IMPLEMENTATION,
  PACKAGE,
} from "../../components/harbor-config/provider-loader";
import { FakeHarbor } from "../harbor-config/support/fake-harbor";
import { startFake } from "../harbor-config/support/setup";
import { testPki } from "../harbor-config/support/tls";
import { installConsumer, PEER_FLOOR_ALIAS, run as runSync } from "../package/consumer";
import { resourceSummary } from "./support/output";
import { failure } from "./support/proc";
import { Report } from "./support/report";
import { RunSetup } from "./support/run-setup";
import { loadSettings, preflight, ROOT } from "./support/settings";
import { PulumiWorkspace } from "./support/workspace";

const STACK = "dev";
const PROJECT = "library-consumer";
const DYNAMIC = "pulumi-nodejs:dynamic:Resource";
/** What HarborConfig creates for one project without pull-secret namespaces, and Harbor's GC and audit purge. */
const HARBOR_RESOURCES = [
  "lib-apps-project",
  "lib-apps-push-robot",
  "lib-apps-pull-robot",
  "lib-apps-immutable-releases",
  "lib-apps-retention",
  "lib-gc",
  "lib-audit-purge",
];

/** The consumer's program: plain JavaScript, `registry-platform` required as any npm dependency. */
const PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const { HarborConfig } = require("registry-platform");
const c = new pulumi.Config();
const harbor = new HarborConfig("lib", {
  url: c.require("url"),
  adminPassword: c.requireSecret("adminPassword"),
  caBundlePem: c.require("caPem"),
  projects: c.requireObject("projects"),
});
exports.projectIds = Object.fromEntries(Object.entries(harbor.projects).map(([k, v]) => [k, v.projectId]));
`;

const base = loadSettings();
const reportDir = path.join(base.reportDir, "library");
const report = new Report();

interface StateResource {
  urn: string;
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

describe("library consumer: the packed package installed into another project, HarborConfig on the real engine", function () {
  const setup = new RunSetup("e2e library", report, base);
  const done = new Set<string>();
  const need = (...steps: string[]) => {
    for (const s of steps) if (!done.has(s)) throw new Error(`not run: the "${s}" step did not pass`);
  };
  let ws: PulumiWorkspace | undefined;
  let fake: FakeHarbor | undefined;
  const W = (): PulumiWorkspace => {
    if (!ws) throw new Error("set-up did not complete (see the before-all hook)");
    return ws;
  };
  const F = (): FakeHarbor => {
    if (!fake) throw new Error("set-up did not complete (see the before-all hook)");
    return fake;
  };
  const cli = (args: string[]) => W().cli(args, { stack: STACK });
  const cliOk = (args: string[]) => W().cliOk(args, { stack: STACK });
  const severityOnHarbor = () => [...F().projects.values()].find((p) => p.name === "apps")?.metadata.severity;
  /** Sets (or, without a value, removes) a setting of the consumer's one project in its stack config. */
  const projectSetting = (key: string, value?: string, type = "string") =>
    value === undefined
      ? cliOk(["config", "rm", "--path", `${PROJECT}:projects[0].${key}`])
      : cliOk(["config", "set", "--path", `${PROJECT}:projects[0].${key}`, value, "--type", type]);

  before(async function () {
    this.timeout(300_000);
    const tmp = setup.begin(await preflight(base), "registry-platform-e2e-library-", reportDir);
    const w = new PulumiWorkspace({ ...base, reportDir }, tmp, "/dev/null", report);
    const pack = () => {
      runSync(process.platform === "win32" ? "npm.cmd" : "npm", ["pack", "--pack-destination", tmp], {
        cwd: ROOT,
      });
      const tgz = fs.readdirSync(tmp).filter((f) => f.endsWith(".tgz"));
      assert.strictEqual(tgz.length, 1, `npm pack wrote ${tgz.join(", ")}`);
      return path.join(tmp, tgz[0]);
    };
    const tarball = await report.phase("npm pack (the package's prepack build)", () =>
      Promise.resolve(pack()),
    );
    w.makeDirs();
    const install = () =>
      installConsumer(w.projectDir, tarball, {
        substitutes: { "@pulumi/pulumi": `node_modules/${PEER_FLOOR_ALIAS}` },
      });
    await report.phase("offline npm install of the tarball into the consumer project", () =>
      Promise.resolve(install()),
    );
    fs.writeFileSync(path.join(w.projectDir, "index.js"), PROGRAM);
    fs.writeFileSync(
      path.join(w.projectDir, "Pulumi.yaml"),
      `name: ${PROJECT}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n`,
    );
    const f = await startFake();
    setup.cleanup("stop the fake Harbor", () => f.stop());
    await w.login();
    await w.initStack(STACK, {
      [`${PROJECT}:url`]: f.url,
      [`${PROJECT}:caPem`]: testPki().caPem,
      [`${PROJECT}:projects`]: [{ name: "apps" }],
    });
    await w.setSecret(STACK, `${PROJECT}:adminPassword`, f.password);
    ws = w;
    fake = f;
    console.log(`    e2e library: engine ${base.pulumiBin}; fake Harbor ${f.url}; scratch ${tmp}`);
  });

  afterEach(function () {
    const t = this.currentTest!;
    report.endCheck(t.title, t.state ?? "pending", t.duration ?? 0, t.err?.message);
  });

  after(async function () {
    this.timeout(300_000);
    if (ws && done.has("up") && !done.has("destroy")) {
      const r = await cli(["destroy", "--yes", "--skip-preview"]);
      if (r.code !== 0) console.error(`    e2e library: destroy failed: ${failure(r)}`);
    }
    await setup.cleanUp();
    if (!setup.ranChecks) return;
    const md = report.write(reportDir);
    console.log(`\n${report.markdown()}\n(report: ${md}; command logs under ${reportDir})`);
  });

  it("the consumer is not the package: its package.json has another name, and the package is in its node_modules", () => {
    const w = W();
    const own = JSON.parse(fs.readFileSync(path.join(w.projectDir, "package.json"), "utf8")) as {
      name: string;
    };
    assert.notStrictEqual(own.name, PACKAGE);
    assert.ok(fs.existsSync(path.join(w.projectDir, "node_modules", PACKAGE, IMPLEMENTATION)));
    // No directory above the project is (or holds) the package: the loader can only find the installed copy.
    for (let d = path.dirname(w.projectDir); ; d = path.dirname(d)) {
      assert.ok(!fs.existsSync(path.join(d, "node_modules", PACKAGE)), `${d} holds ${PACKAGE}`);
      const pkg = path.join(d, "package.json");
      if (fs.existsSync(pkg))
        assert.notStrictEqual((JSON.parse(fs.readFileSync(pkg, "utf8")) as { name?: string }).name, PACKAGE);
      if (path.dirname(d) === d) break;
    }
  });

  it("`pulumi up` creates the Harbor objects through the installed package's provider", async function () {
    const r = await cliOk(["up", "--yes", "--skip-preview"]);
    done.add("up");
    assert.deepStrictEqual(resourceSummary(r.stdout), { created: HARBOR_RESOURCES.length + 2 });
    const f = F();
    const project = [...f.projects.values()].find((p) => p.name === "apps");
    assert.ok(project, "project apps not on Harbor");
    assert.strictEqual(project.metadata.severity, "high");
    assert.deepStrictEqual([...f.robots.values()].map((x) => x.name).sort(), [
      "robot$apps+ci-push",
      "robot$apps+cluster-pull",
    ]);
    assert.strictEqual(f.immutableRules.size, 1);
    assert.strictEqual(f.retentions.size, 1);
    assert.ok(f.gcSchedule, "no GC schedule on Harbor");
    assert.ok(f.purgeSchedule, "no audit-log purge schedule on Harbor");
    const outputs = await W().outputs(STACK, false);
    assert.deepStrictEqual(outputs.projectIds, { apps: project.project_id });
  });

  it("the state holds the loader with each Harbor resource, no client code", async function () {
    need("up");
    const text = await W().exportText(STACK);
    const resources = (JSON.parse(text) as { deployment: { resources: StateResource[] } }).deployment
      .resources;
    const harbor = resources.filter((r) => r.type === DYNAMIC);
    assert.deepStrictEqual(harbor.map((r) => r.urn.split("::").pop()).sort(), [...HARBOR_RESOURCES].sort());
    for (const r of harbor) {
      assert.strictEqual(r.inputs?.__provider, HARBOR_PROVIDER_TEXT, r.urn);
      assert.strictEqual(r.outputs?.__provider, HARBOR_PROVIDER_TEXT, r.urn);
    }
    // Names that exist only in the client and CRUD code (a closure serialization would carry them).
    for (const code of ["HarborClient", "harborProviderImpl = ", "retryDelayMs", "function request("])
      assert.ok(!text.includes(code), `the state holds client code (${code})`);
    const sizes = harbor.map((r) => Buffer.byteLength(JSON.stringify(r, null, 4)));
    report.note(
      `state: ${(Buffer.byteLength(text) / 1024).toFixed(1)} KB for ${resources.length} resources; ` +
        `Harbor resources ${(Math.min(...sizes) / 1024).toFixed(1)}–${(Math.max(...sizes) / 1024).toFixed(1)} KB each`,
    );
    assert.ok(
      Math.max(...sizes) < 16 * 1024,
      `a Harbor resource of ${Math.max(...sizes)} bytes in the state`,
    );
  });

  it("a changed project setting updates that project alone", async function () {
    need("up");
    await projectSetting("severity", "critical");
    const r = await cliOk(["up", "--yes", "--skip-preview"]);
    assert.deepStrictEqual(resourceSummary(r.stdout), { updated: 1, unchanged: HARBOR_RESOURCES.length + 1 });
    assert.strictEqual(severityOnHarbor(), "critical");
    await cliOk(["preview", "--expect-no-changes"]);
    done.add("update");
  });

  it("`refresh` finds a change made on Harbor, and `up` undoes it", async function () {
    need("update");
    const project = [...F().projects.values()].find((p) => p.name === "apps")!;
    project.metadata.severity = "low";
    await cliOk(["refresh", "--yes", "--skip-preview"]);
    const drift = await cli(["preview", "--expect-no-changes"]);
    assert.notStrictEqual(drift.code, 0, "the preview after refresh did not show the drift");
    const r = await cliOk(["up", "--yes", "--skip-preview"]);
    assert.strictEqual(resourceSummary(r.stdout).updated, 1);
    assert.strictEqual(severityOnHarbor(), "critical");
    await cliOk(["preview", "--expect-no-changes"]);
  });

  it("a package upgrade that only changes the loader text is no change; the state takes the new text", async function () {
    need("update");
    const file = path.join(
      W().projectDir,
      "node_modules",
      PACKAGE,
      "dist/components/harbor-config/provider-loader.js",
    );
    const original = fs.readFileSync(file, "utf8");
    const upgraded = original.replace('"use strict";\nconst P', '"use strict"; // a later version\nconst P');
    assert.notStrictEqual(upgraded, original, "the installed loader module changed its form");
    // A new file, not a write through: npm extracted the package, but never write into a linked file.
    const replace = (text: string) => {
      fs.rmSync(file);
      fs.writeFileSync(file, text);
    };
    replace(upgraded);
    try {
      await cliOk(["preview", "--expect-no-changes"]);
      const r = await cliOk(["up", "--yes", "--skip-preview"]);
      assert.deepStrictEqual(resourceSummary(r.stdout), { unchanged: HARBOR_RESOURCES.length + 2 });
      const resources = (
        JSON.parse(await W().exportText(STACK)) as { deployment: { resources: StateResource[] } }
      ).deployment.resources;
      const stored = resources.filter((x) => x.type === DYNAMIC).map((x) => x.inputs?.__provider as string);
      assert.strictEqual(stored.length, HARBOR_RESOURCES.length);
      for (const text of stored) assert.match(text, /a later version/);
    } finally {
      replace(original);
    }
    await cliOk(["preview", "--expect-no-changes"]);
  });

  it("without the installed package's build, a Harbor operation fails saying to reinstall it", async function () {
    need("up");
    const impl = path.join(W().projectDir, "node_modules", PACKAGE, IMPLEMENTATION);
    fs.renameSync(impl, `${impl}.away`);
    try {
      await projectSetting("quotaGiB", "10", "int");
      const r = await cli(["preview"]);
      assert.notStrictEqual(r.code, 0, "the preview succeeded without the provider");
      assert.match(
        r.stdout + r.stderr,
        /the Harbor provider of registry-platform is not built: .*provider\.js is missing/,
      );
      // Not `npm run build`: the installed package has no sources to build from.
      assert.match(r.stdout + r.stderr, /is missing; reinstall registry-platform with npm scripts enabled/);
      assert.doesNotMatch(r.stdout + r.stderr, /npm run build/);
    } finally {
      fs.renameSync(`${impl}.away`, impl);
      await projectSetting("quotaGiB");
    }
    await cliOk(["preview", "--expect-no-changes"]);
  });

  it("`pulumi destroy` deletes the Harbor objects", async function () {
    need("up");
    const r = await cliOk(["destroy", "--yes", "--skip-preview"]);
    done.add("destroy");
    assert.deepStrictEqual(resourceSummary(r.stdout), { deleted: HARBOR_RESOURCES.length + 2 });
    const f = F();
    assert.deepStrictEqual(
      [...f.projects.values()].map((p) => p.name),
      [],
    );
    assert.strictEqual(f.robots.size, 0);
    assert.strictEqual(f.gcSchedule, undefined);
    assert.strictEqual(f.purgeSchedule, undefined);
    assert.deepStrictEqual(await W().resources(STACK), []);
  });
});
