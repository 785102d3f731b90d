import * as assert from "assert";
import {
  allowedRegistryEntries,
  ClusterPolicyOptions,
  clusterPolicies,
  KyvernoRule,
  POLICY_NAMES,
  WORKLOAD_KINDS,
} from "../../components/policy/cluster-policies";
import { REFERENCE_RE, registryEntryRegex, SHA256_DIGEST_RE } from "../../components/policy/image-ref";
import { TABLE_ALLOWED, TABLE_REGISTRY } from "./admission-table";

const base: ClusterPolicyOptions = {
  registryHost: TABLE_REGISTRY,
  allowedRegistries: TABLE_ALLOWED,
  failureAction: "Enforce",
  failurePolicy: "Fail",
  excludedNamespaces: ["kube-system", "kyverno"],
};

const byName = (o: ClusterPolicyOptions) =>
  Object.fromEntries(clusterPolicies(o).map((p) => [p.metadata.name, p]));

describe("ClusterPolicy generation", () => {
  it("generates the three image policies, and the signature policy only when configured", () => {
    assert.deepStrictEqual(
      clusterPolicies(base).map((p) => p.metadata.name),
      [POLICY_NAMES.references, POLICY_NAMES.digests, POLICY_NAMES.registries],
    );
    const withSig = clusterPolicies({
      ...base,
      signatures: {
        imageReferences: [`${TABLE_REGISTRY}/platform/*`],
        attestor: { kind: "key", publicKeyPem: "PEM" },
        registrySecrets: ["registry-pull-platform"],
      },
    });
    assert.strictEqual(withSig.at(-1)?.metadata.name, POLICY_NAMES.signatures);
  });

  it("every policy is kyverno.io/v1, background + admission, autogen off, failure policy from the options", () => {
    for (const p of clusterPolicies({ ...base, failurePolicy: "Ignore" })) {
      assert.strictEqual(p.apiVersion, "kyverno.io/v1");
      assert.strictEqual(p.kind, "ClusterPolicy");
      assert.strictEqual(p.spec.background, true);
      assert.strictEqual(p.spec.admission, true);
      assert.strictEqual(p.spec.webhookConfiguration.failurePolicy, "Ignore");
      assert.strictEqual(p.metadata.annotations["pod-policies.kyverno.io/autogen-controllers"], "none");
    }
  });

  it("each validate rule exists for Pods, pod templates and CronJobs, over containers, init and ephemeral containers", () => {
    const refs = byName(base)[POLICY_NAMES.references];
    const names = refs.spec.rules.map((r) => r.name);
    assert.deepStrictEqual(names, [
      "valid-reference-pods",
      "valid-reference-pod-templates",
      "valid-reference-cronjobs",
      "no-latest-pods",
      "no-latest-pod-templates",
      "no-latest-cronjobs",
      "tag-or-digest-pods",
      "tag-or-digest-pod-templates",
      "tag-or-digest-cronjobs",
    ]);
    const kinds = (r: KyvernoRule) => r.match.any.flatMap((f) => f.resources.kinds);
    assert.deepStrictEqual(kinds(refs.spec.rules[0]), ["Pod"]);
    assert.deepStrictEqual(kinds(refs.spec.rules[1]), [
      "Deployment",
      "StatefulSet",
      "DaemonSet",
      "ReplicaSet",
      "Job",
    ]);
    assert.deepStrictEqual(kinds(refs.spec.rules[2]), ["CronJob"]);
    assert.deepStrictEqual(
      refs.spec.rules.slice(0, 3).map((r) => r.validate!.foreach[0].list),
      [
        "request.object.spec.[containers, initContainers, ephemeralContainers][]",
        "request.object.spec.template.spec.[containers, initContainers, ephemeralContainers][]",
        "request.object.spec.jobTemplate.spec.template.spec.[containers, initContainers, ephemeralContainers][]",
      ],
    );
    assert.deepStrictEqual(refs.spec.rules[0].validate!.foreach[0].deny.conditions.any, [
      { key: `{{ regex_match('${REFERENCE_RE}', element.image) }}`, operator: "Equals", value: false },
    ]);
  });

  it("uses the failure action everywhere and excludes the configured namespaces from every rule", () => {
    for (const action of ["Enforce", "Audit"] as const)
      for (const p of clusterPolicies({ ...base, failureAction: action }))
        for (const r of p.spec.rules) {
          assert.strictEqual(r.validate?.failureAction, action, r.name);
          assert.deepStrictEqual(r.exclude, {
            any: [{ resources: { kinds: WORKLOAD_KINDS, namespaces: ["kube-system", "kyverno"] } }],
          });
        }
  });

  it("requires digests everywhere by default, or only in namespaces with the configured label", () => {
    const all = byName(base)[POLICY_NAMES.digests];
    assert.strictEqual(all.spec.rules[0].match.any[0].resources.namespaceSelector, undefined);
    assert.deepStrictEqual(
      all.spec.rules[0].validate!.foreach[0].deny.conditions.any[0].key,
      `{{ regex_match('${SHA256_DIGEST_RE}', element.image) }}`,
    );
    const labelled = byName({
      ...base,
      digestNamespaceLabel: { key: "registry-platform/require-digest", value: "true" },
    })[POLICY_NAMES.digests];
    for (const r of labelled.spec.rules)
      assert.deepStrictEqual(r.match.any[0].resources.namespaceSelector, {
        matchExpressions: [{ key: "registry-platform/require-digest", operator: "In", values: ["true"] }],
      });
  });

  it("allows the platform registry first, then the allow-list, each by the matcher's expression", () => {
    assert.deepStrictEqual(allowedRegistryEntries(base), [TABLE_REGISTRY, ...TABLE_ALLOWED]);
    const reg = byName(base)[POLICY_NAMES.registries];
    const cond = reg.spec.rules[0].validate!.foreach[0].deny.conditions.any[0];
    assert.strictEqual(
      cond.key,
      `{{ ${[TABLE_REGISTRY, ...TABLE_ALLOWED].map((e) => `regex_match('${registryEntryRegex(e)}', element.image)`).join(" || ")} }}`,
    );
    assert.strictEqual(cond.value, false);
    assert.match(
      reg.spec.rules[0].validate!.message,
      /registry\.example\.internal, ghcr\.io\/acme, registry\.k8s\.io/,
    );
  });

  it("refuses the platform registry written in another case: the signature references match it exactly", () => {
    // Kyverno matches imageReferences case-sensitively, so `REGISTRY.EXAMPLE.INTERNAL/signed/x` skipped the
    // signature check while the other policies admit it (host names are case-insensitive).
    const p = byName({
      ...base,
      signatures: {
        imageReferences: [`${TABLE_REGISTRY}/signed/*`],
        attestor: { kind: "key", publicKeyPem: "PEM" },
        registrySecrets: [],
      },
    })[POLICY_NAMES.signatures];
    assert.strictEqual(p.spec.rules[0].name, "verify-cosign-signature");
    const rules = p.spec.rules.filter((r) => r.validate);
    assert.deepStrictEqual(
      rules.map((r) => r.name),
      ["registry-host-case-pods", "registry-host-case-pod-templates", "registry-host-case-cronjobs"],
    );
    for (const r of rules) {
      assert.strictEqual(r.validate!.failureAction, "Enforce");
      assert.deepStrictEqual(r.exclude, {
        any: [{ resources: { kinds: WORKLOAD_KINDS, namespaces: ["kube-system", "kyverno"] } }],
      });
    }
    // The condition: the image's registry is the platform registry in any case, but not as written in lowercase.
    const cond = rules[0].validate!.foreach[0].deny.conditions.any[0];
    assert.deepStrictEqual([cond.operator, cond.value], ["Equals", true]);
    const [anyCase, exact] = [...cond.key.matchAll(/regex_match\('([^']*)', element\.image\)/g)].map(
      (m) => new RegExp(m[1]),
    );
    assert.match(
      cond.key,
      /^\{\{ regex_match\('[^']*', element\.image\) && !regex_match\('[^']*', element\.image\) \}\}$/,
    );
    const denied = (image: string) => anyCase.test(image) && !exact.test(image);
    assert.ok(denied("REGISTRY.EXAMPLE.INTERNAL/signed/web:v1"));
    assert.ok(denied("Registry.Example.Internal/apps/web:v1"));
    assert.ok(!denied(`${TABLE_REGISTRY}/signed/web:v1`));
    assert.ok(!denied(`${TABLE_REGISTRY}.evil.example/signed/web:v1`));
    assert.ok(!denied("ghcr.io/acme/tool:1.0.0"));
  });

  it("verifies cosign signatures with a key (no transparency log), mutating to digests only in Enforce", () => {
    const sig = (action: "Enforce" | "Audit", attestor: any) =>
      byName({
        ...base,
        failureAction: action,
        signatures: {
          imageReferences: [`${TABLE_REGISTRY}/platform/*`],
          attestor,
          registrySecrets: ["registry-pull-platform"],
        },
      })[POLICY_NAMES.signatures];
    const p = sig("Enforce", { kind: "key", publicKeyPem: "PEM" });
    assert.strictEqual(p.spec.webhookConfiguration.timeoutSeconds, 30);
    const rule = p.spec.rules[0];
    assert.deepStrictEqual(rule.match.any[0].resources.kinds, WORKLOAD_KINDS);
    assert.deepStrictEqual(rule.verifyImages, [
      {
        imageReferences: [`${TABLE_REGISTRY}/platform/*`],
        failureAction: "Enforce",
        mutateDigest: true,
        verifyDigest: true,
        required: true,
        imageRegistryCredentials: { secrets: ["registry-pull-platform"] },
        attestors: [
          {
            count: 1,
            entries: [
              { keys: { publicKeys: "PEM", rekor: { ignoreTlog: true }, ctlog: { ignoreSCT: true } } },
            ],
          },
        ],
      },
    ]);
    const audit = sig("Audit", {
      kind: "keyless",
      issuer: "https://token.actions.githubusercontent.com",
      subject: "https://github.com/acme/*",
      rekorUrl: "https://rekor.sigstore.dev",
    });
    assert.strictEqual(audit.spec.rules[0].verifyImages![0].mutateDigest, false);
    assert.deepStrictEqual(audit.spec.rules[0].verifyImages![0].attestors[0].entries[0], {
      keyless: {
        issuer: "https://token.actions.githubusercontent.com",
        subject: "https://github.com/acme/*",
        rekor: { url: "https://rekor.sigstore.dev" },
      },
    });
    const withRekor = sig("Enforce", {
      kind: "key",
      publicKeyPem: "PEM",
      rekorUrl: "https://rekor.example.internal",
    });
    assert.deepStrictEqual(withRekor.spec.rules[0].verifyImages![0].attestors[0].entries[0], {
      keys: { publicKeys: "PEM", rekor: { url: "https://rekor.example.internal" } },
    });
  });
});
