import * as assert from "assert";
import * as awsProvider from "@pulumi/aws/provider";
import * as pulumi from "@pulumi/pulumi";
import { awsProviderArgs, StorageTarget } from "../../components/providers";
import {
  backupLifecycleRules,
  COMPONENT_TAG,
  irsaTrustPolicy,
  logBucketPolicy,
  registryIamPolicy,
  registryLifecycleRules,
  RegistryStorage,
  tlsOnlyBucketPolicy,
  veleroIamPolicy,
} from "../../components/storage";
import { MOCK_ACCOUNT_ID } from "../../tools/synth/mocks";
import { Recorded, runComponent } from "../harness";

const T = {
  component: "registry-platform:storage:RegistryStorage",
  bucket: "aws:s3/bucket:Bucket",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  lock: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  policy: "aws:s3/bucketPolicy:BucketPolicy",
  logging: "aws:s3/bucketLogging:BucketLogging",
  user: "aws:iam/user:User",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  key: "aws:iam/accessKey:AccessKey",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
};

const KEY = "arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const OIDC = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.ap-northeast-2.amazonaws.com/id/ABC123";
const arn = (b: string) => `arn:aws:s3:::${b}`;

/** The component's outputs as stack outputs (undefined ones left out). */
function outputsOf(s: RegistryStorage): Record<string, unknown> {
  const all: Record<string, unknown> = {
    registryBucketName: s.registryBucketName,
    registryBucketArn: s.registryBucketArn,
    backupBucketName: s.backupBucketName,
    backupBucketArn: s.backupBucketArn,
    logBucketName: s.logBucketName,
    region: s.region,
    endpoint: s.endpoint,
    registryCredentials: s.registryCredentials,
    veleroCredentials: s.veleroCredentials,
    veleroRoleArn: s.veleroRoleArn,
  };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined));
}

/** Every registration except the provider and the component itself. */
function children(rec: Recorded) {
  return rec.all.filter((r) => r.type !== T.component && !r.type.startsWith("pulumi:providers:"));
}

describe("storage component: AWS production-like (COMPLIANCE, CMK, protect, IRSA, snapshots)", () => {
  let rec: Recorded;
  before(async () => {
    rec = await runComponent(() => {
      const p = new awsProvider.Provider("p", { region: "ap-northeast-2" });
      const s = new RegistryStorage(
        "st",
        {
          target: { kind: "aws", region: "ap-northeast-2" },
          registryBucketName: "acme-registry",
          backupBucketName: "acme-backup",
          logBucketName: "acme-logs",
          backupRetention: { mode: "COMPLIANCE", days: 35 },
          archive: { prefix: "monthly/", transitionAfterDays: 60, storageClass: "DEEP_ARCHIVE" },
          kmsKeyArn: KEY,
          protect: true,
          tags: { team: "platform" },
          irsa: { oidcProviderArn: OIDC, namespace: "velero", serviceAccount: "velero" },
          veleroSnapshots: true,
        },
        { providers: { aws: p } },
      );
      return outputsOf(s);
    });
  });

  it("every child has the component as parent and the passed provider", () => {
    const comp = rec.one(T.component, "st");
    for (const r of children(rec)) {
      assert.strictEqual(rec.parentOf(r)?.urn, comp.urn, r.name);
      assert.strictEqual(rec.providerOf(r)?.name, "p", r.name);
    }
  });

  it("two object-lock buckets and one log bucket, tagged per component, never force-destroyed", () => {
    const b = (n: string) => rec.inputs(rec.one(T.bucket, `st-${n}-bucket`));
    for (const [n, name, lock] of [
      ["registry", "acme-registry", true],
      ["backup", "acme-backup", true],
      ["log", "acme-logs", false],
    ] as const) {
      assert.strictEqual(b(n).bucket, name);
      assert.strictEqual(b(n).objectLockEnabled, lock);
      assert.strictEqual(b(n).forceDestroy, false);
      assert.deepStrictEqual(b(n).tags, { team: "platform", [COMPONENT_TAG]: n });
    }
  });

  it("Object Lock: no default retention on the registry bucket, COMPLIANCE 35 days on the backup bucket", () => {
    const reg = rec.inputs(rec.one(T.lock, "st-registry-object-lock"));
    assert.deepStrictEqual(reg, { bucket: "acme-registry", objectLockEnabled: "Enabled" });
    assert.deepStrictEqual(rec.inputs(rec.one(T.lock, "st-backup-object-lock")).rule, {
      defaultRetention: { mode: "COMPLIANCE", days: 35 },
    });
    assert.strictEqual(rec.byType(T.lock).length, 2);
  });

  it("versioning on both data buckets; lifecycle rules as the pure functions say, after versioning", () => {
    assert.deepStrictEqual(
      rec
        .byType(T.versioning)
        .map((r): unknown[] => [rec.inputs(r).bucket, rec.inputs(r).versioningConfiguration.status]),
      [
        ["acme-registry", "Enabled"],
        ["acme-backup", "Enabled"],
      ],
    );
    const lc = (n: string) => rec.one(T.lifecycle, `st-${n}-lifecycle`);
    assert.deepStrictEqual(
      rec.inputs(lc("registry")).rules,
      registryLifecycleRules({ recoveryWindowDays: 30, abortMultipartDays: 7 }),
    );
    assert.deepStrictEqual(
      rec.inputs(lc("backup")).rules,
      backupLifecycleRules({
        retentionDays: 35,
        abortMultipartDays: 7,
        archive: { prefix: "monthly/", transitionAfterDays: 60, storageClass: "DEEP_ARCHIVE" },
      }),
    );
    assert.ok(lc("backup").dependencies.includes(rec.one(T.versioning, "st-backup-versioning").urn));
    assert.deepStrictEqual(rec.inputs(lc("log")).rules[0].expiration, { days: 365 });
  });

  it("SSE-KMS with the customer key on data buckets, SSE-S3 on the log bucket", () => {
    const sse = (n: string): unknown => rec.inputs(rec.one(T.sse, `st-${n}-encryption`)).rules;
    const kms = [
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY },
        bucketKeyEnabled: true,
      },
    ];
    assert.deepStrictEqual(sse("registry"), kms);
    assert.deepStrictEqual(sse("backup"), kms);
    assert.deepStrictEqual(sse("log"), [
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false },
    ]);
  });

  it("public access blocked and ACLs disabled on all three buckets", () => {
    for (const n of ["registry", "backup", "log"]) {
      const { bucket: _b, ...flags } = rec.inputs(rec.one(T.pab, `st-${n}-public-access-block`));
      assert.deepStrictEqual(flags, {
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      assert.deepStrictEqual(rec.inputs(rec.one(T.ownership, `st-${n}-ownership-controls`)).rule, {
        objectOwnership: "BucketOwnerEnforced",
      });
    }
  });

  it("TLS-only bucket policies (after the public access block); log policy admits log delivery", () => {
    for (const b of ["registry", "backup"]) {
      const pol = rec.one(T.policy, `st-${b}-policy`);
      assert.deepStrictEqual(JSON.parse(rec.inputs(pol).policy), tlsOnlyBucketPolicy(arn(`acme-${b}`)));
      assert.ok(pol.dependencies.includes(rec.one(T.pab, `st-${b}-public-access-block`).urn));
    }
    assert.deepStrictEqual(
      JSON.parse(rec.inputs(rec.one(T.policy, "st-log-policy")).policy),
      logBucketPolicy({
        logBucketArn: arn("acme-logs"),
        sourceBucketArns: [arn("acme-registry"), arn("acme-backup")],
        accountId: MOCK_ACCOUNT_ID,
      }),
    );
  });

  it("access logging of both data buckets into the log bucket, after its policy", () => {
    for (const b of ["registry", "backup"]) {
      const l = rec.one(T.logging, `st-${b}-logging`);
      assert.deepStrictEqual(rec.inputs(l), {
        bucket: `acme-${b}`,
        targetBucket: "acme-logs",
        targetPrefix: `acme-${b}/`,
      });
      assert.ok(l.dependencies.includes(rec.one(T.policy, "st-log-policy").urn));
    }
  });

  it("protect + retainOnDelete on every S3 resource, not on IAM", () => {
    for (const r of children(rec)) {
      const s3 = r.type.startsWith("aws:s3/");
      assert.strictEqual(r.protect, s3, `${r.name} protect`);
      assert.strictEqual(r.retainOnDelete, s3, `${r.name} retainOnDelete`);
    }
  });

  it("registry: IAM user + key with the registry-only policy incl. the CMK; secret credentials", () => {
    const pol = rec.one(T.userPolicy, "st-registry-user-policy");
    assert.deepStrictEqual(
      JSON.parse(rec.inputs(pol).policy),
      registryIamPolicy({
        bucketArn: arn("acme-registry"),
        kms: { kmsKeyArn: KEY, region: "ap-northeast-2" },
      }),
    );
    assert.match(rec.inputs(pol).user, /^st-registry-user-[0-9a-f]{7}$/, "the created user (auto-named)");
    const key = rec.one(T.key, "st-registry-access-key");
    assert.ok(key.dependencies.includes(pol.urn));
    const creds = rec.outputs.registryCredentials;
    assert.match(creds.accessKeyId, /^AKIA[0-9A-F]{16}$/);
    assert.strictEqual(creds.secretAccessKey.length, 40);
    const secret = rec.outputSecrets();
    assert.ok(
      secret.includes("registryCredentials.accessKeyId") &&
        secret.includes("registryCredentials.secretAccessKey"),
    );
  });

  it("velero: IRSA role (trust for velero/velero), policy with EBS snapshot actions, no static keys", () => {
    const role = rec.one(T.role, "st-velero-role");
    assert.deepStrictEqual(
      JSON.parse(rec.inputs(role).assumeRolePolicy),
      irsaTrustPolicy({ oidcProviderArn: OIDC, namespace: "velero", serviceAccount: "velero" }),
    );
    assert.deepStrictEqual(
      JSON.parse(rec.inputs(rec.one(T.rolePolicy, "st-velero-role-policy")).policy),
      veleroIamPolicy({
        bucketArn: arn("acme-backup"),
        snapshots: true,
        kms: { kmsKeyArn: KEY, region: "ap-northeast-2" },
      }),
    );
    assert.deepStrictEqual(
      rec.byType(T.user).map((u) => u.name),
      ["st-registry-user"],
    );
    const roleName = rec.inputs(rec.one(T.rolePolicy, "st-velero-role-policy")).role;
    assert.match(roleName, /^st-velero-role-[0-9a-f]{7}$/);
    assert.strictEqual(rec.outputs.veleroRoleArn, `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${roleName}`);
    assert.strictEqual(rec.outputs.veleroCredentials, undefined);
  });

  it("outputs: bucket names, ARNs, log bucket, region; no endpoint", () => {
    const o = rec.outputs;
    assert.deepStrictEqual(
      [
        o.registryBucketName,
        o.registryBucketArn,
        o.backupBucketName,
        o.backupBucketArn,
        o.logBucketName,
        o.region,
      ],
      [
        "acme-registry",
        arn("acme-registry"),
        "acme-backup",
        arn("acme-backup"),
        "acme-logs",
        "ap-northeast-2",
      ],
    );
    assert.strictEqual(o.endpoint, undefined);
  });
});

describe("storage component: dev-like (GOVERNANCE, forceDestroy, unprotected, static Velero keys)", () => {
  let rec: Recorded;
  before(async () => {
    rec = await runComponent(() => {
      const p = new awsProvider.Provider("p", { region: "ap-northeast-2" });
      return outputsOf(
        new RegistryStorage(
          "dev",
          {
            target: { kind: "aws", region: "ap-northeast-2" },
            registryBucketName: "dev-registry",
            backupBucketName: "dev-backup",
            logBucketName: "dev-logs",
            recoveryWindowDays: 7,
            backupRetention: { mode: "GOVERNANCE", days: 7 },
            forceDestroy: true,
          },
          { providers: { aws: p } },
        ),
      );
    });
  });

  it("forceDestroy on every bucket, nothing protected", () => {
    assert.deepStrictEqual(
      rec.byType(T.bucket).map((b): unknown => rec.inputs(b).forceDestroy),
      [true, true, true],
    );
    for (const r of rec.all) assert.ok(!r.protect && !r.retainOnDelete, r.name);
  });

  it("GOVERNANCE 7-day retention on the backup bucket; 7-day recovery window on the registry bucket", () => {
    assert.deepStrictEqual(rec.inputs(rec.one(T.lock, "dev-backup-object-lock")).rule, {
      defaultRetention: { mode: "GOVERNANCE", days: 7 },
    });
    assert.strictEqual(rec.inputs(rec.one(T.lock, "dev-registry-object-lock")).rule, undefined);
    assert.deepStrictEqual(
      rec.inputs(rec.one(T.lifecycle, "dev-registry-lifecycle")).rules[0].noncurrentVersionExpiration,
      { noncurrentDays: 7 },
    );
  });

  it("aws:kms with the AWS-managed key: no key id, no KMS statement in IAM policies", () => {
    assert.deepStrictEqual(rec.inputs(rec.one(T.sse, "dev-backup-encryption")).rules[0], {
      applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" },
      bucketKeyEnabled: true,
    });
    for (const r of rec.byType(T.userPolicy)) assert.ok(!rec.inputs(r).policy.includes("kms:"), r.name);
  });

  it("velero: IAM user + key, backup bucket only, no EC2; credentials are secret outputs", () => {
    assert.deepStrictEqual(
      JSON.parse(rec.inputs(rec.one(T.userPolicy, "dev-velero-user-policy")).policy),
      veleroIamPolicy({ bucketArn: arn("dev-backup"), snapshots: false }),
    );
    assert.strictEqual(rec.byType(T.role).length, 0);
    assert.match(rec.outputs.veleroCredentials.accessKeyId, /^AKIA/);
    assert.notStrictEqual(
      rec.outputs.veleroCredentials.accessKeyId,
      rec.outputs.registryCredentials.accessKeyId,
    );
    const secret = rec.outputSecrets();
    for (const p of ["veleroCredentials.accessKeyId", "veleroCredentials.secretAccessKey"])
      assert.ok(secret.includes(p), p);
    assert.strictEqual(rec.outputs.veleroRoleArn, undefined);
  });
});

describe("storage component: S3-compatible endpoint (MinIO / Ceph RGW)", () => {
  let rec: Recorded;
  before(async () => {
    rec = await runComponent(() => {
      const target: StorageTarget = {
        kind: "s3-compatible",
        endpoint: "https://minio.dc1.example:9000",
        accessKey: pulumi.secret("admin-access"),
        secretKey: pulumi.secret("admin-secret"),
      };
      const p = new awsProvider.Provider("p", awsProviderArgs(target, {}));
      return outputsOf(
        new RegistryStorage(
          "op",
          {
            target,
            registryBucketName: "dc1-registry",
            backupBucketName: "dc1-backup",
            logBucketName: "ignored-on-s3-compatible",
            backupRetention: { mode: "COMPLIANCE", days: 30 },
            protect: true,
            registryCredentials: {
              accessKeyId: pulumi.secret("harbor-ak"),
              secretAccessKey: pulumi.secret("harbor-sk"),
            },
          },
          { providers: { aws: p } },
        ),
      );
    });
  });

  it("creates only what the S3 API of MinIO/Ceph supports, all through the passed endpoint provider", () => {
    const types = [...new Set(children(rec).map((r) => r.type))].sort();
    assert.deepStrictEqual(types, [T.bucket, T.lifecycle, T.lock, T.policy, T.sse, T.versioning].sort());
    assert.strictEqual(rec.byType(T.bucket).length, 2);
    for (const r of children(rec)) assert.strictEqual(rec.providerOf(r)?.name, "p", r.name);
    assert.deepStrictEqual(
      rec.inputs(rec.one("pulumi:providers:aws", "p")).endpoints,
      '[{"s3":"https://minio.dc1.example:9000"}]',
    );
  });

  it("keeps Object Lock, versioning, noncurrent expiry, SSE-S3 and the TLS-only policy; protected", () => {
    assert.deepStrictEqual(rec.inputs(rec.one(T.lock, "op-backup-object-lock")).rule, {
      defaultRetention: { mode: "COMPLIANCE", days: 30 },
    });
    assert.deepStrictEqual(
      rec.inputs(rec.one(T.lifecycle, "op-registry-lifecycle")).rules,
      registryLifecycleRules({ recoveryWindowDays: 30 }),
    );
    assert.deepStrictEqual(
      rec.inputs(rec.one(T.lifecycle, "op-backup-lifecycle")).rules,
      backupLifecycleRules({ retentionDays: 30 }),
    );
    assert.strictEqual(
      rec.inputs(rec.one(T.sse, "op-registry-encryption")).rules[0].applyServerSideEncryptionByDefault
        .sseAlgorithm,
      "AES256",
    );
    assert.deepStrictEqual(
      JSON.parse(rec.inputs(rec.one(T.policy, "op-backup-policy")).policy),
      tlsOnlyBucketPolicy(arn("dc1-backup")),
    );
    for (const r of children(rec)) assert.ok(r.protect && r.retainOnDelete, r.name);
  });

  it("credentials come from config (registry: given; velero: the target's own) and stay secret", () => {
    const o = rec.outputs;
    assert.deepStrictEqual(o.registryCredentials, { accessKeyId: "harbor-ak", secretAccessKey: "harbor-sk" });
    assert.deepStrictEqual(o.veleroCredentials, {
      accessKeyId: "admin-access",
      secretAccessKey: "admin-secret",
    });
    const secret = rec.outputSecrets();
    for (const p of [
      "registryCredentials.accessKeyId",
      "registryCredentials.secretAccessKey",
      "veleroCredentials.accessKeyId",
      "veleroCredentials.secretAccessKey",
    ])
      assert.ok(secret.includes(p), p);
  });

  it("outputs the endpoint and the signing region; no log bucket, no role", () => {
    const o = rec.outputs;
    assert.strictEqual(o.endpoint, "https://minio.dc1.example:9000");
    assert.strictEqual(o.region, "us-east-1");
    assert.strictEqual(o.logBucketName, undefined);
    assert.strictEqual(o.veleroRoleArn, undefined);
  });
});
