/** Shared by the storage component tests: resource types, fixtures and lookups. */
import * as awsProvider from "@pulumi/aws/provider";
import { RegistryStorage, RegistryStorageArgs } from "../../components/storage";
import { Recorded, runComponent } from "../harness";

export const T = {
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

export const KEY = "arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
export const OIDC = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.ap-northeast-2.amazonaws.com/id/ABC123";
export const arn = (b: string) => `arn:aws:s3:::${b}`;

/** The component's outputs as stack outputs (undefined ones left out). */
export function outputsOf(s: RegistryStorage): Record<string, unknown> {
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
export function children(rec: Recorded) {
  return rec.all.filter((r) => r.type !== T.component && !r.type.startsWith("pulumi:providers:"));
}

/**
 * `RegistryStorage` `name` on AWS ap-northeast-2 (buckets `<name>-registry`, `<name>-backup`, `<name>-logs`,
 * GOVERNANCE 7 days) with `args` on top, run on the mock engine with its outputs as stack outputs.
 */
export function runAwsStorage(name: string, args: Partial<RegistryStorageArgs>): Promise<Recorded> {
  return runComponent(() => {
    const p = new awsProvider.Provider("p", { region: "ap-northeast-2" });
    return outputsOf(
      new RegistryStorage(
        name,
        {
          target: { kind: "aws", region: "ap-northeast-2" },
          registryBucketName: `${name}-registry`,
          backupBucketName: `${name}-backup`,
          logBucketName: `${name}-logs`,
          backupRetention: { mode: "GOVERNANCE", days: 7 },
          ...args,
        },
        { providers: { aws: p } },
      ),
    );
  });
}
