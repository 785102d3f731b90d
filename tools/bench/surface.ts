/**
 * The SDK surface of the bench's one-bucket baseline: every resource class (and the one function) the platform's
 * components use. The provider SDKs load each resource class's module on first use, so the baseline touches each
 * of them: the baseline and the platform then pay the same SDK import cost, and the ratio measures the platform's
 * own modules (its config parser, zod, the components) and work. `test/bench/surface.test.ts` checks that every
 * type the example stacks register is covered.
 */
import * as s3 from "@pulumi/aws/s3";
import * as iam from "@pulumi/aws/iam";
import { getCallerIdentity } from "@pulumi/aws/getCallerIdentity";
import * as awsProvider from "@pulumi/aws/provider";
import * as admissionPolicy from "@pulumi/kubernetes/admissionregistration/v1/validatingAdmissionPolicy";
import * as admissionBinding from "@pulumi/kubernetes/admissionregistration/v1/validatingAdmissionPolicyBinding";
import * as apiextensions from "@pulumi/kubernetes/apiextensions";
import * as appsv1 from "@pulumi/kubernetes/apps/v1";
import * as batchv1 from "@pulumi/kubernetes/batch/v1";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as helmv3 from "@pulumi/kubernetes/helm/v3/release";
import * as k8sProvider from "@pulumi/kubernetes/provider";
import * as networkingv1 from "@pulumi/kubernetes/networking/v1";
import * as rbacv1 from "@pulumi/kubernetes/rbac/v1";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";

/** The classes (each loaded by reading it here) and `getCallerIdentity`. */
export function baselineSurface(): unknown[] {
  return [
    awsProvider.Provider,
    getCallerIdentity,
    s3.Bucket,
    s3.BucketLifecycleConfiguration,
    s3.BucketLogging,
    s3.BucketObjectLockConfiguration,
    s3.BucketOwnershipControls,
    s3.BucketPolicy,
    s3.BucketPublicAccessBlock,
    s3.BucketReplicationConfig,
    s3.BucketServerSideEncryptionConfiguration,
    s3.BucketVersioning,
    iam.AccessKey,
    iam.Role,
    iam.RolePolicy,
    iam.User,
    iam.UserPolicy,
    k8sProvider.Provider,
    admissionPolicy.ValidatingAdmissionPolicy,
    admissionBinding.ValidatingAdmissionPolicyBinding,
    apiextensions.CustomResource,
    appsv1.DaemonSet,
    batchv1.CronJob,
    corev1.ConfigMap,
    corev1.Namespace,
    corev1.Secret,
    corev1.ServiceAccount,
    corev1.ServiceAccountPatch,
    helmv3.Release,
    networkingv1.Ingress,
    networkingv1.NetworkPolicy,
    rbacv1.ClusterRole,
    rbacv1.ClusterRoleBinding,
    rbacv1.Role,
    rbacv1.RoleBinding,
    random.RandomPassword,
    tls.CertRequest,
    tls.LocallySignedCert,
    tls.PrivateKey,
    tls.SelfSignedCert,
    pulumi.dynamic.Resource,
    pulumi.StackReference,
  ];
}

/** A provider resource's type prefix: `pulumi:providers:aws` is registered by the class whose type is `aws`. */
const PROVIDER = "pulumi:providers:";

let byType: Map<string, unknown> | undefined;

/** The surface's classes by the type they register (`__pulumiType`; `aws` for the AWS provider class). */
function classesByType(): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const c of baselineSurface()) {
    const t: unknown = (c as { __pulumiType?: unknown }).__pulumiType;
    if (typeof t === "string") out.set(t, c);
  }
  return out;
}

/**
 * The surface's class that registers `type` (a provider type by its package's provider class), or undefined: a
 * type the surface has no class of its own for (a dynamic resource, a StackReference, a Kubernetes custom resource).
 */
export function surfaceClass(type: string): unknown {
  byType ??= classesByType();
  return byType.get(type.startsWith(PROVIDER) ? type.slice(PROVIDER.length) : type);
}
