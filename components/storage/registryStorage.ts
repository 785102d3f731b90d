/**
 * `RegistryStorage` (SPEC R1): the registry bucket and the WORM backup bucket of one region, hardened, plus
 * least-privilege credentials for Harbor's registry and Velero. The logic lives in the pure functions of
 * `./args`, `./rules` and `./policies`; this constructor only wires resources.
 */
import * as s3 from "@pulumi/aws/s3";
import * as iam from "@pulumi/aws/iam";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import * as pulumi from "@pulumi/pulumi";
import {
  COMPONENT_TAG,
  RegistryStorageArgs,
  ResolvedStorageArgs,
  resolveStorageArgs,
  S3CredentialsInput,
  storageArgsProblems,
} from "./args";
import {
  irsaTrustPolicy,
  KmsGrant,
  logBucketPolicy,
  PolicyDocument,
  registryIamPolicy,
  tlsOnlyBucketPolicy,
  veleroIamPolicy,
} from "./policies";
import {
  backupLifecycleRules,
  bucketSettingsRetained,
  defaultRetentionRule,
  encryptionRule,
  LifecycleRule,
  logLifecycleRules,
  ObjectLockMode,
  registryLifecycleRules,
} from "./rules";

/** Static S3 credentials as outputs; both values are secret. */
export interface S3Credentials {
  accessKeyId: pulumi.Output<string>;
  secretAccessKey: pulumi.Output<string>;
}

type BucketKind = "registry" | "backup" | "log";

interface BucketSpec {
  kind: BucketKind;
  bucketName: string;
  /** Object Lock enabled at creation; `retention` adds a default retention rule. */
  objectLock: boolean;
  retention?: { mode: ObjectLockMode; days: number };
  versioning: boolean;
  lifecycle: LifecycleRule[];
  /** Policy document from the bucket ARN; undefined = no bucket policy. */
  policy?: (bucketArn: pulumi.Output<string>) => pulumi.Input<string>;
  /** Default encryption rule; undefined = none (S3-compatible target without a KMS). */
  encryption?: ReturnType<typeof encryptionRule>;
}

interface HardenedBucket {
  bucket: s3.Bucket;
  /** Public access block(s) of the bucket: a bucket policy is put after them (S3 rejects concurrent edits). */
  publicAccessBlocks: s3.BucketPublicAccessBlock[];
}

const json = (doc: PolicyDocument) => JSON.stringify(doc);

export class RegistryStorage extends pulumi.ComponentResource {
  /** Physical name of the registry bucket. */
  public readonly registryBucketName: pulumi.Output<string>;
  public readonly registryBucketArn: pulumi.Output<string>;
  /** Physical name of the backup (WORM) bucket. */
  public readonly backupBucketName: pulumi.Output<string>;
  public readonly backupBucketArn: pulumi.Output<string>;
  /** Access-log bucket (AWS only). */
  public readonly logBucketName?: pulumi.Output<string>;
  /** Region (AWS) or signing region label (S3-compatible) clients must use. */
  public readonly region: pulumi.Output<string>;
  /** S3 API endpoint URL (S3-compatible targets only). */
  public readonly endpoint?: pulumi.Output<string>;
  /** Static credentials of Harbor's registry (secret). */
  public readonly registryCredentials: S3Credentials;
  /** Static credentials of Velero (secret); absent when Velero uses IRSA. */
  public readonly veleroCredentials?: S3Credentials;
  /** IAM role Velero's service account assumes (IRSA only). */
  public readonly veleroRoleArn?: pulumi.Output<string>;

  constructor(name: string, args: RegistryStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    // Refuse bad arguments before anything is registered.
    const a = resolveStorageArgs(args);
    const problems = storageArgsProblems(a);
    if (problems.length > 0)
      throw new Error(`RegistryStorage ${name}: invalid arguments:\n  - ${problems.join("\n  - ")}`);

    super("registry-platform:storage:RegistryStorage", name, {}, opts);
    const f = a.features;
    const target = a.target;
    const kms: KmsGrant | undefined =
      target.kind === "aws" && a.kms && a.kmsKeyArn
        ? { kmsKeyArn: a.kmsKeyArn, region: target.region }
        : undefined;
    const encryption = a.encryption ? encryptionRule({ kms: a.kms, kmsKeyArn: a.kmsKeyArn }) : undefined;
    const tlsPolicy = f.tlsOnlyPolicy
      ? (arn: pulumi.Output<string>) => arn.apply((x) => json(tlsOnlyBucketPolicy(x)))
      : undefined;
    if (!f.tlsOnlyPolicy)
      void pulumi.log.warn(
        "storage endpoint uses plain http: the TLS-only bucket policy is skipped (it would deny every request)",
        this,
      );
    const abortDays = f.abortMultipartRule ? a.abortMultipartDays : undefined;

    // Access-log bucket first (AWS only): the other buckets log into it.
    const logs = f.accessLogging
      ? this.hardenedBucket(name, a, {
          kind: "log",
          bucketName: a.logBucketName!,
          objectLock: false, // S3 cannot deliver server access logs into an Object Lock bucket.
          versioning: false,
          lifecycle: logLifecycleRules({
            retentionDays: a.logRetentionDays,
            abortMultipartDays: a.abortMultipartDays,
          }),
          // Log delivery supports SSE-S3 only, never SSE-KMS.
          encryption: encryptionRule({ kms: false }),
        })
      : undefined;

    const registry = this.hardenedBucket(name, a, {
      kind: "registry",
      bucketName: a.registryBucketName,
      objectLock: true, // Enabled at creation, NO default retention (R1.1): GC must be able to free space.
      versioning: true,
      lifecycle: registryLifecycleRules({
        recoveryWindowDays: a.recoveryWindowDays,
        abortMultipartDays: abortDays,
      }),
      policy: tlsPolicy,
      encryption,
    });

    const backup = this.hardenedBucket(name, a, {
      kind: "backup",
      bucketName: a.backupBucketName,
      objectLock: true,
      retention: a.backupRetention,
      versioning: true,
      lifecycle: backupLifecycleRules({
        retentionDays: a.backupRetention.days,
        abortMultipartDays: abortDays,
        archive: f.archiveTransition ? a.archive : undefined,
      }),
      policy: tlsPolicy,
      encryption,
    });

    if (logs) {
      const accountId = getCallerIdentityOutput({}, { parent: this }).accountId;
      const logPolicy = new s3.BucketPolicy(
        `${name}-log-policy`,
        {
          bucket: logs.bucket.bucket,
          policy: pulumi
            .all([logs.bucket.arn, registry.bucket.arn, backup.bucket.arn, accountId])
            .apply(([logArn, registryArn, backupArn, account]) =>
              json(
                logBucketPolicy({
                  logBucketArn: logArn,
                  sourceBucketArns: [registryArn, backupArn],
                  accountId: account,
                }),
              ),
            ),
        },
        this.settingsOpts(a, { dependsOn: logs.publicAccessBlocks }),
      );
      for (const [kind, b, bucketName] of [
        ["registry", registry, a.registryBucketName],
        ["backup", backup, a.backupBucketName],
      ] as const)
        new s3.BucketLogging(
          `${name}-${kind}-logging`,
          { bucket: b.bucket.bucket, targetBucket: logs.bucket.bucket, targetPrefix: `${bucketName}/` },
          this.settingsOpts(a, { dependsOn: [logPolicy] }),
        );
    }

    this.registryBucketName = registry.bucket.bucket;
    this.registryBucketArn = registry.bucket.arn;
    this.backupBucketName = backup.bucket.bucket;
    this.backupBucketArn = backup.bucket.arn;
    this.logBucketName = logs?.bucket.bucket;
    this.region = pulumi.output(
      target.kind === "aws" ? target.region : (target.signingRegion ?? "us-east-1"),
    );

    if (target.kind === "aws") {
      // Harbor's registry cannot use IRSA: an IAM user scoped to the registry bucket, with an access key.
      this.registryCredentials = this.iamUser(
        name,
        "registry",
        a,
        registry.bucket.arn.apply((arn) => json(registryIamPolicy({ bucketArn: arn, kms }))),
      );
      const veleroPolicy = backup.bucket.arn.apply((arn) =>
        json(veleroIamPolicy({ bucketArn: arn, snapshots: a.veleroSnapshots, kms })),
      );
      if (a.irsa) {
        const irsa = a.irsa;
        const role = new iam.Role(
          `${name}-velero-role`,
          {
            description: "Velero (IRSA): backup bucket access",
            assumeRolePolicy: pulumi.output(irsa.oidcProviderArn).apply((arn) =>
              json(
                irsaTrustPolicy({
                  oidcProviderArn: arn,
                  namespace: irsa.namespace,
                  serviceAccount: irsa.serviceAccount,
                }),
              ),
            ),
            tags: { ...a.tags, [COMPONENT_TAG]: "velero" },
          },
          { parent: this },
        );
        new iam.RolePolicy(
          `${name}-velero-role-policy`,
          { role: role.name, policy: veleroPolicy },
          { parent: this },
        );
        this.veleroRoleArn = role.arn;
      } else {
        this.veleroCredentials = this.iamUser(name, "velero", a, veleroPolicy);
      }
    } else {
      // MinIO / Ceph RGW have IAM of their own: credentials come in from (secret) config.
      const own: S3CredentialsInput = { accessKeyId: target.accessKey, secretAccessKey: target.secretKey };
      this.registryCredentials = secretCredentials(a.registryCredentials ?? own);
      this.veleroCredentials = secretCredentials(a.veleroCredentials ?? own);
      this.endpoint = pulumi.output(target.endpoint);
    }

    this.registerOutputs({
      registryBucketName: this.registryBucketName,
      registryBucketArn: this.registryBucketArn,
      backupBucketName: this.backupBucketName,
      backupBucketArn: this.backupBucketArn,
      logBucketName: this.logBucketName,
      region: this.region,
      endpoint: this.endpoint,
      registryCredentials: this.registryCredentials,
      veleroCredentials: this.veleroCredentials,
      veleroRoleArn: this.veleroRoleArn,
    });
  }

  /** Options of resources that hold data or its protection: `protect` + `retainOnDelete` when asked. */
  private dataOpts(
    a: ResolvedStorageArgs,
    extra: pulumi.CustomResourceOptions = {},
  ): pulumi.CustomResourceOptions {
    return { parent: this, ...(a.protect ? { protect: true, retainOnDelete: true } : {}), ...extra };
  }

  /**
   * Options of a bucket's settings (versioning, lock, encryption, lifecycle, public access block, ownership,
   * policy, logging): {@link dataOpts}, and `retainOnDelete` whenever the bucket cannot be deleted with its data
   * (no `forceDestroy`). A destroy deletes the settings before their bucket; without this, an unprotected stack
   * (staging) lost its public access block, TLS-only policy and lifecycle, and then failed on the non-empty
   * bucket, which stayed with its data and without them. See {@link bucketSettingsRetained}.
   */
  private settingsOpts(
    a: ResolvedStorageArgs,
    extra: pulumi.CustomResourceOptions = {},
  ): pulumi.CustomResourceOptions {
    return { ...this.dataOpts(a, extra), ...(bucketSettingsRetained(a) ? { retainOnDelete: true } : {}) };
  }

  /** One bucket with every setting of R1.1–R1.3 the target supports. */
  private hardenedBucket(name: string, a: ResolvedStorageArgs, s: BucketSpec): HardenedBucket {
    const f = a.features;
    const prefix = `${name}-${s.kind}`;
    const bucket = new s3.Bucket(
      `${prefix}-bucket`,
      {
        bucket: s.bucketName,
        objectLockEnabled: s.objectLock,
        forceDestroy: a.forceDestroy,
        tags: { ...a.tags, [COMPONENT_TAG]: s.kind },
      },
      this.dataOpts(a),
    );
    const versioning = s.versioning
      ? new s3.BucketVersioning(
          `${prefix}-versioning`,
          { bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } },
          this.settingsOpts(a),
        )
      : undefined;
    if (s.objectLock)
      // Declared even without a rule: a default retention added out of band shows up as drift and is removed.
      new s3.BucketObjectLockConfiguration(
        `${prefix}-object-lock`,
        {
          bucket: bucket.bucket,
          objectLockEnabled: "Enabled",
          ...(s.retention ? { rule: defaultRetentionRule(s.retention) } : {}),
        },
        this.settingsOpts(a, { dependsOn: versioning ? [versioning] : [] }),
      );
    if (s.encryption)
      new s3.BucketServerSideEncryptionConfiguration(
        `${prefix}-encryption`,
        { bucket: bucket.bucket, rules: [s.encryption] },
        this.settingsOpts(a),
      );
    new s3.BucketLifecycleConfiguration(
      `${prefix}-lifecycle`,
      { bucket: bucket.bucket, rules: s.lifecycle },
      this.settingsOpts(a, { dependsOn: versioning ? [versioning] : [] }),
    );
    const pab = f.publicAccessBlock
      ? [
          new s3.BucketPublicAccessBlock(
            `${prefix}-public-access-block`,
            {
              bucket: bucket.bucket,
              blockPublicAcls: true,
              blockPublicPolicy: true,
              ignorePublicAcls: true,
              restrictPublicBuckets: true,
            },
            this.settingsOpts(a),
          ),
        ]
      : [];
    if (f.ownershipControls)
      new s3.BucketOwnershipControls(
        `${prefix}-ownership-controls`,
        { bucket: bucket.bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
        this.settingsOpts(a),
      );
    if (s.policy)
      new s3.BucketPolicy(
        `${prefix}-policy`,
        { bucket: bucket.bucket, policy: s.policy(bucket.arn) },
        this.settingsOpts(a, { dependsOn: pab }),
      );
    return { bucket, publicAccessBlocks: pab };
  }

  /** An IAM user with an inline policy and one access key; both credential values are secret outputs. */
  private iamUser(
    name: string,
    who: "registry" | "velero",
    a: ResolvedStorageArgs,
    policy: pulumi.Input<string>,
  ): S3Credentials {
    const tags = { ...a.tags, [COMPONENT_TAG]: who };
    const user = new iam.User(`${name}-${who}-user`, { path: "/registry-platform/", tags }, { parent: this });
    const userPolicy = new iam.UserPolicy(
      `${name}-${who}-user-policy`,
      { user: user.name, policy },
      { parent: this },
    );
    const key = new iam.AccessKey(
      `${name}-${who}-access-key`,
      { user: user.name },
      { parent: this, dependsOn: [userPolicy] },
    );
    return { accessKeyId: pulumi.secret(key.id), secretAccessKey: pulumi.secret(key.secret) };
  }
}

function secretCredentials(c: S3CredentialsInput): S3Credentials {
  return {
    accessKeyId: pulumi.secret(pulumi.output(c.accessKeyId)),
    secretAccessKey: pulumi.secret(pulumi.output(c.secretAccessKey)),
  };
}
