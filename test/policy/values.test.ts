import * as assert from "assert";
import { kyvernoValues } from "../../components/policy/values";

describe("Kyverno chart values", () => {
  it("production: 3 admission replicas with a PDB, 2 of each other controller, policy reports on, CA and pull secrets", () => {
    const v = kyvernoValues({
      production: true,
      failurePolicy: "Fail",
      excludedNamespaces: ["kube-system", "kyverno"],
      caBundlePem: "CA",
      pullSecretNames: ["registry-pull-platform"],
    });
    assert.deepStrictEqual(v.admissionController, {
      replicas: 3,
      podDisruptionBudget: { enabled: true, minAvailable: 2 },
      caCertificates: { data: "CA" },
    });
    assert.deepStrictEqual(v.backgroundController.podDisruptionBudget, { enabled: true, minAvailable: 1 });
    assert.strictEqual(v.reportsController.replicas, 2);
    assert.deepStrictEqual(v.reportsController.caCertificates, { data: "CA" });
    assert.strictEqual(v.cleanupController.caCertificates, undefined);
    assert.deepStrictEqual(v.features.policyReports, { enabled: true });
    assert.deepStrictEqual(v.features.forceFailurePolicyIgnore, { enabled: false });
    assert.deepStrictEqual(v.config.webhooks.namespaceSelector.matchExpressions, [
      { key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system", "kyverno"] },
    ]);
    assert.deepStrictEqual(v.existingImagePullSecrets, ["registry-pull-platform"]);
  });

  it("elsewhere: one replica of each, no PDB, no CA; Ignore forces the webhooks to Ignore", () => {
    const v = kyvernoValues({
      production: false,
      failurePolicy: "Ignore",
      excludedNamespaces: [],
      pullSecretNames: [],
    });
    assert.deepStrictEqual(v.admissionController, { replicas: 1 });
    assert.deepStrictEqual(v.backgroundController, { replicas: 1 });
    assert.deepStrictEqual(v.features.forceFailurePolicyIgnore, { enabled: true });
    assert.strictEqual(
      kyvernoValues({
        production: true,
        admissionReplicas: 5,
        failurePolicy: "Fail",
        excludedNamespaces: [],
        pullSecretNames: [],
      }).admissionController.podDisruptionBudget?.minAvailable,
      4,
    );
  });
});
