import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ImagePolicy, ImagePolicyArgs } from "../../components/policy/image-policy";
import { versions } from "../../components/versions";
import { Recorded, runComponent } from "../harness";

const PEM = "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n";
const args: ImagePolicyArgs = {
  namespace: "kyverno",
  production: true,
  admissionReplicas: 3,
  failureAction: "Enforce",
  failurePolicy: "Fail",
  registryHost: "registry.example.com",
  allowedRegistries: ["registry.k8s.io"],
  excludedNamespaces: ["kube-system", "harbor"],
  signatures: {
    projects: ["platform", "unmanaged"],
    attestor: { kind: "key", publicKeyPem: PEM },
    pullDockerConfigJson: {
      platform: pulumi.secret('{"auths":{"registry.example.com":{"auth":"cm9ib3Q6cGFzcw=="}}}'),
    },
  },
  caBundlePem: "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n",
  protect: true,
};

async function run(a: ImagePolicyArgs): Promise<Recorded> {
  return runComponent(() => {
    const k = new k8s.Provider("k", {});
    const p = new ImagePolicy("policy", a, { providers: { kubernetes: k } });
    return { namespace: p.namespace, release: p.release, names: p.policyNames };
  });
}

describe("ImagePolicy component on the mock engine", () => {
  let rec: Recorded;
  before(async () => {
    rec = await run(args);
  });

  it("is a registry-platform:policy:ImagePolicy whose children all use the given provider", () => {
    const comp = rec.one("registry-platform:policy:ImagePolicy", "policy");
    const children = rec.all.filter((x) => x.custom && x.type !== "pulumi:providers:kubernetes");
    assert.deepStrictEqual(children.map((c) => `${c.type} ${c.name}`).sort(), [
      "kubernetes:core/v1:Namespace policy-namespace",
      "kubernetes:core/v1:Secret policy-pull-platform",
      "kubernetes:helm.sh/v3:Release policy-release",
      "kubernetes:kyverno.io/v1:ClusterPolicy policy-allowed-image-registries",
      "kubernetes:kyverno.io/v1:ClusterPolicy policy-image-references",
      "kubernetes:kyverno.io/v1:ClusterPolicy policy-require-image-digests",
      "kubernetes:kyverno.io/v1:ClusterPolicy policy-verify-image-signatures",
    ]);
    for (const r of children) {
      assert.strictEqual(rec.parentOf(r)?.urn, comp.urn, `${r.name} parent`);
      assert.strictEqual(rec.providerOf(r)?.name, "k", `${r.name} provider`);
    }
  });

  it("creates the namespace, protected when asked", () => {
    const reg = rec.one("kubernetes:core/v1:Namespace", "policy-namespace");
    assert.strictEqual(rec.inputs(reg).metadata.name, "kyverno");
    assert.strictEqual(reg.protect, true);
  });

  it("puts each signed project's pull robot config in a dockerconfigjson Secret, secret", () => {
    const reg = rec.one("kubernetes:core/v1:Secret", "policy-pull-platform");
    const s = rec.inputs(reg);
    assert.deepStrictEqual(s.metadata, { name: "registry-pull-platform", namespace: "kyverno" });
    assert.strictEqual(s.type, "kubernetes.io/dockerconfigjson");
    assert.match(s.stringData[".dockerconfigjson"], /registry\.example\.com/);
    assert.ok(
      rec.secrets(reg).some((p) => p.startsWith("stringData")),
      rec.secrets(reg).join(","),
    );
  });

  it("a signed project whose name a Secret cannot carry (`_`, length) gets a valid, distinct Secret name", async () => {
    const json = pulumi.secret('{"auths":{}}');
    const long = `p${"x".repeat(254)}`;
    const r = await run({
      ...args,
      signatures: {
        ...args.signatures!,
        projects: ["team_a", "team-a", long],
        pullDockerConfigJson: { team_a: json, "team-a": json, [long]: json },
      },
    });
    const names = r.byType("kubernetes:core/v1:Secret").map((x) => r.inputs(x).metadata.name as string);
    const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
    for (const n of names) assert.ok(dns1123.test(n) && n.length <= 253, n);
    assert.strictEqual(new Set(names).size, 3, names.join(", "));
    assert.ok(names.includes("registry-pull-team-a"), names.join(", "));
    const release = r.inputs(r.one("kubernetes:helm.sh/v3:Release"));
    assert.deepStrictEqual([...release.values.existingImagePullSecrets].sort(), [...names].sort());
  });

  it("installs the pinned Kyverno chart with HA values, the CA and the pull secret", () => {
    const reg = rec.one("kubernetes:helm.sh/v3:Release", "policy-release");
    const r = rec.inputs(reg);
    assert.deepStrictEqual(
      [r.name, r.namespace, r.chart, r.version, r.repositoryOpts.repo],
      ["kyverno", "kyverno", "kyverno", versions.kyverno.chart, versions.kyverno.repository],
    );
    assert.strictEqual(r.values.admissionController.replicas, 3);
    assert.deepStrictEqual(r.values.admissionController.podDisruptionBudget, {
      enabled: true,
      minAvailable: 2,
    });
    assert.strictEqual(r.values.admissionController.caCertificates.data, args.caBundlePem);
    assert.deepStrictEqual(r.values.existingImagePullSecrets, ["registry-pull-platform"]);
    assert.deepStrictEqual(r.values.config.webhooks.namespaceSelector.matchExpressions[0].values, [
      "kube-system",
      "harbor",
      "kyverno",
    ]);
  });

  it("creates each ClusterPolicy after the release, excluding Kyverno's namespace too", () => {
    const release = rec.one("kubernetes:helm.sh/v3:Release", "policy-release");
    const sig = rec.one("kubernetes:kyverno.io/v1:ClusterPolicy", "policy-verify-image-signatures");
    assert.ok(sig.dependencies.includes(release.urn));
    const p = rec.inputs(sig);
    assert.strictEqual(p.metadata.name, "verify-image-signatures");
    const vi = p.spec.rules[0].verifyImages[0];
    assert.deepStrictEqual(vi.imageReferences, [
      "registry.example.com/platform/*",
      "registry.example.com/unmanaged/*",
    ]);
    assert.deepStrictEqual(vi.imageRegistryCredentials, { secrets: ["registry-pull-platform"] });
    assert.strictEqual(vi.mutateDigest, true);
    const refs = rec.inputs(rec.one("kubernetes:kyverno.io/v1:ClusterPolicy", "policy-image-references"));
    assert.deepStrictEqual(refs.spec.rules[0].exclude.any[0].resources.namespaces, [
      "kube-system",
      "harbor",
      "kyverno",
    ]);
  });

  it("without signatures: no Secret and no signature policy; Audit everywhere", async () => {
    const r = await run({
      ...args,
      signatures: undefined,
      failureAction: "Audit",
      production: false,
      admissionReplicas: undefined,
      protect: undefined,
    });
    assert.strictEqual(r.byType("kubernetes:core/v1:Secret").length, 0);
    const names = r.byType("kubernetes:kyverno.io/v1:ClusterPolicy").map((x) => r.inputs(x).metadata.name);
    assert.deepStrictEqual(names.sort(), [
      "allowed-image-registries",
      "image-references",
      "require-image-digests",
    ]);
    for (const x of r.byType("kubernetes:kyverno.io/v1:ClusterPolicy"))
      for (const rule of r.inputs(x).spec.rules) assert.strictEqual(rule.validate.failureAction, "Audit");
    assert.strictEqual(
      r.inputs(r.one("kubernetes:helm.sh/v3:Release")).values.admissionController.replicas,
      1,
    );
    assert.strictEqual(r.one("kubernetes:core/v1:Namespace").protect, false);
  });
});
