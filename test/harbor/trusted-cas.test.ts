/**
 * Extra trusted CA bundles (issue 9.8): `harbor.database.sslmode: verify-full` against Amazon RDS needs the
 * RDS CA in what Harbor core trusts, which used to be the platform CA alone. `tls.extraCaBundles` is merged
 * with the platform CA behind the chart's `caBundleSecretName` (and into Velero's S3-compatible caCert).
 */
import * as assert from "assert";
import { pemBlocks } from "../../components/tls";
import { StackConfig } from "../../tools/synth/stackfile";
import { Recorded, runProgram, stackFile, stackWith } from "../harness";
import { configIssues, rejected } from "../harness/config";
import { CA_EXT, Issued, selfSignedCa } from "../tls/openssl";
import { scratchDir } from "../harness/scratch";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const SECRET = "kubernetes:core/v1:Secret";

function values(rec: Recorded): Record<string, any> {
  return rec.inputs(rec.one(RELEASE, "registry-harbor-release")).values as Record<string, any>;
}

function secretNamed(rec: Recorded, name: string) {
  const r = rec.byType(SECRET).find((x) => rec.inputs(x).metadata.name === name);
  assert.ok(r, `no Secret ${name}`);
  return r;
}

/** prod-apne2's stack file with changed top-level keys. */
function prod(changes: Record<string, unknown>): StackConfig {
  return stackWith("prod-apne2", changes);
}

describe("harbor: extra trusted CA bundles (tls.extraCaBundles)", function () {
  this.timeout(60_000);
  let rds: Issued;
  let proxy: Issued;
  before(() => {
    const dir = scratchDir("trusted-cas");
    rds = selfSignedCa(dir, "rds-like-ca", CA_EXT());
    proxy = selfSignedCa(dir, "proxy-ca", CA_EXT());
  });

  const tlsOf = (extra: string[]) => ({
    mode: "self-signed-ca",
    organization: "Example Corp",
    extraSans: ["registry.example.com"],
    extraCaBundles: extra,
  });

  it("verify-full against an RDS host without a CA bundle for it is a config error that says what to add", () => {
    const lines = configIssues(prod({ tls: tlsOf([]) }));
    assert.ok(
      lines.some((l) =>
        /^registry-platform:harbor\.database\.sslmode \| "verify-full" \| "require", or keep "verify-full" and add the Amazon RDS CA bundle of the region to registry-platform:tls\.extraCaBundles/.test(
          l,
        ),
      ),
      lines.join("\n"),
    );
  });

  it("merges the platform CA and the extra bundles behind caBundleSecretName; the portal download stays the platform CA", async () => {
    const rec = await runProgram("prod-apne2", prod({ tls: tlsOf([rds.certPem, proxy.certPem]) }));
    const v = values(rec);
    assert.strictEqual(v.caBundleSecretName, "harbor-trusted-ca-bundle");
    assert.strictEqual(v.caSecretName, "harbor-ca-bundle");
    const trusted = secretNamed(rec, "harbor-trusted-ca-bundle");
    const platform = rec.inputs(secretNamed(rec, "harbor-ca-bundle")).stringData["ca.crt"] as string;
    const bundle = rec.inputs(trusted).stringData["ca.crt"] as string;
    assert.strictEqual(bundle, platform + rds.certPem + proxy.certPem);
    assert.strictEqual(pemBlocks(bundle).length, pemBlocks(platform).length + 2);
    assert.strictEqual(trusted.parent, rec.one("registry-platform:harbor:Harbor").urn);
    assert.ok(
      rec.one(RELEASE, "registry-harbor-release").dependencies.includes(trusted.urn),
      "the release waits for it",
    );
    assert.strictEqual(rec.inputs(trusted).metadata.namespace, "harbor");
  });

  it("without extra bundles nothing changes: caBundleSecretName is the platform CA", async () => {
    const rec = await runProgram("dev");
    assert.strictEqual(values(rec).caBundleSecretName, "harbor-ca-bundle");
    assert.ok(!rec.byType(SECRET).some((r) => rec.inputs(r).metadata.name === "harbor-trusted-ca-bundle"));
  });

  it("an S3-compatible endpoint: Velero's backup locations trust the extra bundles too", async () => {
    const onprem = stackFile("onprem");
    const tls = JSON.parse(onprem.config["registry-platform:tls"]);
    const rec = await runProgram(
      "onprem",
      stackWith("onprem", { tls: { ...tls, extraCaBundles: [proxy.certPem] } }),
    );
    const velero = rec.inputs(rec.one(RELEASE, /velero-release$/)).values;
    const ca = Buffer.from(velero.configuration.backupStorageLocation[0].caCert, "base64").toString("utf8");
    assert.ok(ca.endsWith(proxy.certPem), "the extra CA is in the BSL caCert");
    assert.ok(ca.startsWith("-----BEGIN CERTIFICATE-----"), "the platform CA comes first");
  });

  it("the example stacks' placeholder RDS CA passes the offline synth and is refused on a real engine", async () => {
    const rec = await runProgram("prod-apne2");
    assert.strictEqual(values(rec).caBundleSecretName, "harbor-trusted-ca-bundle");
    // What a real engine hands the program: no stand-ins, no example placeholders.
    const issues = rejected(stackFile("prod-apne2"));
    assert.ok(
      issues.some(
        (i) =>
          i.key === "registry-platform:tls.extraCaBundles[0]" &&
          /example placeholder/.test(i.found) &&
          /truststore\.pki\.rds\.amazonaws\.com/.test(i.allowed),
      ),
      issues.map((i) => `${i.key} | ${i.found} | ${i.allowed}`).join("\n"),
    );
  });
});
