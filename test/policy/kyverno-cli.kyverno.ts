/**
 * The generated ClusterPolicies evaluated by the REAL Kyverno CLI (v1.19.x, built from the Go module proxy by
 * scripts/tools/build-kyverno.sh) against the admission table: every case × every workload kind × every
 * container list, with the expected allow/deny per policy taken from the table (not from our matcher).
 *
 * Run with `npm run test:kyverno`; needs the binary at $KYVERNO_BIN or ${TMPDIR:-/tmp}/tools-bin/kyverno
 * (the suite is skipped with one line otherwise). Not part of `npm test`.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments, stringify } from "yaml";
import {
  ClusterPolicy,
  clusterPolicies,
  CONTAINER_LISTS,
  ContainerList,
  POLICY_NAMES,
} from "../../components/policy/cluster-policies";
import {
  ADMISSION_CASES,
  AdmissionCase,
  COMPLIANT_IMAGE,
  TABLE_ALLOWED,
  TABLE_REGISTRY,
  Verdicts,
} from "./admission-table";
import { scratchDir } from "../harness/scratch";

export const KYVERNO_BIN =
  process.env.KYVERNO_BIN ?? path.join(process.env.TMPDIR ?? "/tmp", "tools-bin", "kyverno");

const KINDS = [
  { kind: "Pod", apiVersion: "v1" },
  { kind: "Deployment", apiVersion: "apps/v1" },
  { kind: "StatefulSet", apiVersion: "apps/v1" },
  { kind: "DaemonSet", apiVersion: "apps/v1" },
  { kind: "ReplicaSet", apiVersion: "apps/v1" },
  { kind: "Job", apiVersion: "batch/v1" },
  { kind: "CronJob", apiVersion: "batch/v1" },
] as const;

const SHORT: Record<ContainerList, string> = {
  containers: "c",
  initContainers: "i",
  ephemeralContainers: "e",
};

interface Sample {
  name: string;
  kind: string;
  list: ContainerList;
  c: AdmissionCase;
  manifest: Record<string, unknown>;
}

/** One workload per (kind, container list, case): the case's image in that list, compliant images elsewhere. */
export function samples(namespace = "apps"): Sample[] {
  const out: Sample[] = [];
  for (const k of KINDS)
    for (const list of CONTAINER_LISTS)
      for (const c of ADMISSION_CASES) {
        const podSpec: Record<string, unknown> = { containers: [{ name: "main", image: COMPLIANT_IMAGE }] };
        if (list === "containers") podSpec.containers = [{ name: "main", image: c.image }];
        else podSpec[list] = [{ name: "extra", image: c.image }];
        const labels = { app: "sample" };
        const template = { metadata: { labels }, spec: podSpec };
        const name = `${k.kind.toLowerCase()}-${SHORT[list]}-${c.id}`;
        const spec =
          k.kind === "Pod"
            ? podSpec
            : k.kind === "CronJob"
              ? {
                  schedule: "0 * * * *",
                  jobTemplate: {
                    spec: { template: { ...template, spec: { ...podSpec, restartPolicy: "Never" } } },
                  },
                }
              : k.kind === "Job"
                ? { template: { ...template, spec: { ...podSpec, restartPolicy: "Never" } } }
                : {
                    selector: { matchLabels: labels },
                    template,
                    ...(k.kind === "StatefulSet" ? { serviceName: name } : {}),
                  };
        out.push({
          name,
          kind: k.kind,
          list,
          c,
          manifest: { apiVersion: k.apiVersion, kind: k.kind, metadata: { name, namespace, labels }, spec },
        });
      }
  return out;
}

export function tablePolicies(action: "Enforce" | "Audit" = "Enforce"): ClusterPolicy[] {
  return clusterPolicies({
    registryHost: TABLE_REGISTRY,
    allowedRegistries: TABLE_ALLOWED,
    failureAction: action,
    failurePolicy: "Fail",
    excludedNamespaces: ["kube-system", "kyverno"],
    signatures: {
      imageReferences: [`${TABLE_REGISTRY}/signed/*`],
      attestor: {
        kind: "key",
        publicKeyPem:
          "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEa8e7lI0zbOhZzBjk3FiJsqgAZqKb\n3lQW7f48p7NMlOsQUFSUo1QhBJDdOWmiiEYk726d4K2F4tKNgyFpZizdAg==\n-----END PUBLIC KEY-----\n",
      },
      registrySecrets: [],
    },
  });
}

interface ReportResult {
  policy: string;
  rule: string;
  result: string;
  resources?: { kind: string; name: string; namespace?: string }[];
}

function kyverno(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(KYVERNO_BIN, args, {
    cwd,
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
    timeout: 540000,
  });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

const POLICY_KEY: Record<string, keyof Verdicts> = {
  [POLICY_NAMES.references]: "references",
  [POLICY_NAMES.digests]: "digests",
  [POLICY_NAMES.registries]: "registries",
};

describe("real Kyverno CLI: the generated ClusterPolicies over the admission table", function () {
  this.timeout(600000);
  let dir: string;

  before(function () {
    if (!fs.existsSync(KYVERNO_BIN)) {
      console.log(
        `kyverno CLI not found at ${KYVERNO_BIN}: skipped (build it with scripts/tools/build-kyverno.sh)`,
      );
      this.skip();
    }
    dir = scratchDir("kyverno-table");
  });

  after(() => {
    if (dir && !process.env.KEEP_KYVERNO_DIR) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("reports the CLI version it runs (1.19.x)", () => {
    const v = kyverno(["version"], dir);
    assert.strictEqual(v.status, 0, v.stderr);
    assert.match(v.stdout, /1\.19\./);
  });

  for (const action of ["Enforce", "Audit"] as const)
    it(`accepts every generated policy (${action}), including the signature policy`, () => {
      fs.writeFileSync(
        path.join(dir, `policies-${action}.yaml`),
        tablePolicies(action)
          .map((p) => stringify(p))
          .join("---\n"),
      );
      const pod = samples()[0].manifest;
      fs.writeFileSync(path.join(dir, "one.yaml"), stringify(pod));
      const r = kyverno(["apply", `policies-${action}.yaml`, "--resource", "one.yaml"], dir);
      assert.doesNotMatch(
        r.stdout + r.stderr,
        /invalid|failed to load|error validating/i,
        r.stdout + r.stderr,
      );
      // kyverno 1.19.1 prints "Applying 16 policy rule(s) to 1 resource(s)...".
      assert.match(r.stdout, /Applying \d+ policy rule(?:s|\(s\))? to 1 resource/, r.stdout + r.stderr);
    });

  it("the signature policy refuses the platform registry in another case (its references match exactly)", () => {
    const sig = tablePolicies("Enforce").find((p) => p.metadata.name === POLICY_NAMES.signatures)!;
    // Only the validate rules: the verify rule would fetch signatures from the (unreachable) registry.
    const validateOnly = { ...sig, spec: { ...sig.spec, rules: sig.spec.rules.filter((r) => r.validate) } };
    fs.writeFileSync(path.join(dir, "case-policy.yaml"), stringify(validateOnly));
    const pod = (name: string, image: string) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace: "apps" },
      spec: { containers: [{ name: "c", image }] },
    });
    const docs = [
      pod("lower", `${TABLE_REGISTRY}/signed/web:v1.0.0`),
      pod("upper", `${TABLE_REGISTRY.toUpperCase()}/signed/web:v1.0.0`),
    ];
    fs.writeFileSync(path.join(dir, "case-pods.yaml"), docs.map((d) => stringify(d)).join("---\n"));
    const r = kyverno(["apply", "case-policy.yaml", "--resource", "case-pods.yaml"], dir);
    const out = r.stdout + r.stderr;
    assert.match(out, /resource apps\/Pod\/upper failed/, out);
    assert.doesNotMatch(out, /resource apps\/Pod\/lower failed/, out);
    assert.match(out, /pass: 1, fail: 1,/, out);
  });

  it("allows and denies every case × kind × container list exactly as the table says", () => {
    const all = samples();
    const policies = tablePolicies("Enforce").filter((p) => p.metadata.name !== POLICY_NAMES.signatures);
    fs.writeFileSync(path.join(dir, "policies.yaml"), policies.map((p) => stringify(p)).join("---\n"));
    fs.writeFileSync(path.join(dir, "resources.yaml"), all.map((s) => stringify(s.manifest)).join("---\n"));
    const r = kyverno(["apply", "policies.yaml", "--resource", "resources.yaml", "--policy-report"], dir);
    fs.writeFileSync(path.join(dir, "apply.out"), `${r.stdout}\n${r.stderr}`);
    // The report is the YAML after the CLI's summary lines.
    const start = r.stdout.search(/^apiVersion:/m);
    const text = start < 0 ? "" : r.stdout.slice(start);
    const results: ReportResult[] = [];
    for (const doc of parseAllDocuments(text)) {
      const o = doc.toJS() as { results?: ReportResult[] } | null;
      if (o && Array.isArray(o.results)) results.push(...o.results);
    }
    assert.ok(
      results.length > 0,
      `no policy report results:\n${r.stdout.slice(0, 2000)}\n${r.stderr.slice(0, 2000)}`,
    );
    // Verdict per (policy, resource): denied when any rule failed.
    const failed = new Set<string>();
    const seen = new Set<string>();
    for (const res of results)
      for (const x of res.resources ?? []) {
        seen.add(`${res.policy}/${x.name}`);
        if (res.result === "fail") failed.add(`${res.policy}/${x.name}`);
        assert.notStrictEqual(res.result, "error", `${res.policy}/${res.rule} errored on ${x.name}`);
      }
    const mismatches: string[] = [];
    for (const s of all)
      for (const [policy, key] of Object.entries(POLICY_KEY)) {
        assert.ok(seen.has(`${policy}/${s.name}`), `${policy} did not evaluate ${s.name}`);
        const allowed = !failed.has(`${policy}/${s.name}`);
        if (allowed !== s.c.allow[key])
          mismatches.push(
            `${s.kind} ${s.list} ${s.c.image}: ${policy} ${allowed ? "allowed" : "denied"}, table says ${s.c.allow[key] ? "allow" : "deny"}`,
          );
      }
    assert.deepStrictEqual(mismatches, []);
    console.log(`      ${all.length} workloads × ${policies.length} policies evaluated by ${KYVERNO_BIN}`);
  });
});
