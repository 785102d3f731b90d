/**
 * plan-diff on crafted synth outputs: each kind of change, with the exact Markdown a pull request gets.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { diffValues, lineDiff, planStack, renderPlans, StackSnapshot } from "../../tools/synth/diff";
import { ResourceDoc } from "../../tools/synth/render";
import { ROOT } from "../harness";
import { runPlanDiff, writeSnapshot } from "./plan-diff-support";
import { scratchDir } from "../harness/scratch";

const P = "urn:pulumi:dev::registry-platform::";

function res(type: string, name: string, inputs: unknown, extra: Partial<ResourceDoc> = {}): ResourceDoc {
  return {
    urn: `${P}registry-platform:storage:RegistryStorage$${type}::${name}`,
    type,
    name,
    parent: `${P}registry-platform:storage:RegistryStorage::storage`,
    provider: `${P}pulumi:providers:aws::aws`,
    dependencies: [],
    ...extra,
    inputs,
  };
}

const helm = (values: unknown) =>
  res(
    "kubernetes:helm.sh/v3:Release",
    "harbor-release",
    { chart: "harbor", version: "1.19.1", name: "harbor", namespace: "harbor", values },
    { provider: `${P}pulumi:providers:kubernetes::k8s` },
  );

const baseValues = {
  core: { replicas: 1, secretName: "[secret]" },
  database: { type: "external", external: { host: "db", password: "plain-before" } },
  registry: { registry: { extraEnvVars: [{ name: "A", value: "1" }] } },
};

const BEFORE: StackSnapshot = {
  resources: [
    res("aws:s3/bucket:Bucket", "registry-bucket", { bucket: "reg", objectLockEnabled: true }),
    res("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "registry-lifecycle", {
      bucket: "reg",
      rules: [{ id: "noncurrent", noncurrentVersionExpiration: { noncurrentDays: 30 } }],
    }),
    res(
      "aws:s3/bucket:Bucket",
      "backup-bucket",
      { bucket: "backup-a", objectLockEnabled: true },
      { options: { protect: true, retainOnDelete: true } },
    ),
    res(
      "aws:s3/bucketPolicy:BucketPolicy",
      "backup-policy",
      {
        bucket: "backup-a",
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }],
        }),
      },
      { options: { protect: true } },
    ),
    res("aws:iam/user:User", "old-user", { name: "old" }),
    helm(baseValues),
  ],
  outputs: { registryHost: "registry.dev.example.internal", harborAdminPassword: "[secret]" },
};

const AFTER: StackSnapshot = {
  resources: [
    BEFORE.resources[0],
    res("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "registry-lifecycle", {
      bucket: "reg",
      rules: [{ id: "noncurrent", noncurrentVersionExpiration: { noncurrentDays: 35 } }],
    }),
    res(
      "aws:s3/bucket:Bucket",
      "backup-bucket",
      { bucket: "backup-b", objectLockEnabled: true },
      { options: { protect: true, retainOnDelete: true } },
    ),
    res(
      "aws:s3/bucketPolicy:BucketPolicy",
      "backup-policy",
      {
        bucket: "backup-a",
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "true" } } }],
        }),
      },
      { options: { protect: true } },
    ),
    helm({
      ...baseValues,
      core: { replicas: 2, secretName: "[secret]" },
      database: { type: "external", external: { host: "db", password: "[secret]" } },
      registry: {
        registry: {
          extraEnvVars: [
            { name: "A", value: "1" },
            { name: "B", value: "2" },
          ],
        },
      },
    }),
    res(
      "kubernetes:core/v1:Namespace",
      "apps-ns",
      { metadata: { name: "apps" } },
      { provider: `${P}pulumi:providers:kubernetes::k8s` },
    ),
  ],
  outputs: { registryHost: "registry.dev2.example.internal", harborAdminPassword: "[secret]" },
};

describe("plan-diff: values", () => {
  it("finds leaf changes by path", () => {
    assert.deepStrictEqual(diffValues({ a: { b: 1, c: [1, 2] } }, { a: { b: 2, c: [1, 3] } }), [
      { path: "a.b", before: 1, after: 2 },
      { path: "a.c[1]", before: 2, after: 3 },
    ]);
  });

  it("keys lists of named objects by name, so an insertion is one change, not a shifted list", () => {
    const env = (...n: string[]) => n.map((name) => ({ name, value: name.toLowerCase() }));
    assert.deepStrictEqual(diffValues({ env: env("A", "C") }, { env: env("A", "B", "C") }), [
      { path: "env[name=B]", before: undefined, after: { name: "B", value: "b" } },
    ]);
  });

  it("diffs JSON documents inside strings member by member", () => {
    assert.deepStrictEqual(diffValues({ policy: '{"a":{"b":1}}' }, { policy: '{"a":{"b":2}}' }), [
      { path: "policy<json>.a.b", before: 1, after: 2 },
    ]);
  });

  it("line diff keeps common lines and marks the changed ones", () => {
    assert.deepStrictEqual(lineDiff("a\nb\nc", "a\nB\nc"), ["  a", "- b", "+ B", "  c"]);
  });
});

describe("plan-diff: Markdown", () => {
  it("renders add, remove, change, replace (protected), secret change, Helm values and outputs exactly", () => {
    const md = renderPlans([planStack("dev", BEFORE, AFTER)]);
    assert.strictEqual(
      md,
      [
        "## Offline plan diff",
        "",
        "| stack | create | update | replace | delete | outputs | protected hit |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        "| `dev` | 1 | 3 | **1** | **1** | 1 | **1** |",
        "",
        "### `dev`",
        "",
        "> [!CAUTION]",
        "> **Protected:** 1 protected resource(s) would be deleted or replaced: `aws:s3/bucket:Bucket` **backup-bucket**. `pulumi up` refuses until `protect` is lifted.",
        "",
        "> [!WARNING]",
        "> **Destructive:** 1 to replace (deleted and created again), 1 to delete.",
        "",
        "#### Replace",
        "- `aws:s3/bucket:Bucket` **backup-bucket** _(protected)_ — because `bucket` (a bucket's name and Object Lock are fixed at creation)",
        '  - `inputs.bucket`: `"backup-a"` → `"backup-b"`',
        "",
        "#### Delete",
        "- `aws:iam/user:User` **old-user**",
        "",
        "#### Create",
        "- `kubernetes:core/v1:Namespace` **apps-ns**",
        "",
        "#### Update",
        "- `aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration` **registry-lifecycle**",
        "  - `inputs.rules[0].noncurrentVersionExpiration.noncurrentDays`: `30` → `35`",
        "- `aws:s3/bucketPolicy:BucketPolicy` **backup-policy**",
        '  - `inputs.policy<json>.Statement[0].Condition.Bool.aws:SecureTransport`: `"false"` → `"true"`',
        "- `kubernetes:helm.sh/v3:Release` **harbor-release**",
        "  - `inputs.values.core.replicas`: `1` → `2`",
        '  - `inputs.values.database.external.password`: `"plain-before"` → _[secret]_',
        '  - `inputs.values.registry.registry.extraEnvVars[name=B]`: _(unset)_ → `{"name":"B","value":"2"}`',
        "",
        "#### Outputs",
        '- `registryHost`: `"registry.dev.example.internal"` → `"registry.dev2.example.internal"`',
        "",
        "_Secret values are redacted in the offline synth, so a change of a secret's value does not show here; replacements are inferred from the providers' replace-on-change fields._",
        "",
      ].join("\n"),
    );
  });

  it("no change: the table and one sentence", () => {
    assert.strictEqual(
      renderPlans([planStack("prod-apne2", BEFORE, BEFORE)]),
      [
        "## Offline plan diff",
        "",
        "| stack | create | update | replace | delete | outputs | protected hit |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        "| `prod-apne2` | 0 | 0 | 0 | 0 | 0 | 0 |",
        "",
        "No changes to the desired state.",
        "",
      ].join("\n"),
    );
  });

  it("replacements: Secret data, tls inputs, a new parent, a provider change, a Harbor project's name", () => {
    const k8s = `${P}pulumi:providers:kubernetes::k8s`;
    const secret = (data: string) =>
      res(
        "kubernetes:core/v1:Secret",
        "pull",
        { type: "kubernetes.io/dockerconfigjson", stringData: { x: data } },
        { provider: k8s },
      );
    const key = (alg: string) => res("tls:index/privateKey:PrivateKey", "root-key", { algorithm: alg });
    const moved = (parent: string) => ({
      ...res("aws:iam/role:Role", "velero", { name: "v" }),
      urn: `${P}${parent}$aws:iam/role:Role::velero`,
    });
    const project = (name: string) =>
      res("pulumi-nodejs:dynamic:Resource", "apps-project", {
        kind: "harbor:Project",
        name,
        connection: "[secret]",
        public: false,
      });
    const before = {
      resources: [
        secret("[secret]"),
        key("ECDSA"),
        moved("a"),
        project("apps"),
        res("aws:iam/policy:Policy", "p", { name: "p" }),
      ],
      outputs: {},
    };
    const after = {
      resources: [
        secret("plain"),
        key("RSA"),
        moved("b"),
        project("apps2"),
        { ...res("aws:iam/policy:Policy", "p", { name: "p" }), provider: `${P}pulumi:providers:aws::aws-2` },
      ],
      outputs: {},
    };
    const plan = planStack("dev", before, after);
    assert.deepStrictEqual(
      plan.resources.map((r) => [r.action, r.name, r.reasons]),
      [
        [
          "replace",
          "pull",
          ["`stringData.x` (Secret data is replaced, not patched (provider without enableSecretMutable))"],
        ],
        ["replace", "root-key", ["tls resources are immutable"]],
        ["replace", "velero", ["its URN changed (new parent) and no alias keeps it"]],
        ["replace", "apps-project", ["`name` (harbor:Project identity)"]],
        ["replace", "p", ["its provider changed"]],
      ],
    );
  });

  it("a multi-line string shows as a line diff, a PEM as (PEM), never as a blob", () => {
    const cm = (script: string, pem: string) =>
      res("kubernetes:apps/v1:DaemonSet", "trust", { spec: { script, ca: pem } });
    const pemA = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    const pemB = "-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n";
    const md = renderPlans([
      planStack(
        "dev",
        { resources: [cm("set -e\ncp a b\necho ok\nexit 0", pemA)], outputs: {} },
        {
          resources: [cm("set -e\ncp a c\necho ok\nexit 0", pemB)],
          outputs: {},
        },
      ),
    ]);
    assert.ok(
      md.includes(
        [
          "- `kubernetes:apps/v1:DaemonSet` **trust**",
          "  - `inputs.spec.ca`: _(PEM)_ → _(PEM)_",
          "  - `inputs.spec.script`: text changed",
          "",
          "    ```diff",
          "      set -e",
          "    - cp a b",
          "    + cp a c",
          "      echo ok",
          "    ```",
          "",
        ].join("\n"),
      ),
      md,
    );
  });
});

describe("plan-diff: CLI", function () {
  this.timeout(20000);
  let dir: string;
  const write = (side: string, stack: string, snap: StackSnapshot) =>
    writeSnapshot(path.join(dir, side, stack), snap);

  before(() => {
    dir = scratchDir("plan-diff");
    write("base", "dev", BEFORE);
    write("head", "dev", AFTER);
    write("base", "prod", BEFORE);
    write("head", "prod", BEFORE);
    write("head", "new", { resources: [BEFORE.resources[0]], outputs: {} });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("directories of stacks: one table row per stack (a new stack is all creates); exit 1 on changes", () => {
    const r = runPlanDiff(path.join(dir, "base"), path.join(dir, "head"));
    assert.strictEqual(r.status, 1, r.stderr);
    assert.strictEqual(r.stderr, "");
    assert.ok(
      r.stdout.startsWith(
        [
          "## Offline plan diff",
          "",
          "| stack | create | update | replace | delete | outputs | protected hit |",
          "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
          "| `dev` | 1 | 3 | **1** | **1** | 1 | **1** |",
          "| `new` | 1 | 0 | 0 | 0 | 0 | 0 |",
          "| `prod` | 0 | 0 | 0 | 0 | 0 | 0 |",
          "",
          "### `dev`",
        ].join("\n"),
      ),
      r.stdout,
    );
    assert.match(r.stdout, /### `new`\n\n#### Create\n- `aws:s3\/bucket:Bucket` \*\*registry-bucket\*\*\n/);
  });

  it("--exit-zero exits 0 with changes; no change exits 0; one stack directory works too", () => {
    assert.strictEqual(runPlanDiff("--exit-zero", path.join(dir, "base"), path.join(dir, "head")).status, 0);
    const same = runPlanDiff(path.join(dir, "base", "prod"), path.join(dir, "head", "prod"));
    assert.strictEqual(same.status, 0);
    assert.match(same.stdout, /\| `prod` \| 0 \|.*\n\nNo changes to the desired state\.\n$/);
  });

  it("usage errors exit 64, unreadable input exits 2, nothing on stdout", () => {
    const u = runPlanDiff(path.join(dir, "base"));
    assert.strictEqual(u.status, 64);
    assert.match(u.stderr, /^usage: plan-diff/);
    fs.mkdirSync(path.join(dir, "broken", "dev"), { recursive: true });
    fs.writeFileSync(path.join(dir, "broken", "dev", "resources.json"), "{not json");
    const b = runPlanDiff(path.join(dir, "broken"), path.join(dir, "head"));
    assert.strictEqual(b.status, 2);
    assert.strictEqual(b.stdout, "");
    assert.match(b.stderr, /^plan-diff: /);
  });

  it("`npm run -s plan-diff` prints clean Markdown (no npm banner) when redirected", function () {
    this.timeout(240000);
    const r = spawnSync(
      "npm",
      ["run", "-s", "plan-diff", "--", "--exit-zero", path.join(dir, "base"), path.join(dir, "head")],
      {
        cwd: ROOT,
        encoding: "utf8",
      },
    );
    assert.strictEqual(r.status, 0, r.stderr);
    assert.ok(r.stdout.startsWith("## Offline plan diff\n"), r.stdout.slice(0, 200));
  });
});
