/**
 * `ImagePolicy`: Kyverno in the cluster and the platform's image ClusterPolicies (SPEC R7.1). Thin: the
 * values and the policies are built by the pure functions in `values.ts` and `cluster-policies.ts`.
 */
import * as apiextensions from "@pulumi/kubernetes/apiextensions";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as helmv3 from "@pulumi/kubernetes/helm/v3/release";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { ChartSource, releaseChartArgs } from "../artifacts/charts";
import { versions } from "../versions";
import { clusterPolicies, FailureAction, FailurePolicy, SignatureVerification } from "./cluster-policies";
import { KYVERNO_RELEASE_NAME, kyvernoValues } from "./values";

export interface ImagePolicyArgs {
  /** Namespace Kyverno is installed into (created here). Config `policy.namespace`, default `kyverno`. */
  namespace: string;
  /** Production: 3 admission controller replicas with a PodDisruptionBudget, 2 of each other controller. */
  production: boolean;
  /** Admission controller replicas (≥ 3 in production). Default 3 in production, 1 elsewhere. */
  admissionReplicas?: number;
  /** `Enforce` (production default) or `Audit`. */
  failureAction: FailureAction;
  /** Webhook failure policy when Kyverno cannot answer: `Fail` (production default) or `Ignore`. */
  failurePolicy: FailurePolicy;
  /** The platform registry host; always an allowed registry. */
  registryHost: string;
  /** Further allowed registries, `host[:port][/path-prefix]`. Default none. */
  allowedRegistries: readonly string[];
  /** Namespaces no policy applies to; Kyverno's own namespace is added. */
  excludedNamespaces: readonly string[];
  /** Require digests only in namespaces with this label (`key=value`); default every namespace not excluded. */
  digestNamespaceLabel?: { key: string; value: string };
  /** Cosign verification for the platform registry's signed projects. Default none. */
  signatures?: {
    /** Harbor projects whose images must be signed. */
    projects: readonly string[];
    attestor: SignatureVerification["attestor"];
    /** Per signed project, the `.dockerconfigjson` of a robot that can pull it (secret). */
    pullDockerConfigJson: Readonly<Record<string, pulumi.Input<string>>>;
  };
  /** The platform CA bundle (PEM), trusted by Kyverno's controllers. */
  caBundlePem?: pulumi.Input<string>;
  /** `protect` + `retainOnDelete` on the namespace. Default false. */
  protect?: boolean;
  /** Where the Kyverno chart comes from. Default: the public repository pinned in `versions.ts`. */
  chart?: ChartSource;
  /** Registry (`host[:port][/path]`) Kyverno's images are pulled from. Default: the chart's registries. */
  imageMirror?: string;
  /** Wait for Kyverno's workloads and Jobs to be ready. Default true. */
  wait?: boolean;
  /** Helm timeout in seconds. Default 600. */
  timeoutSeconds?: number;
}

/**
 * The Secret holding a signed project's pull config: `registry-pull-<project>`. A Harbor project name may hold
 * `_` and be 255 characters long, which a Secret name (DNS subdomain, ≤ 253) cannot: then the other characters
 * become `-` and a short hash of the project name keeps `team_a` and `team-a` apart.
 */
export function signaturePullSecretName(project: string): string {
  const name = `registry-pull-${project}`;
  const safe = name.replace(/[^a-z0-9.-]/g, "-");
  if (safe === name && name.length <= 253) return name;
  const hash = createHash("sha256").update(project, "utf8").digest("hex").slice(0, 8);
  return `${safe.slice(0, 253 - hash.length - 1).replace(/[.-]+$/, "")}-${hash}`;
}

export class ImagePolicy extends pulumi.ComponentResource {
  public readonly namespace: pulumi.Output<string>;
  /** The Helm release name. */
  public readonly release: pulumi.Output<string>;
  /** Names of the ClusterPolicies. */
  public readonly policyNames: string[];

  constructor(name: string, args: ImagePolicyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("registry-platform:policy:ImagePolicy", name, {}, opts);
    const ns = new corev1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: args.namespace,
          labels: {
            "pod-security.kubernetes.io/enforce": "baseline",
            "pod-security.kubernetes.io/warn": "restricted",
            "app.kubernetes.io/part-of": "registry-platform",
          },
        },
      },
      { parent: this, protect: args.protect === true, retainOnDelete: args.protect === true },
    );
    const namespace = ns.metadata.name;

    const pullSecretNames: string[] = [];
    const deps: pulumi.Resource[] = [ns];
    for (const project of args.signatures?.projects ?? []) {
      const json = args.signatures?.pullDockerConfigJson[project];
      if (json === undefined) continue;
      const secretName = signaturePullSecretName(project);
      deps.push(
        new corev1.Secret(
          `${name}-pull-${project}`,
          {
            metadata: { name: secretName, namespace },
            type: "kubernetes.io/dockerconfigjson",
            stringData: { ".dockerconfigjson": pulumi.secret(json) },
          },
          { parent: this, additionalSecretOutputs: ["data", "stringData"] },
        ),
      );
      pullSecretNames.push(secretName);
    }

    const excluded = [...new Set([...args.excludedNamespaces, args.namespace])];
    const release = new helmv3.Release(
      `${name}-release`,
      {
        name: KYVERNO_RELEASE_NAME,
        namespace,
        ...releaseChartArgs(versions.kyverno, args.chart),
        createNamespace: false,
        values: kyvernoValues({
          production: args.production,
          admissionReplicas: args.admissionReplicas,
          failurePolicy: args.failurePolicy,
          excludedNamespaces: excluded,
          caBundlePem: args.caBundlePem,
          pullSecretNames,
          imageMirror: args.imageMirror,
        }),
        timeout: args.timeoutSeconds ?? 600,
        skipAwait: args.wait === false,
        waitForJobs: args.wait !== false,
      },
      { parent: this, dependsOn: deps },
    );

    const policies = clusterPolicies({
      registryHost: args.registryHost,
      allowedRegistries: args.allowedRegistries,
      failureAction: args.failureAction,
      failurePolicy: args.failurePolicy,
      excludedNamespaces: excluded,
      digestNamespaceLabel: args.digestNamespaceLabel,
      signatures: args.signatures
        ? {
            imageReferences: args.signatures.projects.map((p) => `${args.registryHost}/${p}/*`),
            attestor: args.signatures.attestor,
            registrySecrets: pullSecretNames,
          }
        : undefined,
    });
    for (const p of policies) {
      new apiextensions.CustomResource(
        `${name}-${p.metadata.name}`,
        { apiVersion: p.apiVersion, kind: p.kind, metadata: p.metadata, spec: p.spec },
        // The CRDs come with the chart.
        { parent: this, dependsOn: [release] },
      );
    }

    this.namespace = namespace;
    this.release = release.name;
    this.policyNames = policies.map((p) => p.metadata.name);
    this.registerOutputs({ namespace: this.namespace, release: this.release, policyNames: this.policyNames });
  }
}
