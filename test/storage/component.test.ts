import * as assert from "assert";
import * as awsProvider from "@pulumi/aws/provider";
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
import { arn, children, KEY, OIDC, outputsOf, T } from "./component-support";

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
