/**
 * Invariants every stack's desired state must keep, whatever the components do: explicit providers, parent
 * chains and derived names, component type tokens, no secret in clear, protection by environment, and a
 * deterministic synth.
 */
import * as assert from "assert";
import { redact } from "../../tools/synth/engine";
import { PlatformMocks } from "../../tools/synth/mocks";
import { outputsDoc, resourceDocs } from "../../tools/synth/render";
import { SECRET_PLACEHOLDER } from "../../tools/synth/stackfile";
import { Recorded, runProgram, stackRun } from "../harness";

const STACKS = ["dev", "prod-apne2", "prod-apne1", "onprem"];
/** Secret outputs of generating resources, as the mock provider computes them. */
const GENERATED_SECRETS: Record<string, string[]> = {
  "random:index/randomPassword:RandomPassword": ["result", "bcryptHash"],
  "random:index/randomString:RandomString": ["result"],
  "tls:index/privateKey:PrivateKey": ["privateKeyPem", "privateKeyPemPkcs8", "privateKeyOpenssh"],
  "aws:iam/accessKey:AccessKey": ["secret"],
};
const PROVIDER_TYPES = /^pulumi:providers:/;

describe("platform invariants (every stack)", function () {
  this.timeout(60000);
  const runs = new Map<string, Recorded>();
  before(async () => {
    for (const s of STACKS) runs.set(s, await stackRun(s));
  });

  for (const stack of STACKS) {
    describe(stack, () => {
      it("every cloud and cluster resource names an explicit platform provider (no default aws/kubernetes ones)", () => {
        const rec = runs.get(stack)!;
        for (const r of rec.all) {
          if (!r.custom || PROVIDER_TYPES.test(r.type) || r.type === "pulumi-nodejs:dynamic:Resource")
            continue;
          // tls and random compute locally and take no configuration: their default providers are fine.
          if (/^(tls|random):/.test(r.type)) continue;
          // StackReferences (a primary reading its replicas) are reads served by the engine itself.
          if (r.read && r.type === "pulumi:pulumi:StackReference") continue;
          const p = rec.providerOf(r);
          assert.ok(p, `${r.type} ${r.name} has no explicit provider (${r.provider ?? "none"})`);
          assert.ok(!/::default(_\d+)*$/.test(p.urn), `${r.type} ${r.name} uses a default provider`);
          const pkg = r.type.split(":")[0];
          assert.strictEqual(
            p.type,
            `pulumi:providers:${pkg}`,
            `${r.type} ${r.name} uses provider ${p.type}`,
          );
        }
      });

      it("components use registry-platform:<module>:<Type> and children derive their names from the parent", () => {
        const rec = runs.get(stack)!;
        for (const r of rec.all) {
          if (!r.custom)
            assert.match(r.type, /^registry-platform:[a-z-]+:[A-Z][A-Za-z]+$/, `component type ${r.type}`);
          const parent = rec.parentOf(r);
          if (parent && !parent.custom && parent.type !== "pulumi:pulumi:Stack")
            assert.ok(
              r.name.startsWith(parent.name),
              `${r.type} "${r.name}" is not named after its parent "${parent.name}"`,
            );
          if (r.parent)
            assert.ok(
              rec.all.some((x) => x.urn === r.parent) || /pulumi:pulumi:Stack::/.test(r.parent),
              `${r.name}: parent ${r.parent} not registered`,
            );
        }
      });

      it("no secret config value and no private key appears in clear in the synth output", () => {
        const rec = runs.get(stack)!;
        const text = JSON.stringify(resourceDocs(rec.result)) + JSON.stringify(outputsDoc(rec.result));
        assert.ok(!text.includes(SECRET_PLACEHOLDER), "secret config placeholder in clear");
        assert.ok(!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text), "private key in clear");
      });

      it("no generated password, key or access-key secret appears in clear in the synth output", () => {
        const rec = runs.get(stack)!;
        const text = JSON.stringify(resourceDocs(rec.result)) + JSON.stringify(outputsDoc(rec.result));
        const mocks = new PlatformMocks();
        let checked = 0;
        for (const r of rec.all) {
          const fields = GENERATED_SECRETS[r.type];
          if (!fields) continue;
          const { state } = mocks.newResource({
            type: r.type,
            name: r.name,
            inputs: rec.inputs(r),
            custom: true,
          });
          for (const f of fields) {
            const value = state[f];
            assert.ok(typeof value === "string" && value.length >= 8, `${r.name}.${f} computed`);
            assert.ok(!text.includes(JSON.stringify(value).slice(1, -1)), `${r.type} ${r.name}.${f} leaked`);
            checked++;
          }
        }
        assert.ok(checked > 0);
      });

      it("stateful resources are protected exactly when the environment says so", () => {
        const rec = runs.get(stack)!;
        const prod = stack !== "dev";
        for (const r of rec.byType("aws:s3/bucket:Bucket")) {
          assert.strictEqual(r.protect, prod, `${r.name} protect`);
          assert.strictEqual(r.retainOnDelete, prod, `${r.name} retainOnDelete`);
          assert.strictEqual(rec.inputs(r).forceDestroy ?? false, !prod, `${r.name} forceDestroy`);
        }
        // Namespaces whose deletion would take PVCs or Backup objects with them.
        for (const name of ["registry-harbor-namespace", "registry-velero-namespace"]) {
          const ns = rec.one("kubernetes:core/v1:Namespace", name);
          assert.deepStrictEqual([ns.protect, ns.retainOnDelete], [prod, prod], name);
        }
        // Harbor projects hold images: a config that drops one fails at preview instead of deleting its robots and
        // pull Secrets first. Deleted through the API when unprotected, so never retained.
        const projects = rec
          .byType("pulumi-nodejs:dynamic:Resource")
          .filter((r) => rec.inputs(r).kind === "harbor:Project");
        assert.ok(projects.length >= 2, `${stack}: ${projects.length} Harbor projects`);
        for (const r of projects)
          assert.deepStrictEqual(
            [r.protect, r.retainOnDelete],
            [prod, false],
            `${r.name} protect, retainOnDelete`,
          );
      });
    });
  }

  it("the synth is deterministic: two runs of dev give identical desired state", async () => {
    const again = await runProgram("dev");
    const first = runs.get("dev")!;
    assert.deepStrictEqual(resourceDocs(again.result), resourceDocs(first.result));
    assert.deepStrictEqual(redact(again.result.outputs), redact(first.result.outputs));
  });
});
