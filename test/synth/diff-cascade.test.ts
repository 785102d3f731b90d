/**
 * The offline plan diff shows what a replacement takes with it. A tls or random resource is replaced on any input
 * change, and its replacement has a new key, certificate or value; the mock engine's outputs for those types
 * derive from their inputs (tools/synth/mocks.ts `mockSeed`), so the synth shows the cascade a real preview
 * shows. Before, they derived from the name only: a new root CA organization showed 3 changes offline, not the
 * re-issued chain, the CA bundle in Harbor's Secrets, node trust and every Harbor API resource (preview-diff
 * audit, 2026-12-01).
 */
import * as assert from "assert";
import { planStack, StackSnapshot } from "../../tools/synth/diff";
import { outputsDoc, resourceDocs } from "../../tools/synth/render";
import { Recorded, runProgram, stackValue, stackWith } from "../harness";

const snapshot = (rec: Recorded): StackSnapshot => ({
  resources: resourceDocs(rec.result),
  outputs: outputsDoc(rec.result),
});

describe("plan-diff: a replaced certificate's new PEM reaches what uses it", function () {
  this.timeout(120000);

  it("a new root CA organization re-issues the chain and updates the bundle everywhere it is used", async () => {
    const before = await runProgram("dev");
    const after = await runProgram(
      "dev",
      stackWith("dev", { tls: { ...stackValue("dev", "tls"), organization: "Other Corp" } }),
    );
    const plan = planStack("dev", snapshot(before), snapshot(after));
    const by = (action: string) =>
      plan.resources
        .filter((r) => r.action === action)
        .map((r) => r.name)
        .sort();
    // The whole chain is new: the root and both CSRs (their subjects name the organization), then each
    // certificate signed from a new CSR by a new issuer. The keys stay.
    assert.deepStrictEqual(by("replace"), [
      "registry-tls-intermediate-cert",
      "registry-tls-intermediate-csr",
      "registry-tls-root-cert",
      "registry-tls-server-cert",
      "registry-tls-server-csr",
    ]);
    // Where the new CA bundle goes in the clear: node trust (ConfigMap and the DaemonSet's checksum), the Harbor
    // release (its pods' secret checksums) and Kyverno's (the CA it verifies the registry with). Secret values are
    // redacted in synth output, so the Harbor Secrets and the Harbor API resources' connections (which carry the
    // bundle too) show no change here; the preview shows them.
    assert.deepStrictEqual(by("update"), [
      "registry-harbor-release",
      "registry-node-trust-config",
      "registry-node-trust-daemonset",
      "registry-policy-release",
    ]);
    const outputs = plan.outputs.map((o) => o.path.split(/[.[]/)[0]);
    for (const key of ["caBundlePem", "registryCaSha256"]) assert.ok(outputs.includes(key), key);
  });

  it("an unchanged config gives the same mock outputs (no change at all)", async () => {
    const plan = planStack("dev", snapshot(await runProgram("dev")), snapshot(await runProgram("dev")));
    assert.deepStrictEqual(plan.resources, []);
    assert.deepStrictEqual(plan.outputs, []);
  });
});
