import * as assert from "assert";
import { imagePolicyArgsFromConfig } from "../../components/policy/from-config";
import { stackFile, stackRun, stackWith } from "../harness";
import { configIssues, parsedConfig } from "../harness/config";

const KEY = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEa8e7lI0zbOhZzBjk3FiJsqgAZqKb
3lQW7f48p7NMlOsQUFSUo1QhBJDdOWmiiEYk726d4K2F4tKNgyFpZizdAg==
-----END PUBLIC KEY-----
`;

describe("policy config and wiring", () => {
  it("dev defaults: Audit, Ignore, one replica, kube-system and the platform namespaces excluded, no signatures", () => {
    const a = imagePolicyArgsFromConfig(parsedConfig(stackFile("dev")), {})!;
    assert.deepStrictEqual(
      [a.namespace, a.failureAction, a.failurePolicy, a.admissionReplicas, a.production, a.signatures],
      ["kyverno", "Audit", "Ignore", 1, false, undefined],
    );
    assert.deepStrictEqual(a.excludedNamespaces, [
      "kube-system",
      "registry-system",
      "harbor",
      "velero",
      "kyverno",
    ]);
    assert.strictEqual(a.registryHost, "registry.dev.example.internal");
    assert.deepStrictEqual(a.allowedRegistries, []);
  });

  it("prod-apne2: Enforce, Fail, three replicas, the allow-list, key signatures for the cosign projects", () => {
    const cfg = parsedConfig(stackFile("prod-apne2"));
    const a = imagePolicyArgsFromConfig(cfg, {})!;
    assert.deepStrictEqual(
      [a.failureAction, a.failurePolicy, a.admissionReplicas, a.protect],
      ["Enforce", "Fail", 3, true],
    );
    assert.deepStrictEqual(a.allowedRegistries, [
      "registry.k8s.io",
      "quay.io/jetstack",
      "quay.io/prometheus",
    ]);
    assert.deepStrictEqual(a.signatures?.projects, ["platform"]);
    assert.strictEqual(a.signatures?.attestor.kind, "key");
  });

  it("digest label and keyless signatures", () => {
    const a = imagePolicyArgsFromConfig(
      parsedConfig(
        stackWith("dev", {
          policy: {
            digestNamespaceLabel: "registry-platform/require-digest=true",
            signatures: {
              keyless: {
                issuer: "https://token.actions.githubusercontent.com",
                subject: "https://github.com/acme/app/.github/workflows/build.yaml@refs/heads/main",
              },
              projects: ["apps"],
            },
          },
        }),
      ),
      {},
    )!;
    assert.deepStrictEqual(a.digestNamespaceLabel, {
      key: "registry-platform/require-digest",
      value: "true",
    });
    assert.deepStrictEqual(a.signatures?.attestor, {
      kind: "keyless",
      issuer: "https://token.actions.githubusercontent.com",
      subject: "https://github.com/acme/app/.github/workflows/build.yaml@refs/heads/main",
      rekorUrl: "https://rekor.sigstore.dev",
    });
  });

  it("policy.enabled: false creates nothing", () => {
    assert.strictEqual(
      imagePolicyArgsFromConfig(parsedConfig(stackWith("dev", { policy: { enabled: false } })), {}),
      undefined,
    );
  });

  const bad: { name: string; base?: string; policy: Record<string, unknown>; expect: RegExp }[] = [
    {
      name: "malformed public key (not echoed)",
      policy: {
        signatures: {
          publicKey: "-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----\n",
          projects: ["apps"],
        },
      },
      expect:
        /^registry-platform:policy\.signatures\.publicKey \| a value that is not a PEM public key \| a cosign public key in PEM/,
    },
    {
      name: "well-formed PEM that is no key",
      policy: {
        signatures: {
          publicKey: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
          projects: ["apps"],
        },
      },
      expect: /^registry-platform:policy\.signatures\.publicKey \| a value that is not a PEM public key/,
    },
    {
      name: "empty allow-list with enforcement on",
      policy: { failureAction: "Enforce", allowedRegistries: [] },
      expect:
        /^registry-platform:policy\.allowedRegistries \| \[\] \| at least one registry when policy\.failureAction is "Enforce".*\["registry\.dev\.example\.internal"\]/,
    },
    {
      name: "unknown enforcement level",
      policy: { failureAction: "Block" },
      expect: /^registry-platform:policy\.failureAction \| "Block" \| .*Enforce.*Audit/,
    },
    {
      name: "unknown failure policy",
      policy: { failurePolicy: "Maybe" },
      expect: /^registry-platform:policy\.failurePolicy \| "Maybe" \| .*Fail.*Ignore/,
    },
    {
      name: "an allow-list entry with a scheme",
      policy: { allowedRegistries: ["https://ghcr.io"] },
      expect:
        /^registry-platform:policy\.allowedRegistries\[0\] \| "https:\/\/ghcr\.io" \| a lowercase registry host/,
    },
    {
      name: "fewer than 3 admission replicas in production",
      base: "prod-apne2",
      policy: { admissionReplicas: 2, allowedRegistries: ["registry.k8s.io"] },
      expect:
        /^registry-platform:policy\.admissionReplicas \| 2 \| a whole number >= 3 when environment is "prod"/,
    },
    {
      name: "both a key and keyless",
      policy: {
        signatures: {
          publicKey: KEY,
          keyless: { issuer: "https://issuer.example", subject: "me" },
          projects: ["apps"],
        },
      },
      expect: /^registry-platform:policy\.signatures \| both publicKey and keyless \| exactly one/,
    },
    {
      name: "signatures without any project to verify",
      policy: { signatures: { publicKey: KEY } },
      expect: /^registry-platform:policy\.signatures\.projects \| \[\] \| at least one Harbor project/,
    },
    {
      name: "a malformed digest label",
      policy: { digestNamespaceLabel: "require digest" },
      expect:
        /^registry-platform:policy\.digestNamespaceLabel \| "require digest" \| a namespace label key=value/,
    },
    {
      name: "an unknown key",
      policy: { enforce: true },
      expect:
        /^registry-platform:policy\.enforce \| an unknown key \| one of the keys enabled, namespace, failureAction/,
    },
  ];
  for (const t of bad)
    it(`rejects ${t.name}, naming the key`, () => {
      const issues = configIssues(stackWith(t.base ?? "dev", { policy: t.policy }));
      assert.ok(
        issues.some((i) => t.expect.test(i)),
        issues.join("\n"),
      );
      assert.ok(!issues.join("\n").includes("not base64!"), "the key value is not echoed");
    });

  it("the program creates the ImagePolicy under the platform with the Harbor pull robot's secret (prod-apne2)", async () => {
    const rec = await stackRun("prod-apne2");
    const comp = rec.one("registry-platform:policy:ImagePolicy", "registry-policy");
    assert.strictEqual(rec.parentOf(comp)?.type, "registry-platform:platform:RegistryPlatform");
    const secret = rec.one("kubernetes:core/v1:Secret", "registry-policy-pull-platform");
    assert.match(rec.inputs(secret).stringData[".dockerconfigjson"], /registry\.apne2\.example\.com/);
    assert.ok(rec.secrets(secret).length > 0);
    const release = rec.inputs(rec.one("kubernetes:helm.sh/v3:Release", "registry-policy-release"));
    assert.match(release.values.admissionController.caCertificates.data, /BEGIN CERTIFICATE/);
    assert.strictEqual(rec.byType("kubernetes:kyverno.io/v1:ClusterPolicy").length, 4);
  });
});
