/**
 * End-to-end (harness): the generated ClusterPolicies are accepted by a REAL kube-apiserver that has Kyverno's
 * CRDs — server-side dry-run create with strict field validation, so an unknown or misspelled field fails.
 *
 * Needs:
 * - $KUBECONFIG pointing at the harness API server (../shared/tools/real-k8s/start.sh etcd apiserver);
 * - Kyverno's CRDs: $KYVERNO_CRDS (a file or directory of CRD YAML), else the `config/crds/kyverno` folder of
 *   the Go module github.com/kyverno/kyverno@v1.19.1 in the module cache (present after
 *   scripts/tools/build-kyverno.sh). The CRDs are read at test time, never copied into this repository.
 * Skips with one line when either is missing.
 */
import * as assert from "assert";
import * as k8s from "@kubernetes/client-node";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { clusterPolicies, ClusterPolicyOptions } from "../../components/policy/cluster-policies";
import { scratchDir } from "../harness/scratch";

export const KYVERNO_MODULE = "github.com/kyverno/kyverno@v1.19.1";

/** The CRD files to install: $KYVERNO_CRDS, or the module cache's copy. */
export function kyvernoCrdFiles(): string[] {
  let src = process.env.KYVERNO_CRDS;
  if (!src) {
    let modcache = process.env.GOMODCACHE;
    if (!modcache)
      try {
        modcache = execFileSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" }).trim();
      } catch {
        return [];
      }
    src = path.join(modcache, ...KYVERNO_MODULE.split("/"), "config", "crds", "kyverno");
  }
  if (!fs.existsSync(src)) return [];
  if (fs.statSync(src).isFile()) return [src];
  return fs
    .readdirSync(src)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => path.join(src, f));
}

const OPTIONS: ClusterPolicyOptions[] = [
  {
    registryHost: "registry.apne2.example.com",
    allowedRegistries: ["registry.k8s.io", "quay.io/jetstack", "mirror.example.internal:5000"],
    failureAction: "Enforce",
    failurePolicy: "Fail",
    excludedNamespaces: ["kube-system", "registry-system", "harbor", "velero", "kyverno"],
    digestNamespaceLabel: { key: "registry-platform/require-digest", value: "true" },
    signatures: {
      imageReferences: ["registry.apne2.example.com/platform/*"],
      attestor: {
        kind: "key",
        publicKeyPem:
          "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEa8e7lI0zbOhZzBjk3FiJsqgAZqKb\n3lQW7f48p7NMlOsQUFSUo1QhBJDdOWmiiEYk726d4K2F4tKNgyFpZizdAg==\n-----END PUBLIC KEY-----\n",
      },
      registrySecrets: ["registry-pull-platform"],
    },
  },
  {
    registryHost: "registry.dev.example.internal",
    allowedRegistries: [],
    failureAction: "Audit",
    failurePolicy: "Ignore",
    excludedNamespaces: ["kube-system"],
    signatures: {
      imageReferences: ["registry.dev.example.internal/apps/*"],
      attestor: {
        kind: "keyless",
        issuer: "https://token.actions.githubusercontent.com",
        subject: "https://github.com/acme/app/.github/workflows/build.yaml@refs/heads/main",
        rekorUrl: "https://rekor.sigstore.dev",
      },
      registrySecrets: [],
    },
  },
];

describe("e2e: generated ClusterPolicies on a real API server with Kyverno's CRDs (server-side dry-run)", function () {
  this.timeout(120000);
  let objects: k8s.KubernetesObjectApi;

  before(async function () {
    const crds = kyvernoCrdFiles();
    if (!process.env.KUBECONFIG || crds.length === 0) {
      console.log(
        `policy dry-run e2e skipped: ${!process.env.KUBECONFIG ? "KUBECONFIG is not set (start the harness API server)" : "Kyverno CRDs not found (set KYVERNO_CRDS or run scripts/tools/build-kyverno.sh)"}`,
      );
      this.skip();
    }
    const kc = new k8s.KubeConfig();
    kc.loadFromDefault();
    objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    for (const f of crds)
      for (const doc of parseAllDocuments(fs.readFileSync(f, "utf8"))) {
        const crd = doc.toJS() as k8s.KubernetesObject | null;
        if (!crd?.kind) continue;
        try {
          await objects.read({
            apiVersion: crd.apiVersion!,
            kind: crd.kind,
            metadata: { name: crd.metadata!.name! },
          });
        } catch {
          await objects.create(crd);
        }
      }
    // The API server needs a moment to serve a new CRD.
    for (let i = 0; i < 60; i++) {
      try {
        await objects.list("kyverno.io/v1", "ClusterPolicy");
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    throw new Error("kyverno.io/v1 ClusterPolicy is not served after installing the CRDs");
  });

  OPTIONS.forEach((o, i) =>
    it(`accepts every policy of option set ${i + 1} (${o.failureAction}, ${o.signatures?.attestor.kind} signatures) with strict field validation`, async () => {
      for (const p of clusterPolicies(o)) {
        const created = await objects.create(p, undefined, "All", "registry-platform-e2e", undefined);
        assert.strictEqual(created.metadata?.name, p.metadata.name);
        // Strict: a field the CRD schema does not know is an error, not silently pruned.
        const strict = fetchStrict(p);
        assert.strictEqual(strict, 201, `${p.metadata.name}: strict dry-run status ${strict}`);
      }
    }),
  );

  it("a misspelled field is refused (the check can fail)", () => {
    const p = clusterPolicies(OPTIONS[0])[0] as unknown as { spec: Record<string, unknown> };
    const bad = { ...p, spec: { ...p.spec, validationFailureActoin: "Enforce" } };
    assert.notStrictEqual(fetchStrict(bad), 201);
  });
});

/** `kubectl create --dry-run=server --validate=strict` (fieldValidation=Strict): 201 when accepted, else 422. */
function fetchStrict(obj: unknown): number {
  const file = path.join(scratchDir("cp"), "p.json");
  fs.writeFileSync(file, JSON.stringify(obj));
  try {
    execFileSync("kubectl", ["create", "--dry-run=server", "--validate=strict", "-f", file], {
      encoding: "utf8",
      stdio: "pipe",
    });
    return 201;
  } catch (e) {
    return (e as { status?: number }).status === 0 ? 201 : 422;
  }
}
