/**
 * The pack over this project's own stacks, offline: the synth (the real program on the mock engine) writes each
 * stack's desired state, and every policy runs over it with the project's pack config
 * (`config/registry-platform.json`). The real `pulumi preview --policy-pack` run is in test/e2e/policy-pack.e2e.ts.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PolicyResource } from "@pulumi/policy";
import { allowedRegistries, noInsecureTls, noLatestImages, s3BucketProtection } from "../policies";
import { Res, runResourcePolicy, runStackPolicy } from "./helpers";

const ROOT = path.resolve(__dirname, "..", "..", "..", "..");
const PACK_CONFIG = JSON.parse(
  fs.readFileSync(path.join(ROOT, "policy", "config", "registry-platform.json"), "utf8"),
) as Record<string, Record<string, unknown>>;

interface Synthed {
  urn: string;
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

function synth(stack: string): Synthed[] {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "pack-synth-"));
  execFileSync(
    process.execPath,
    [path.join(ROOT, "dist", "tools", "synth", "cli.js"), "--stack", stack, "--out", out, "--quiet"],
    {
      cwd: ROOT,
      stdio: "pipe",
    },
  );
  const file = path.join(out, stack, "resources.json");
  const rs = JSON.parse(fs.readFileSync(file, "utf8")) as Synthed[];
  fs.rmSync(out, { recursive: true, force: true });
  return rs;
}

for (const stack of ["dev", "prod-apne2", "prod-apne1", "onprem"])
  describe(`pack over this project's ${stack} stack (offline synth)`, function () {
    this.timeout(120000);
    let rs: Synthed[];
    before(() => {
      rs = synth(stack);
    });

    it("reports zero violations of every policy", async () => {
      const violations: string[] = [];
      for (const r of rs) {
        const res: Res = { type: r.type, name: r.name, props: r.inputs, stack };
        for (const p of [noLatestImages, allowedRegistries, noInsecureTls])
          for (const m of await runResourcePolicy(p, res, PACK_CONFIG[p.name] ?? {}))
            violations.push(`${p.name} ${r.name}: ${m}`);
      }
      const resources = rs.map(
        (r) =>
          ({
            type: r.type,
            name: r.name,
            urn: r.urn,
            props: r.inputs,
            propertyDependencies: {},
            dependencies: [],
          }) as unknown as PolicyResource,
      );
      for (const v of await runStackPolicy(
        s3BucketProtection,
        resources,
        PACK_CONFIG[s3BucketProtection.name],
      ))
        violations.push(`${s3BucketProtection.name}: ${v.message}`);
      assert.deepStrictEqual(violations, []);
    });

    it("sees the workloads and buckets it judges (the check is not vacuous)", () => {
      const types = new Set(rs.map((r) => r.type));
      assert.ok(types.has("kubernetes:helm.sh/v3:Release"));
      if (stack !== "onprem" || types.has("aws:s3/bucket:Bucket"))
        assert.ok(types.has("aws:s3/bucket:Bucket"));
    });
  });
