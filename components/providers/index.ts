/**
 * Explicit providers for one stack: the AWS provider (real AWS in the stack's region, or an S3-compatible
 * endpoint) and the Kubernetes provider. Every resource of the platform names one of them.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** Where buckets live. */
export type StorageTarget =
  | { kind: "aws"; region: string }
  | {
      kind: "s3-compatible";
      /** S3 API endpoint with scheme, e.g. https://minio.example:9000. */
      endpoint: string;
      /** Region label the endpoint expects (MinIO/Ceph accept any; default us-east-1). */
      signingRegion?: string;
      accessKey: pulumi.Input<string>;
      secretKey: pulumi.Input<string>;
    };

/**
 * Arguments of the AWS provider for a storage target. For S3-compatible endpoints the AWS-only start-up
 * checks are skipped: credential validation (STS), region validation, account id lookup and the EC2
 * metadata API — none of them exist on MinIO or Ceph RGW — and path-style addressing is used because such
 * endpoints rarely have wildcard DNS for virtual-hosted buckets.
 */
export function awsProviderArgs(
  target: StorageTarget,
  defaultTags: Record<string, string>,
): aws.ProviderArgs {
  if (target.kind === "aws") {
    return { region: target.region, defaultTags: { tags: defaultTags } };
  }
  return {
    region: target.signingRegion ?? "us-east-1",
    accessKey: target.accessKey,
    secretKey: target.secretKey,
    endpoints: [{ s3: target.endpoint }],
    s3UsePathStyle: true,
    skipCredentialsValidation: true,
    skipRegionValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: true,
    defaultTags: { tags: defaultTags },
  };
}

export interface KubernetesTarget {
  /** kubeconfig context; default: the current context. */
  context?: string;
  /** kubeconfig contents (secret); default: $KUBECONFIG or ~/.kube/config. */
  kubeconfig?: pulumi.Input<string>;
}

export function kubernetesProviderArgs(target: KubernetesTarget): k8s.ProviderArgs {
  return {
    ...(target.context ? { context: target.context } : {}),
    ...(target.kubeconfig ? { kubeconfig: target.kubeconfig } : {}),
    // Server-side apply: field managers make preview diffs and drift visible, as platform engineers expect.
    enableServerSideApply: true,
  };
}

export interface PlatformProviders {
  aws: aws.Provider;
  k8s: k8s.Provider;
}

/** Creates both providers, named `<name>-aws` and `<name>-k8s` (children of `opts.parent`, if given). */
export function createProviders(
  name: string,
  args: { storage: StorageTarget; kubernetes: KubernetesTarget; tags: Record<string, string> },
  opts?: pulumi.CustomResourceOptions,
): PlatformProviders {
  return {
    aws: new aws.Provider(`${name}-aws`, awsProviderArgs(args.storage, args.tags), opts),
    k8s: new k8s.Provider(`${name}-k8s`, kubernetesProviderArgs(args.kubernetes), opts),
  };
}
