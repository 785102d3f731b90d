/**
 * The Harbor provider as the real engine runs it: serialized with `pulumi.runtime.serializeFunction` exactly as
 * `pulumi.dynamic.Resource` does (`serializeFunction(() => provider, { allowSecrets: true })`), loaded from that
 * text the way the engine's dynamic-provider host does (`require-from-string`: a module compiled from the text,
 * resolving `require` from the working directory), and made to fail against the fake Harbor. The engine reports
 * a failed operation with the error's `message` (`error: <message>`), so every failure must keep it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import Module from "module";
import * as path from "path";
import { harborProvider } from "../../components/harbor-config/dynamic";
import { FakeHarbor } from "./support/fake-harbor";
import { connOf, projectInputs, rejection, startFake } from "./support/setup";

type Provider = Required<pulumi.dynamic.ResourceProvider>;

/** What the engine's dynamic-provider host does with the `__provider` text (require-from-string). */
export function loadSerializedProvider(text: string): Provider {
  const m = new Module("", undefined) as Module & {
    _compile(code: string, filename: string): void;
  };
  m.filename = "";
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    path.dirname(""),
  );
  m._compile(text, "");
  return (m.exports as { handler: () => Provider }).handler();
}

export async function serializedProviderText(): Promise<string> {
  const sf = await pulumi.runtime.serializeFunction(() => harborProvider, { allowSecrets: true });
  return sf.text;
}

describe("harbor-config: the serialized provider, as the engine runs it", function () {
  this.timeout(60_000);
  let fake: FakeHarbor;
  let provider: Provider;
  before(async () => {
    provider = loadSerializedProvider(await serializedProviderText());
  });
  beforeEach(async () => (fake = await startFake()));
  afterEach(() => fake.stop());

  it("a Harbor error response keeps its message (HTTP status, code and Harbor's text)", async () => {
    const inputs = projectInputs(fake, { connection: connOf(fake, { password: "wrong" }) });
    const e = await rejection(() => provider.create(inputs));
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
    const e = await rejection(() => provider.create(inputs));
    assert.match(e.message, /^Harbor API POST \/projects: gave up after 2 attempts; last error: /);
    assert.match(e.message, /connection to 127\.0\.0\.1:\d+ refused \(ECONNREFUSED\)/);
    fake = await startFake();
  });

  it("an explained failure (project with repositories) keeps its message on delete", async () => {
    const created = await provider.create(projectInputs(fake));
    fake.projectByName("platform")!.repo_count = 2;
    const e = await rejection(() => provider.delete(created.id, created.outs));
    assert.match(e.message, /Harbor refused to delete project "platform" \(HTTP 412/);
  });
});
