/**
 * TlsSecrets: the Kubernetes secrets built from a {@link RegistryTls} (SPEC R2.3), in the namespace of the
 * workload that uses them:
 * - a `kubernetes.io/tls` secret (`tls.crt` = server certificate + intermediate, `tls.key`) for the ingress
 *   (Harbor `expose.tls.certSource: secret`);
 * - an Opaque secret with `ca.crt` = the CA bundle, for Harbor's `caBundleSecretName` and for anything that
 *   must trust an endpoint issued by the platform CA.
 * Both are whole-secret values in Pulumi (the provider marks Secret `stringData` secret as well).
 */
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as pulumi from "@pulumi/pulumi";

export interface TlsSecretsArgs {
  /** Namespace to create the secrets in (it must exist). */
  namespace: pulumi.Input<string>;
  /** Name of the `kubernetes.io/tls` secret. Default `registry-tls`. */
  tlsSecretName?: string;
  /** Name of the CA bundle secret (key `ca.crt`). Default `registry-ca-bundle`. */
  caSecretName?: string;
  /** `tls.crt`: server certificate followed by its intermediate(s). */
  serverCertChainPem: pulumi.Input<string>;
  /** `tls.key`: the server certificate's private key. */
  serverKeyPem: pulumi.Input<string>;
  /** `ca.crt` of both secrets: the trust anchors. */
  caBundlePem: pulumi.Input<string>;
  /** Extra labels on both secrets. Default none. */
  labels?: Record<string, string>;
}

/** `stringData` of the TLS secret. `ca.crt` is included too: ingress controllers and clients read it. */
export function tlsSecretStringData<T>(chain: T, key: T, ca: T): Record<string, T> {
  return { "tls.crt": chain, "tls.key": key, "ca.crt": ca };
}

export class TlsSecrets extends pulumi.ComponentResource {
  public readonly tlsSecretName: pulumi.Output<string>;
  public readonly caSecretName: pulumi.Output<string>;

  constructor(name: string, args: TlsSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("registry-platform:tls:TlsSecrets", name, {}, opts);
    const labels = {
      "app.kubernetes.io/part-of": "registry-platform",
      "app.kubernetes.io/managed-by": "pulumi",
      ...(args.labels ?? {}),
    };
    const tlsSecret = new corev1.Secret(
      `${name}-tls`,
      {
        metadata: { name: args.tlsSecretName ?? "registry-tls", namespace: args.namespace, labels },
        type: "kubernetes.io/tls",
        stringData: pulumi.secret(
          tlsSecretStringData<pulumi.Input<string>>(
            args.serverCertChainPem,
            args.serverKeyPem,
            args.caBundlePem,
          ),
        ),
      },
      { parent: this },
    );
    const caSecret = new corev1.Secret(
      `${name}-ca`,
      {
        metadata: { name: args.caSecretName ?? "registry-ca-bundle", namespace: args.namespace, labels },
        type: "Opaque",
        stringData: { "ca.crt": args.caBundlePem },
      },
      { parent: this },
    );
    this.tlsSecretName = tlsSecret.metadata.name;
    this.caSecretName = caSecret.metadata.name;
    this.registerOutputs({ tlsSecretName: this.tlsSecretName, caSecretName: this.caSecretName });
  }
}
