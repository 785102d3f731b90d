/**
 * The Harbor provider as the real engine runs it.
 *
 * The engine's dynamic-provider host takes a resource's `__provider` text, compiles it as a module
 * (`require-from-string`: `require` resolves from the working directory) and calls `exports.handler()`. Two
 * texts are tested here, each loaded that way and made to fail against the fake Harbor; the engine reports a
 * failed operation with the error's `message` (`error: <message>`), so every failure must keep it:
 * - the text the Harbor resources carry: the fixed loader of provider-loader.ts, which finds the
 *   implementation in the package (this checkout, or node_modules of a consumer project);
 * - the implementation itself closure-serialized with `pulumi.runtime.serializeFunction`, exactly as
 *   `pulumi.dynamic.Resource` does (`serializeFunction(() => provider, { allowSecrets: true })`) — how the
 *   provider was stored before, and what a program gets that passes `harborProviderImpl` to its own
 *   `pulumi.dynamic.Resource`. Closure serialization rewrites `super(message)` in classes extending Error.
 */
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import * as fs from "fs";
import Module from "module";
import * as path from "path";
import { Project } from "../../components/harbor-config/dynamic";
import { harborProviderImpl } from "../../components/harbor-config/provider";
import {
  HARBOR_PROVIDER_TEXT,
  IMPLEMENTATION,
  isLoaderText,
  LOADER_MARKER,
  PACKAGE,
} from "../../components/harbor-config/provider-loader";
import { ROOT, runComponent } from "../harness";
import { FakeHarbor } from "./support/fake-harbor";
import { connOf, projectInputs, rejection, startFake } from "./support/setup";
import { scratchDir } from "../harness/scratch";

type Provider = Required<pulumi.dynamic.ResourceProvider>;

/** Inputs need a connection only to be compared: a fake Harbor that is never started. */
const fakeless = () =>
  ({ url: "https://127.0.0.1:1", username: "admin", password: "pw" }) as unknown as FakeHarbor;

/** What the engine's dynamic-provider host does with the `__provider` text (require-from-string). */
export function compileProviderText(text: string): {
  handler: () => Provider;
  load?: (from?: string) => Provider;
} {
  const m = new Module("", undefined) as Module & { _compile(code: string, filename: string): void };
  m.filename = "";
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    path.dirname(""),
  );
  m._compile(text, "");
  return m.exports as { handler: () => Provider; load?: (from?: string) => Provider };
}

/** Each engine-facing failure mode, against `provider` loaded from some text. */
function failureCases(get: () => Provider) {
  let fake: FakeHarbor;
  beforeEach(async () => (fake = await startFake()));
  afterEach(() => fake.stop());

  it("a Harbor error response keeps its message (HTTP status, code and Harbor's text)", async () => {
    const inputs = projectInputs(fake, { connection: connOf(fake, { password: "wrong" }) });
    const e = await rejection(() => get().create(inputs));
    assert.strictEqual(
      e.message,
      "Harbor API POST /projects failed: HTTP 401 UNAUTHORIZED: unauthorized",
      "the engine prints `error: <message>`",
    );
    assert.strictEqual(e.name, "HarborApiError");
  });

  it("a connection failure keeps its message", async () => {
    const url = fake.url;
    await fake.stop();
    const inputs = projectInputs(fake, {
      connection: connOf(fake, { url, maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 }),
    });
    const e = await rejection(() => get().create(inputs));
    assert.match(e.message, /^Harbor API POST \/projects: gave up after 2 attempts; last error: /);
    assert.match(e.message, /connection to 127\.0\.0\.1:\d+ refused \(ECONNREFUSED\)/);
    fake = await startFake();
  });

  it("an explained failure (project with repositories) keeps its message on delete", async () => {
    const created = await get().create(projectInputs(fake));
    fake.projectByName("platform")!.repo_count = 2;
    const e = await rejection(() => get().delete(created.id, created.outs));
    assert.match(e.message, /Harbor refused to delete project "platform" \(HTTP 412/);
  });
}

describe("harbor-config: the provider text in the state (loader), as the engine runs it", function () {
  this.timeout(60_000);
  let stored: string;
  let provider: Provider;
  before(async () => {
    const rec = await runComponent(() => {
      new Project("p", { connection: { url: "https://h", username: "a", password: "p" }, name: "p" });
    });
    stored = rec.one("pulumi-nodejs:dynamic:Resource", "p").wire.__provider as string;
    provider = compileProviderText(stored).handler();
  });

  it("is the small fixed loader: no client code is stored per resource", () => {
    assert.strictEqual(stored, HARBOR_PROVIDER_TEXT);
    assert.ok(stored.length < 1100, `${stored.length} bytes (stored twice per resource)`);
    for (const code of ["HarborClient", "createGuarded", "retentionRules", "https"]) {
      assert.ok(!stored.includes(code), `no ${code} in the state`);
    }
    assert.deepStrictEqual(
      [...new Set([...stored.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))].sort(),
      ["fs", "path"],
      "Node built-ins, then the implementation by absolute path",
    );
  });

  it("a state holding an older provider text (the serialized client) shows one change, then none", async () => {
    const olds = {
      ...projectInputs(fakeless()),
      projectId: 1,
      adopted: false,
      __provider: "exports.handler = ...",
    };
    const news = { ...projectInputs(fakeless()), __provider: HARBOR_PROVIDER_TEXT };
    assert.deepStrictEqual(await provider.diff("1", olds, news), { changes: true, replaces: [] });
    assert.deepStrictEqual(await provider.diff("1", { ...olds, __provider: HARBOR_PROVIDER_TEXT }, news), {
      changes: false,
      replaces: [],
    });
  });

  it("a state holding another version of the loader shows no change (a package upgrade is not an update)", async () => {
    const olds = { ...projectInputs(fakeless()), projectId: 1, adopted: false };
    const news = { ...projectInputs(fakeless()), __provider: HARBOR_PROVIDER_TEXT };
    for (const older of [
      `${LOADER_MARKER}: an older version\nexports.handler = () => require("x");\n`,
      HARBOR_PROVIDER_TEXT.replace("reinstall", "install"),
    ]) {
      assert.strictEqual(isLoaderText(older), true);
      assert.deepStrictEqual(await provider.diff("1", { ...olds, __provider: older }, news), {
        changes: false,
        replaces: [],
      });
    }
    // A real change still shows, whatever the loader versions.
    const quota = await provider.diff(
      "1",
      { ...olds, __provider: `${LOADER_MARKER}\n` },
      { ...news, quotaGiB: 5 },
    );
    assert.strictEqual(quota.changes, true);
    assert.strictEqual(isLoaderText("exports.handler = ..."), false);
    assert.strictEqual(isLoaderText(undefined), false);
  });

  it("loads the implementation from this checkout (the working directory is the package)", () => {
    assert.strictEqual(provider, harborProviderImpl, "the same module the program uses");
  });

  it("loads it from node_modules of a consumer project, from the project or a subdirectory", () => {
    const consumer = scratchDir("harbor-consumer");
    try {
      fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer" }));
      fs.mkdirSync(path.join(consumer, "node_modules"));
      fs.symlinkSync(ROOT, path.join(consumer, "node_modules", PACKAGE));
      fs.mkdirSync(path.join(consumer, "infra"));
      const { load } = compileProviderText(stored);
      assert.strictEqual(load!(consumer), harborProviderImpl);
      assert.strictEqual(load!(path.join(consumer, "infra")), harborProviderImpl);
    } finally {
      fs.rmSync(consumer, { recursive: true, force: true });
    }
  });

  it("says what to do when the package is missing or not built", () => {
    const empty = scratchDir("harbor-nothing");
    try {
      const { load } = compileProviderText(stored);
      assert.throws(
        () => load!(empty),
        new RegExp(`the Harbor provider cannot be found: no ${PACKAGE} package in ${empty} or its parents`),
      );
      fs.mkdirSync(path.join(empty, "node_modules", PACKAGE), { recursive: true });
      fs.writeFileSync(
        path.join(empty, "node_modules", PACKAGE, "package.json"),
        JSON.stringify({ name: PACKAGE }),
      );
      // Installed: there are no sources to build, the package must be reinstalled.
      assert.throws(
        () => load!(empty),
        (e: Error) =>
          e.message ===
          `the Harbor provider of ${PACKAGE} is not built: ${path.join(empty, "node_modules", PACKAGE, IMPLEMENTATION)} ` +
            `is missing; reinstall ${PACKAGE} with npm scripts enabled (its prepare script builds it)`,
      );
      // A checkout of the package: build it there.
      const checkout = path.join(empty, "checkout");
      fs.mkdirSync(checkout);
      fs.writeFileSync(path.join(checkout, "package.json"), JSON.stringify({ name: PACKAGE }));
      assert.throws(
        () => load!(checkout),
        (e: Error) =>
          e.message ===
          `the Harbor provider of ${PACKAGE} is not built: ${path.join(checkout, IMPLEMENTATION)} is missing; ` +
            `run \`npm run build\` in ${checkout}`,
      );
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  failureCases(() => provider);
});

/** `Struct.fromJavaScript` of the google-protobuf that the engine's dynamic-provider host uses for results. */
function engineStruct(): { fromJavaScript(v: unknown): unknown } {
  const from = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  const file = require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [from] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the host's own protobuf module
  return (require(file) as { Struct: { fromJavaScript(v: unknown): unknown } }).Struct;
}

describe("harbor-config: results the engine's host can send (protobuf Struct)", function () {
  this.timeout(60_000);
  let fake: FakeHarbor;
  beforeEach(async () => (fake = await startFake()));
  afterEach(() => fake.stop());

  it("create, read and update results of an endpoint without CA or credentials convert (no undefined values)", async () => {
    // Found on the real engine: a refresh failed with "Unexpected struct type" (read returned undefined fields).
    const Struct = engineStruct();
    const inputs = {
      kind: "harbor:Registry",
      connection: connOf(fake),
      name: "quay-upstream",
      type: "quay",
      url: "https://quay.io/",
      description: "",
      insecure: false,
    };
    const created = await harborProviderImpl.create(inputs);
    Struct.fromJavaScript(created.outs);
    const read = await harborProviderImpl.read!(created.id, created.outs);
    Struct.fromJavaScript(read.props);
    const updated = await harborProviderImpl.update!(created.id, read.props, {
      ...inputs,
      accessKey: "k",
      accessSecret: "s",
    });
    Struct.fromJavaScript(updated.outs);
    const cleared = await harborProviderImpl.update!(created.id, updated.outs, inputs);
    Struct.fromJavaScript(cleared.outs);
    Struct.fromJavaScript((await harborProviderImpl.read!(created.id, cleared.outs)).props);
  });
});

describe("harbor-config: the implementation closure-serialized as pulumi.dynamic.Resource does", function () {
  this.timeout(120_000);
  let provider: Provider;
  before(async () => {
    const sf = await pulumi.runtime.serializeFunction(() => harborProviderImpl, { allowSecrets: true });
    provider = compileProviderText(sf.text).handler();
    assert.notStrictEqual(provider, harborProviderImpl, "a copy compiled from the serialized text");
  });

  failureCases(() => provider);
});
