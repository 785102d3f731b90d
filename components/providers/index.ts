/**
 * Explicit providers for one stack: the AWS provider (real AWS in the stack's region, or an S3-compatible
 * endpoint) and the Kubernetes provider. Every resource of the platform names one of them.
 */
import * as awsProvider from "@pulumi/aws/provider";
import * as k8sProvider from "@pulumi/kubernetes/provider";
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
): awsProvider.ProviderArgs {
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

export function kubernetesProviderArgs(target: KubernetesTarget): k8sProvider.ProviderArgs {
  return {
    ...(target.context ? { context: target.context } : {}),
    ...(target.kubeconfig ? { kubeconfig: target.kubeconfig } : {}),
    // Server-side apply: field managers make preview diffs and drift visible, as platform engineers expect.
    enableServerSideApply: true,
    // Secret and ConfigMap data changes (certificate renewal, CA, robot and credential rotation, an extra SAN)
    // update the object in place instead of deleting and recreating it: without these the provider treats
    // `data` as immutable, and an object with a fixed name is deleted before its replacement exists (the
    // ingress is without its certificate meanwhile). Pods that read such data at start carry a checksum
    // annotation of it (see `rollout.ts`), so an in-place change still rolls them.
    enableSecretMutable: true,
    enableConfigMapMutable: true,
  };
}

export interface PlatformProviders {
  aws: awsProvider.Provider;
  k8s: k8sProvider.Provider;
}

/** Creates both providers, named `<name>-aws` and `<name>-k8s` (children of `opts.parent`, if given). */
export function createProviders(
  name: string,
  args: { storage: StorageTarget; kubernetes: KubernetesTarget; tags: Record<string, string> },
  opts?: pulumi.CustomResourceOptions,
): PlatformProviders {
  return {
    aws: new awsProvider.Provider(`${name}-aws`, awsProviderArgs(args.storage, args.tags), opts),
    k8s: new k8sProvider.Provider(`${name}-k8s`, kubernetesProviderArgs(args.kubernetes), opts),
  };
}
