/**
 * Issue 8 item 2: Secret and ConfigMap data changes update in place (the kubernetes provider is configured
 * with `enableSecretMutable` / `enableConfigMapMutable`), and the pods that must reload carry a checksum
 * annotation of what they mount, so an in-place data change still rolls them.
 */
import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Harbor, HARBOR_SECRETS_CHECKSUM_ANNOTATION } from "../../components/harbor";
import { profileArgs, secretInputs } from "../harbor/profiles";
import { Recorded, runComponent, runProgram, stackRun, stackWith } from "../harness";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const CHECKSUM = /^[0-9a-f]{64}$/;
const PODS = ["core", "jobservice", "registry", "trivy"];
const OTHER_CA = "-----BEGIN CERTIFICATE-----\nOTHERCA\n-----END CERTIFICATE-----\n";

const ann = (v: Record<string, any>, c: string): string =>
  v[c].podAnnotations[HARBOR_SECRETS_CHECKSUM_ANNOTATION] as string;

/** The Harbor component alone (dev profile), with some inputs changed. */
function harborRun(change: { caBundlePem?: string; secretAccessKey?: string } = {}): Promise<Recorded> {
  return runComponent(() => {
    const kubernetes = new k8s.Provider("p", {});
    const s = secretInputs();
    const a = profileArgs("dev", {
      ...s,
      ...(change.secretAccessKey ? { secretAccessKey: pulumi.secret(change.secretAccessKey) } : {}),
    });
    new Harbor(
      "harbor",
      { ...a, ...(change.caBundlePem ? { caBundlePem: change.caBundlePem } : {}) },
      {
        providers: { kubernetes },
      },
    );
  });
}

function releaseValues(rec: Recorded, name: string): Record<string, any> {
  return rec.inputs(rec.one(RELEASE, name)).values as Record<string, any>;
}

describe("kubernetes provider: Secrets and ConfigMaps update in place", function () {
  this.timeout(120000);
  for (const stack of ["dev", "onprem"]) {
    it(`${stack}: the provider has enableSecretMutable and enableConfigMapMutable`, async () => {
      const rec = await stackRun(stack);
      const p = rec.inputs(rec.one("pulumi:providers:kubernetes", "registry-k8s"));
      // Provider inputs reach the engine JSON-encoded.
      assert.strictEqual(p.enableSecretMutable, "true");
      assert.strictEqual(p.enableConfigMapMutable, "true");
      assert.strictEqual(p.enableServerSideApply, "true");
    });
  }
});

describe("checksum annotations: pods that mount platform Secrets roll when the data changes", function () {
  this.timeout(120000);

  it("Harbor core, jobservice, registry and trivy carry a checksum of the Secrets they mount", async () => {
    const v = releaseValues(await stackRun("dev"), "registry-harbor-release");
    for (const c of ["core", "jobservice", "registry", "trivy"]) {
      const ann = v[c]?.podAnnotations?.["registry-platform/secrets-checksum"];
      assert.match(String(ann), CHECKSUM, `${c}.podAnnotations`);
    }
  });

  it("a new server certificate (extra SAN) changes no Harbor pod checksum", async () => {
    const base = releaseValues(await stackRun("dev"), "registry-harbor-release");
    const san = releaseValues(
      await runProgram(
        "dev",
        stackWith("dev", { tls: { mode: "self-signed-ca", extraSans: ["r.example.internal"] } }),
      ),
      "registry-harbor-release",
    );
    // The ingress certificate is read by the ingress controller, not by Harbor's pods.
    for (const c of PODS) assert.strictEqual(ann(san, c), ann(base, c), c);
  });

  it("a new CA changes core, jobservice, registry and trivy; new S3 keys change only registry", async () => {
    const base = releaseValues(await harborRun(), "harbor-release");
    const same = releaseValues(await harborRun(), "harbor-release");
    const ca = releaseValues(await harborRun({ caBundlePem: OTHER_CA }), "harbor-release");
    const keys = releaseValues(await harborRun({ secretAccessKey: "rotated-secret-key" }), "harbor-release");
    for (const c of PODS) {
      assert.strictEqual(ann(same, c), ann(base, c), `${c}: same inputs, same checksum`);
      assert.notStrictEqual(ann(ca, c), ann(base, c), `${c}: new CA`);
    }
    assert.notStrictEqual(ann(keys, "registry"), ann(base, "registry"));
    for (const c of ["core", "jobservice", "trivy"]) assert.strictEqual(ann(keys, c), ann(base, c), c);
    // The annotation is not secret (an HMAC under a generated key) and holds no secret value.
    const rec = await harborRun();
    const reg = rec.one(RELEASE, "harbor-release");
    assert.deepStrictEqual(rec.secrets(reg), ["values.database.internal.password"]);
  });

  it("Velero's server and node agent carry a checksum of the credentials Secret (not secret, no key)", async () => {
    const rec = await stackRun("onprem");
    const reg = rec.one(RELEASE, "registry-velero-release");
    const v = releaseValues(rec, "registry-velero-release");
    assert.match(String(v.podAnnotations?.["registry-platform/credentials-checksum"]), CHECKSUM);
    assert.ok(
      !rec.secrets(reg).some((p) => p.startsWith("values.podAnnotations")),
      rec.secrets(reg).join(","),
    );
  });

  it("the node-trust DaemonSet carries the sha256 of its CA ConfigMap's bundle", async () => {
    const rec = await stackRun("onprem");
    const cm = rec.inputs(rec.one("kubernetes:core/v1:ConfigMap", "registry-node-trust-config"));
    const ds = rec.inputs(rec.one("kubernetes:apps/v1:DaemonSet", "registry-node-trust-daemonset"));
    const { createHash } = await import("crypto");
    assert.strictEqual(
      ds.spec.template.metadata.annotations["registry-platform/ca-bundle-sha256"],
      createHash("sha256").update(cm.data["ca.crt"], "utf8").digest("hex"),
    );
  });
});
