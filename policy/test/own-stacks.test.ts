/**
 * The pack over this project's own stacks, offline: the synth (the real program on the mock engine) writes each
 * stack's desired state, and every policy runs over it with the project's pack config
 * (`config/registry-platform.json`). The real `pulumi preview --policy-pack` run is in test/e2e/policy-pack.e2e.ts.
 */
import * as assert from "assert";
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

/** The stacks a stack lists as replication peers (a primary reads them: they are synthesized first). */
function peersOf(stack: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, "stacks", `Pulumi.${stack}.yaml`), "utf8");
  return [...text.matchAll(/^\s*- stack: \S+\/(\S+)\s*$/gm)].map((m) => m[1]);
}

/** The root package's compiled synth (`npm test` builds it first), loaded into this process. */
interface SynthTools {
  synth(opts: { stack: string; peerOutputsDir?: string }): Promise<unknown>;
  resourceDocs(result: unknown): Synthed[];
  outputsDoc(result: unknown): unknown;
}

function synthTools(): SynthTools {
  const dir = path.join(ROOT, "dist", "tools", "synth");
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { synth } = require(path.join(dir, "synth.js")) as Pick<SynthTools, "synth">;
  const { resourceDocs, outputsDoc } = require(path.join(dir, "render.js")) as Omit<SynthTools, "synth">;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { synth, resourceDocs, outputsDoc };
}

/**
 * The stack's desired state as `npm run synth` writes it (resources.json), its peers synthesized first (their
 * outputs.json answer its StackReferences). In this process: a synth CLI process per stack cost ~1.3 s more.
 */
async function synth(stack: string): Promise<Synthed[]> {
  const tools = synthTools();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "pack-synth-"));
  try {
    for (const peer of peersOf(stack)) {
      const result = await tools.synth({ stack: peer, peerOutputsDir: out });
      fs.mkdirSync(path.join(out, peer));
      fs.writeFileSync(path.join(out, peer, "outputs.json"), JSON.stringify(tools.outputsDoc(result)));
    }
    // Through JSON, as the CLI writes resources.json.
    return JSON.parse(
      JSON.stringify(tools.resourceDocs(await tools.synth({ stack, peerOutputsDir: out }))),
    ) as Synthed[];
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

for (const stack of ["dev", "prod-apne2", "prod-apne1", "onprem"])
  describe(`pack over this project's ${stack} stack (offline synth)`, function () {
    this.timeout(120000);
    let rs: Synthed[];
    before(async () => {
      rs = await synth(stack);
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
