/**
 * A primary deployed before its replica (multi-region audit, 2026-12-01): on the real engine the replica's
 * `StackReference` read fails, but `pulumi up --skip-preview` (what CI's pulumi/actions runs) had already created
 * the primary's buckets, IAM users and roles. The platform's providers now wait for the replicas' StackReferences,
 * so nothing on AWS or Kubernetes is registered before the replicas are read (seen on the real engine in
 * test/e2e/replication.e2e.ts).
 */
import * as assert from "assert";
import { peersFromRuns, runProgramFailing, stackRun } from "../harness";
import { APNE1, primaryConfig } from "./support/peers";

const STACK_REFERENCE = "pulumi:pulumi:StackReference";

describe("replication: a primary's providers wait for its replicas", function () {
  this.timeout(120000);

  it("prod-apne2: the AWS and Kubernetes providers depend on the replica's StackReference", async () => {
    const rec = await stackRun("prod-apne2");
    const refs = rec.all.filter((r) => r.type === STACK_REFERENCE).map((r) => r.urn);
    assert.strictEqual(refs.length, 1);
    for (const type of ["pulumi:providers:aws", "pulumi:providers:kubernetes"]) {
      const p = rec.one(type, /^registry-(aws|k8s)$/);
      assert.deepStrictEqual(p.dependencies, refs, type);
    }
    // The component holding the StackReferences does not wait for the providers (which wait for them): the
    // provider goes to its backup replication only.
    const peers = rec.one("registry-platform:replication:ReplicationPeers");
    const backup = rec.one("pulumi:providers:aws", "registry-aws");
    for (const r of rec.all.filter(
      (x) => x.type.startsWith("aws:") && x.parent?.includes("ReplicationPeers"),
    ))
      assert.ok(r.provider?.startsWith(`${backup.urn}::`), `${r.name}: ${r.provider}`);
    assert.strictEqual(peers.provider, undefined);
  });

  it("dev (no replicas): the providers depend on nothing", async () => {
    const rec = await stackRun("dev");
    assert.deepStrictEqual(rec.one("pulumi:providers:aws", "registry-aws").dependencies, []);
    assert.deepStrictEqual(rec.one("pulumi:providers:kubernetes", "registry-k8s").dependencies, []);
  });

  it("a replica that is not deployed: its read fails, and nothing on AWS or Kubernetes is registered", async () => {
    const primary = primaryConfig({ replication: { peers: [{ stack: APNE1 }] } });
    const { error, registrations } = await runProgramFailing("prod-apne2", primary, peersFromRuns({}));
    assert.match(String(error), /prod-apne1/);
    const cloud = registrations.filter(
      (r) => /^(aws|kubernetes):/.test(r.type) || r.type.startsWith("pulumi:providers:"),
    );
    assert.deepStrictEqual(
      cloud.map((r) => `${r.type} ${r.name}`),
      [],
    );
  });
});
