import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ResourceDoc } from "../../tools/synth/render";
import { parseStackConfig, SECRET_PLACEHOLDER } from "../../tools/synth/stackfile";
import { ROOT } from "../harness";

const CLI = path.join(ROOT, "dist", "tools", "synth", "cli.js");

describe("synth: stack files", () => {
  it("turns objects into JSON, secure values into secret placeholders", () => {
    const sc = parseStackConfig(
      [
        "config:",
        "  registry-platform:environment: dev",
        "  registry-platform:storage:",
        "    recoveryWindowDays: 7",
        "  registry-platform:s3SecretKey:",
        "    secure: v1:abc",
        "  aws:region: us-east-1",
      ].join("\n"),
      "x.yaml",
    );
    assert.deepStrictEqual(sc.config, {
      "registry-platform:environment": "dev",
      "registry-platform:storage": '{"recoveryWindowDays":7}',
      "registry-platform:s3SecretKey": SECRET_PLACEHOLDER,
      "aws:region": "us-east-1",
    });
    assert.deepStrictEqual(sc.secretKeys, ["registry-platform:s3SecretKey"]);
  });

  it("names the file on malformed YAML", () => {
    assert.throws(
      () => parseStackConfig("config: [", "stacks/Pulumi.bad.yaml"),
      /stacks\/Pulumi.bad.yaml: not valid YAML/,
    );
  });
});

describe("synth: CLI", function () {
  this.timeout(60000);
  let out: string;
  before(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "synth-"));
  });

  it("writes resources.json and outputs.json with secrets redacted", () => {
    const stdout = execFileSync(process.execPath, [CLI, "--stack", "prod-apne2", "--out", out], {
      encoding: "utf8",
    });
    assert.match(stdout, /resources by type:/);
    const resources = JSON.parse(
      fs.readFileSync(path.join(out, "prod-apne2", "resources.json"), "utf8"),
    ) as ResourceDoc[];
    const outputs = JSON.parse(
      fs.readFileSync(path.join(out, "prod-apne2", "outputs.json"), "utf8"),
    ) as Record<string, unknown>;
    assert.ok(resources.length > 0);
    for (const r of resources) {
      assert.match(r.urn, /^urn:pulumi:prod-apne2::registry-platform::/);
      assert.ok(Array.isArray(r.dependencies));
    }
    assert.strictEqual(outputs.registryHost, "registry.apne2.example.com");
    const text =
      fs.readFileSync(path.join(out, "prod-apne2", "resources.json"), "utf8") + JSON.stringify(outputs);
    assert.ok(!text.includes(SECRET_PLACEHOLDER), "a secret config value leaked into the synth output");
    assert.ok(!/PRIVATE KEY-----\\n[A-Za-z0-9+/]/.test(text), "a private key leaked into the synth output");
  });

  it("invalid config: exit 2, every problem on stderr, no files left behind", () => {
    const dir = path.join(out, "dev");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "resources.json"), "stale");
    const bad = path.join(out, "bad.yaml");
    fs.writeFileSync(
      bad,
      "config:\n  registry-platform:environment: qa\n  registry-platform:region: ap-northeast-2\n",
    );
    const r = spawnSync(process.execPath, [CLI, "--stack", "dev", "--config-file", bad, "--out", out], {
      encoding: "utf8",
    });
    assert.strictEqual(r.status, 2, r.stderr);
    assert.match(
      r.stderr,
      /registry-platform:environment: found "qa"; allowed: one of "dev", "staging", "prod"/,
    );
    assert.match(r.stderr, /registry-platform:host: found nothing \(the key is required\)/);
    assert.ok(!fs.existsSync(path.join(dir, "resources.json")));
    assert.ok(!fs.existsSync(path.join(dir, "outputs.json")));
  });

  it("rejects unknown arguments with usage", () => {
    const r = spawnSync(process.execPath, [CLI, "--stak", "dev"], { encoding: "utf8" });
    assert.strictEqual(r.status, 64);
    assert.match(r.stderr, /unknown argument --stak\nusage: synth --stack <name>/);
  });
});
