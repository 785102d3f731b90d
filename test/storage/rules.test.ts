import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
  backupLifecycleRules,
  defaultRetentionRule,
  encryptionRule,
  logLifecycleRules,
  RegistryStorage,
  RegistryStorageArgs,
  registryLifecycleRules,
  resolveStorageArgs,
  storageArgsProblems,
  storageFeatures,
} from "../../components/storage";

describe("storage rules: lifecycle (R1.1, R1.2)", () => {
  it("registry: noncurrent versions expire after the recovery window, orphan delete markers go, multipart aborted", () => {
    assert.deepStrictEqual(registryLifecycleRules({ recoveryWindowDays: 30, abortMultipartDays: 7 }), [
      {
        id: "expire-noncurrent-after-recovery-window",
        status: "Enabled",
        filter: { prefix: "" },
        expiration: { expiredObjectDeleteMarker: true },
        noncurrentVersionExpiration: { noncurrentDays: 30 },
      },
      {
        id: "abort-incomplete-multipart-uploads",
        status: "Enabled",
        filter: { prefix: "" },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      },
    ]);
    // Without abortMultipartDays (S3-compatible targets) the abort rule is left out.
    assert.deepStrictEqual(
      registryLifecycleRules({ recoveryWindowDays: 9 }).map((r) => r.id),
      ["expire-noncurrent-after-recovery-window"],
    );
  });

  it("backup: noncurrent expiry = retention, archive prefix transition after N days", () => {
    assert.deepStrictEqual(
      backupLifecycleRules({
        retentionDays: 35,
        abortMultipartDays: 7,
        archive: { prefix: "archive/", transitionAfterDays: 30, storageClass: "GLACIER_IR" },
      }),
      [
        {
          id: "expire-noncurrent-after-retention",
          status: "Enabled",
          filter: { prefix: "" },
          expiration: { expiredObjectDeleteMarker: true },
          noncurrentVersionExpiration: { noncurrentDays: 35 },
        },
        {
          id: "abort-incomplete-multipart-uploads",
          status: "Enabled",
          filter: { prefix: "" },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
        {
          id: "archive-long-term-prefix",
          status: "Enabled",
          filter: { prefix: "archive/" },
          transitions: [{ days: 30, storageClass: "GLACIER_IR" }],
        },
      ],
    );
    assert.deepStrictEqual(
      backupLifecycleRules({ retentionDays: 7 }).map((r) => r.id),
      ["expire-noncurrent-after-retention"],
    );
  });

  it("log bucket: logs expire after the log retention", () => {
    assert.deepStrictEqual(logLifecycleRules({ retentionDays: 365, abortMultipartDays: 7 })[0], {
      id: "expire-access-logs",
      status: "Enabled",
      filter: { prefix: "" },
      expiration: { days: 365 },
    });
  });
});

describe("storage rules: encryption and Object Lock (R1.2, R1.3)", () => {
  it("aws:kms with the customer key and a bucket key; AWS-managed key without id; else AES256", () => {
    const key = "arn:aws:kms:ap-northeast-2:123456789012:alias/registry-platform";
    assert.deepStrictEqual(encryptionRule({ kms: true, kmsKeyArn: key }), {
      applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key },
      bucketKeyEnabled: true,
    });
    assert.deepStrictEqual(encryptionRule({ kms: true }), {
      applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" },
      bucketKeyEnabled: true,
    });
    assert.deepStrictEqual(encryptionRule({ kms: false }), {
      applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" },
      bucketKeyEnabled: false,
    });
  });

  it("default retention rule carries mode and days", () => {
    assert.deepStrictEqual(defaultRetentionRule({ mode: "COMPLIANCE", days: 35 }), {
      defaultRetention: { mode: "COMPLIANCE", days: 35 },
    });
  });
});

const S3C = {
  kind: "s3-compatible" as const,
  endpoint: "https://minio.example:9000",
  accessKey: "a",
  secretKey: "s",
};

describe("storage args: features per target and defaults", () => {
  it("AWS gets everything; S3-compatible skips the AWS-only parts; plain http also skips the TLS policy", () => {
    assert.deepStrictEqual(storageFeatures({ kind: "aws", region: "ap-northeast-2" }), {
      iam: true,
      accessLogging: true,
      publicAccessBlock: true,
      ownershipControls: true,
      archiveTransition: true,
      abortMultipartRule: true,
      kms: true,
      tlsOnlyPolicy: true,
    });
    assert.deepStrictEqual(storageFeatures(S3C), {
      iam: false,
      accessLogging: false,
      publicAccessBlock: false,
      ownershipControls: false,
      archiveTransition: false,
      abortMultipartRule: false,
      kms: false,
      tlsOnlyPolicy: true,
    });
    assert.strictEqual(storageFeatures({ ...S3C, endpoint: "http://minio.lab:9000" }).tlsOnlyPolicy, false);
  });

  it("resolves documented defaults (kms on by default only on AWS)", () => {
    const r = resolveStorageArgs({
      target: { kind: "aws", region: "ap-northeast-2" },
      registryBucketName: "r-bucket",
      backupBucketName: "b-bucket",
      logBucketName: "l-bucket",
      archive: { prefix: "monthly/" },
    });
    assert.strictEqual(r.recoveryWindowDays, 30);
    assert.strictEqual(r.abortMultipartDays, 7);
    assert.deepStrictEqual(r.backupRetention, { mode: "GOVERNANCE", days: 7 });
    assert.deepStrictEqual(r.archive, {
      prefix: "monthly/",
      transitionAfterDays: 30,
      storageClass: "GLACIER_IR",
    });
    assert.strictEqual(r.logRetentionDays, 365);
    assert.strictEqual(r.kms, true);
    assert.strictEqual(r.encryption, true);
    assert.strictEqual(r.forceDestroy, false);
    assert.strictEqual(r.protect, false);
    assert.strictEqual(r.veleroSnapshots, false);
    assert.deepStrictEqual(r.tags, {});
    assert.strictEqual(
      resolveStorageArgs({ target: S3C, registryBucketName: "r-b", backupBucketName: "b-b" }).kms,
      false,
    );
  });
});

function problems(args: RegistryStorageArgs): string[] {
  return storageArgsProblems(resolveStorageArgs(args));
}

const AWS_OK: RegistryStorageArgs = {
  target: { kind: "aws", region: "ap-northeast-2" },
  registryBucketName: "acme-registry",
  backupBucketName: "acme-backup",
  logBucketName: "acme-logs",
};

describe("storage args: the component refuses bad arguments", () => {
  it("accepts a sound AWS and a sound S3-compatible set", () => {
    assert.deepStrictEqual(problems(AWS_OK), []);
    assert.deepStrictEqual(
      problems({ target: S3C, registryBucketName: "acme-registry", backupBucketName: "acme-backup" }),
      [],
    );
  });

  const cases: [string, RegistryStorageArgs, RegExp][] = [
    [
      "forceDestroy with protect",
      { ...AWS_OK, forceDestroy: true, protect: true },
      /^forceDestroy: found true; allowed: false while protect is true$/,
    ],
    [
      "forceDestroy with COMPLIANCE",
      { ...AWS_OK, forceDestroy: true, backupRetention: { mode: "COMPLIANCE", days: 7 } },
      /^forceDestroy: found true; allowed: false with COMPLIANCE retention/,
    ],
    [
      "no log bucket on AWS",
      { ...AWS_OK, logBucketName: undefined },
      /^logBucketName: found nothing; allowed: an S3 bucket name/,
    ],
    [
      "same bucket twice",
      { ...AWS_OK, backupBucketName: "acme-registry" },
      /^bucket names: found \["acme-registry","acme-registry","acme-logs"\]/,
    ],
    ["uppercase bucket", { ...AWS_OK, registryBucketName: "Acme" }, /^registryBucketName: found "Acme"/],
    // S3 refuses these at create time; the component's check used to pass them (audit 3).
    [
      "reserved bucket name prefix",
      { ...AWS_OK, registryBucketName: "xn--acme" },
      /^registryBucketName: found "xn--acme"; allowed: an S3 bucket name: .*no reserved prefix/,
    ],
    [
      "reserved bucket name suffix",
      { ...AWS_OK, backupBucketName: "acme-s3alias" },
      /^backupBucketName: found "acme-s3alias"; allowed: an S3 bucket name/,
    ],
    [
      "adjacent periods in a bucket name",
      { ...AWS_OK, logBucketName: "acme..logs" },
      /^logBucketName: found "acme\.\.logs"; allowed: an S3 bucket name/,
    ],
    [
      "bucket name formatted as an IP address",
      { ...AWS_OK, registryBucketName: "10.0.0.1" },
      /^registryBucketName: found "10\.0\.0\.1"; allowed: an S3 bucket name/,
    ],
    [
      "fractional days",
      { ...AWS_OK, recoveryWindowDays: 1.5 },
      /^recoveryWindowDays: found 1.5; allowed: a whole number > 0$/,
    ],
    [
      "zero retention",
      { ...AWS_OK, backupRetention: { mode: "GOVERNANCE", days: 0 } },
      /^backupRetention\.days: found 0/,
    ],
    [
      "IA transition too early",
      { ...AWS_OK, archive: { storageClass: "STANDARD_IA", transitionAfterDays: 10 } },
      /^archive\.transitionAfterDays: found 10; allowed: >= 30 for STANDARD_IA/,
    ],
    [
      "encryption off on AWS",
      { ...AWS_OK, encryption: false },
      /^encryption: found false; allowed: true on AWS$/,
    ],
    [
      "kms off with a key",
      { ...AWS_OK, kms: false, kmsKeyArn: "arn:aws:kms:ap-northeast-2:123456789012:key/k" },
      /^kms: found false; allowed: true when kmsKeyArn is given$/,
    ],
    [
      "KMS key in another region than the buckets",
      { ...AWS_OK, kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k" },
      /^kmsKeyArn: found "arn:aws:kms:us-east-1:123456789012:key\/k"; allowed: a KMS key or alias ARN in ap-northeast-2 \(the buckets' region/,
    ],
    [
      "bad OIDC ARN",
      {
        ...AWS_OK,
        irsa: { oidcProviderArn: "oidc.eks.example", namespace: "velero", serviceAccount: "velero" },
      },
      /^irsa\.oidcProviderArn: found "oidc\.eks\.example"/,
    ],
    [
      "static credentials on AWS",
      { ...AWS_OK, registryCredentials: { accessKeyId: "AKIASECRETVALUE", secretAccessKey: "TOPSECRET" } },
      /^registryCredentials: found "credentials"; allowed: nothing on AWS/,
    ],
    [
      "IRSA on S3-compatible",
      {
        target: S3C,
        registryBucketName: "acme-registry",
        backupBucketName: "acme-backup",
        irsa: {
          oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/x",
          namespace: "velero",
          serviceAccount: "velero",
        },
      },
      /^irsa: found "IRSA settings"; allowed: nothing on S3-compatible targets/,
    ],
    [
      "KMS on S3-compatible",
      { target: S3C, registryBucketName: "acme-registry", backupBucketName: "acme-backup", kms: true },
      /^kms: found true; allowed: false on S3-compatible targets/,
    ],
    [
      "EBS snapshots on S3-compatible",
      {
        target: S3C,
        registryBucketName: "acme-registry",
        backupBucketName: "acme-backup",
        veleroSnapshots: true,
      },
      /^veleroSnapshots: found true/,
    ],
  ];
  for (const [title, args, re] of cases)
    it(title, () => {
      const p = problems(args);
      assert.strictEqual(p.length, 1, p.join("\n"));
      assert.match(p[0], re);
    });

  it("the constructor throws every problem at once, before registering anything, without secret values", () => {
    assert.throws(
      () =>
        new RegistryStorage("bad", {
          ...AWS_OK,
          forceDestroy: true,
          protect: true,
          recoveryWindowDays: 0,
          veleroCredentials: { accessKeyId: "AKIASECRETVALUE", secretAccessKey: pulumi.secret("TOPSECRET") },
        }),
      (e: Error) => {
        assert.match(e.message, /^RegistryStorage bad: invalid arguments:\n {2}- /);
        assert.strictEqual(e.message.split("\n  - ").length - 1, 3, e.message);
        assert.ok(!e.message.includes("AKIASECRETVALUE") && !e.message.includes("TOPSECRET"));
        return true;
      },
    );
  });
});
