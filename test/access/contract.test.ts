/**
 * The output contract: every repository stack exports it (version, types, secret-ness), and the consumer-side
 * reader refuses other versions and wrong types with messages that say what to do.
 */
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import {
  checkContractVersion,
  ContractError,
  PlatformStackOutputs,
  platformContractSchema,
  readPlatformContract,
  SECRET_OUTPUTS,
} from "../../components/access/contract";
import { OUTPUT_CONTRACT_VERSION } from "../../components/platform/outputs";
import { registerStackReference } from "../../tools/synth/mocks";
import { ROOT, runComponent, stackRun } from "../harness";

const STACKS = ["dev", "prod-apne2", "prod-apne1", "onprem"];

describe("output contract: what the platform stacks export", function () {
  this.timeout(120000);

  for (const stack of STACKS)
    it(`${stack}: matches contract v${OUTPUT_CONTRACT_VERSION}; exactly the contract's secret outputs are secret`, async () => {
      const rec = await stackRun(stack);
      const c = readPlatformContract(rec.outputs, stack);
      assert.strictEqual(c.contractVersion, OUTPUT_CONTRACT_VERSION);
      assert.strictEqual(c.registryUrl, `https://${c.registryHost}`);
      assert.match(c.registryBucketArn, new RegExp(`^arn:aws:s3:::${c.registryBucket}$`));
      assert.match(c.backupBucketArn, new RegExp(`^arn:aws:s3:::${c.backupBucket}$`));
      const secretTop = [...new Set(rec.outputSecrets().map((p) => p.split(/[.[]/)[0]))].sort();
      const expected = SECRET_OUTPUTS.filter((k) => c[k] !== undefined).sort();
      assert.deepStrictEqual(secretTop, expected);
      // A secret output that is a record is secret in each of its entries, or whole: one entry in the clear fails.
      for (const k of expected) {
        const v = (rec.outputs as Record<string, unknown>)[k];
        if (v === null || typeof v !== "object") continue;
        const paths = rec.outputSecrets();
        if (paths.includes(k)) continue;
        for (const entry of Object.keys(v))
          assert.ok(paths.includes(`${k}.${entry}`), `${stack}: ${k}.${entry} not secret`);
      }
    });

  it("dev: pull robots per project with `$` in the name, and a dockerconfigjson for each", async () => {
    const c = readPlatformContract((await stackRun("dev")).outputs, "dev");
    assert.deepStrictEqual(Object.keys(c.harborProjects ?? {}).sort(), ["apps", "platform"]);
    assert.strictEqual(c.harborProjects!.apps.pullRobot, "robot$apps+cluster-pull");
    const auths = JSON.parse(c.pullDockerConfigJson!.apps).auths;
    assert.strictEqual(auths[c.registryHost].username, "robot$apps+cluster-pull");
  });
});

describe("output contract: the consumer-side reader", () => {
  const valid = () => ({
    contractVersion: 1,
    environment: "dev",
    region: "ap-northeast-2",
    role: "primary",
    registryHost: "registry.example.com",
    registryUrl: "https://registry.example.com",
    registryBucket: "reg",
    registryBucketArn: "arn:aws:s3:::reg",
    backupBucket: "bak",
    backupBucketArn: "arn:aws:s3:::bak",
    storageRegion: "ap-northeast-2",
    harborNamespace: "harbor",
    harborAdminPassword: "s3cret-admin",
  });

  it("accepts a valid set and ignores outputs it does not know (added later without a version bump)", () => {
    const c = readPlatformContract({ ...valid(), somethingNew: { x: 1 } }, "org/registry-platform/dev");
    assert.strictEqual(c.registryHost, "registry.example.com");
    assert.ok(!("somethingNew" in c));
  });

  it("no contractVersion: says the platform predates the contract and must be redeployed", () => {
    const { contractVersion: _v, ...old } = valid();
    assert.throws(
      () => readPlatformContract(old, "org/registry-platform/dev"),
      (e: Error) =>
        e instanceof ContractError &&
        e.message ===
          "platform stack org/registry-platform/dev exports no contractVersion: it was deployed by a " +
            "registry-platform older than the versioned output contract (this consumer reads v1). Run `pulumi up` " +
            "on the platform stack with a current registry-platform, then retry.",
    );
  });

  it("a newer version: upgrade the consumer; an older one: redeploy the platform; not a number: says so", () => {
    assert.throws(
      () => checkContractVersion(2, "p/r/s"),
      /^ContractError: platform stack p\/r\/s exports output contract v2; this consumer reads v1\. Upgrade registry-platform in the consuming project\.$/,
    );
    assert.throws(
      () => checkContractVersion(0, "p/r/s"),
      /exports output contract v0, which this consumer no longer reads \(v1\)\. Redeploy the platform stack/,
    );
    assert.throws(
      () => checkContractVersion("1", "p/r/s"),
      /contractVersion is "1"; expected a whole number \(v1\)/,
    );
  });

  it("lists every wrong field at once, never rendering a secret output's value", () => {
    assert.throws(
      () =>
        readPlatformContract(
          {
            ...valid(),
            registryHost: 42,
            registryUrl: "http://x/y",
            harborAdminPassword: 7,
            pullDockerConfigJson: { a: 1 },
          },
          "s",
        ),
      (e: Error) => {
        assert.match(e.message, /^platform stack s does not match output contract v1:\n/);
        assert.match(e.message, /  - output registryHost: found 42; expected /);
        assert.match(
          e.message,
          /  - output registryUrl: found "http:\/\/x\/y"; expected an https:\/\/ URL without a path/,
        );
        assert.match(e.message, /  - output harborAdminPassword: found \[secret\]; expected /);
        assert.match(e.message, /  - output pullDockerConfigJson\.a: found \[secret\]; expected /);
        assert.ok(!e.message.includes("s3cret"));
        return true;
      },
    );
  });

  it("from plain values: the contract's secret outputs become secrets, the rest stay plain", async () => {
    const rec = await runComponent(() => {
      const p = PlatformStackOutputs.fromValues(valid(), "direct");
      return { host: p.field("registryHost"), pw: p.field("harborAdminPassword") };
    });
    assert.deepStrictEqual(rec.outputs, { host: "registry.example.com", pw: "s3cret-admin" });
    assert.deepStrictEqual(rec.outputSecrets(), ["pw"]);
  });

  it("through a StackReference: fields keep the platform's secret-ness; a version mismatch fails the read", async () => {
    registerStackReference(
      "org/registry-platform/contract-ok",
      { ...valid(), pullDockerConfigJson: { apps: "{}" } },
      ["harborAdminPassword", "pullDockerConfigJson"],
    );
    const rec = await runComponent(() => {
      const ref = new pulumi.StackReference("platform", { name: "org/registry-platform/contract-ok" });
      const p = PlatformStackOutputs.fromStackReference(ref, "org/registry-platform/contract-ok");
      return {
        host: p.field("registryHost"),
        pw: p.field("harborAdminPassword"),
        pull: p.field("pullDockerConfigJson"),
      };
    });
    assert.strictEqual(rec.outputs.host, "registry.example.com");
    assert.deepStrictEqual(rec.outputSecrets().sort(), ["pull", "pw"]);

    registerStackReference("org/registry-platform/contract-v2", { ...valid(), contractVersion: 2 });
    await assert.rejects(
      runComponent(() => {
        const ref = new pulumi.StackReference("platform", { name: "org/registry-platform/contract-v2" });
        return {
          host: PlatformStackOutputs.fromStackReference(ref, "org/registry-platform/contract-v2").field(
            "registryHost",
          ),
        };
      }),
      /platform stack org\/registry-platform\/contract-v2 exports output contract v2; this consumer reads v1/,
    );
  });
});

describe("output contract: the README's Outputs table", () => {
  it("documents exactly the contract's outputs, the secret ones as secret and the optional ones as optional", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("\n## Outputs\n"), readme.indexOf("\n## Use as a library\n"));
    const rows = section
      .split("\n")
      .filter((l) => /^\| `/.test(l))
      .map((l) => l.split("|").map((c) => c.trim()));
    const documented = new Map<string, { type: string; secret: string }>();
    for (const [, names, type, secret] of rows)
      for (const n of names.split(",")) documented.set(n.trim().replace(/`/g, ""), { type, secret });
    const shape = platformContractSchema.shape as Record<
      string,
      { safeParse(v: unknown): { success: boolean } }
    >;
    assert.deepStrictEqual([...documented.keys()].sort(), Object.keys(shape).sort());
    for (const [name, { type, secret }] of documented) {
      assert.strictEqual(secret === "**yes**", (SECRET_OUTPUTS as readonly string[]).includes(name), name);
      assert.strictEqual(/optional/.test(type), shape[name].safeParse(undefined).success, `${name}: ${type}`);
    }
  });
});
