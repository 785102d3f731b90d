/**
 * Backups of two regions meet in one bucket once S3 replication copies a primary's backups into its replica's
 * backup bucket: each stack's Velero locations are scoped by stack name so neither sees the other's. Every stack
 * is scoped, so that no change of peers or role moves a prefix back to a root that holds a stack's directory.
 */
import * as assert from "assert";
import { backupLocationScope } from "../../components/replication/from-config";
import { scopedPrefix } from "../../components/velero/values";
import { stackRun, stackWith } from "../harness";
import { parsedConfig } from "../harness/config";

describe("replication: Velero locations in S3 backup replication", function () {
  this.timeout(120000);

  it("scopes every stack by its name, whatever its role, provider or peers; backupScope overrides it", () => {
    const scope = (stack: string, changes: Record<string, unknown> = {}) =>
      backupLocationScope(parsedConfig(stackWith(stack, changes), stack));
    assert.strictEqual(scope("prod-apne1"), "prod-apne1");
    assert.strictEqual(scope("prod-apne2"), "prod-apne2");
    assert.strictEqual(scope("dev"), "dev");
    assert.strictEqual(scope("onprem"), "onprem");
    // The last backup peer removed, or a replica promoted: the prefix stays. It used to fall back to the bare
    // `velero`, whose root then held `<stack>/`, which Velero refuses ("invalid top-level directories").
    assert.strictEqual(
      scope("prod-apne2", {
        replication: {
          peers: [
            { stack: "organization/registry-platform/prod-apne1", backupReplication: { enabled: false } },
          ],
        },
      }),
      "prod-apne2",
    );
    assert.strictEqual(scope("prod-apne2", { replication: {} }), "prod-apne2");
    assert.strictEqual(scope("prod-apne1", { role: "primary", replication: {} }), "prod-apne1");
    assert.strictEqual(scope("dev", { replication: { backupScope: "dev-old" } }), "dev-old");
  });

  it("scopedPrefix appends one path segment and refuses anything else", () => {
    assert.strictEqual(scopedPrefix("velero", undefined), "velero");
    assert.strictEqual(scopedPrefix("velero", "prod-apne1"), "velero/prod-apne1");
    assert.throws(() => scopedPrefix("velero", "a/b"), /not one path segment/);
  });

  it("the replica's own backups go to velero/prod-apne1 and archive/prod-apne1, disjoint from prod-apne2's", async () => {
    const rec = await stackRun("prod-apne1");
    const release = rec.inputs(rec.one("kubernetes:helm.sh/v3:Release", "registry-velero-release"));
    const prefixes = (release.values.configuration.backupStorageLocation as { prefix: string }[]).map(
      (l) => l.prefix,
    );
    assert.deepStrictEqual(prefixes, ["velero/prod-apne1", "archive/prod-apne1"]);
  });

  it("dev (no replication) has its locations under velero/dev and archive/dev too", async () => {
    const rec = await stackRun("dev");
    const release = rec.inputs(rec.one("kubernetes:helm.sh/v3:Release", "registry-velero-release"));
    const locations = release.values.configuration.backupStorageLocation as {
      name: string;
      prefix: string;
    }[];
    assert.deepStrictEqual(
      locations.map((l) => [l.name, l.prefix]),
      [
        ["default", "velero/dev"],
        ["archive", "archive/dev"],
      ],
    );
  });
});
