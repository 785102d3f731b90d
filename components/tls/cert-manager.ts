/**
 * CertManagerCertificate: the registry certificate requested from a cert-manager (Cluster)Issuer (SPEC R2.2,
 * `tls.mode: cert-manager`). cert-manager writes a `kubernetes.io/tls` secret (`tls.crt`, `tls.key`, and
 * `ca.crt` when the issuer knows it) and renews it in the cluster; Pulumi only declares the request.
 */
import * as apiextensions from "@pulumi/kubernetes/apiextensions";
import * as pulumi from "@pulumi/pulumi";
import { isCertDnsName, TlsKeyAlgorithm } from "./certs";

export interface CertManagerIssuerRef {
  /** Name of the issuer. */
  name: string;
  /** `ClusterIssuer` (cluster-wide) or `Issuer` (in the certificate's namespace). */
  kind: "ClusterIssuer" | "Issuer";
  /** API group of the issuer. Default `cert-manager.io`. */
  group?: string;
}

export interface CertManagerCertificateArgs {
  /** Namespace of the Certificate and of the secret cert-manager writes. */
  namespace: pulumi.Input<string>;
  /** Name of the `kubernetes.io/tls` secret cert-manager writes; also the Certificate's name. */
  secretName: string;
  /** Subject alternative names; the first is also the common name when it fits (64 characters). */
  dnsNames: string[];
  issuer: CertManagerIssuerRef;
  /** Requested validity in hours. Default 2160 (90 days; ACME issuers decide themselves). */
  durationHours?: number;
  /** Renew this many hours before expiry. Default 720 (30 days). */
  renewBeforeHours?: number;
  /** Key algorithm: `ECDSA` (P-384) or `RSA` (4096 bits). Default `ECDSA`. */
  keyAlgorithm?: TlsKeyAlgorithm;
}

/** The `spec` of a cert-manager.io/v1 Certificate (the subset we set, field names as in the CRD). */
export interface CertManagerCertificateSpec {
  secretName: string;
  commonName?: string;
  dnsNames: string[];
  duration: string;
  renewBefore: string;
  privateKey: { algorithm: TlsKeyAlgorithm; size: number; rotationPolicy: "Always" };
  usages: string[];
  issuerRef: { name: string; kind: string; group: string };
}

const K8S_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Every problem with the args (empty when valid). */
export function certManagerCertificateProblems(args: CertManagerCertificateArgs): string[] {
  const out: string[] = [];
  const duration = args.durationHours ?? 2160;
  const renew = args.renewBeforeHours ?? 720;
  if (!K8S_NAME.test(args.secretName) || args.secretName.length > 253)
    out.push(`secretName: found ${JSON.stringify(args.secretName)}; allowed: a Kubernetes object name`);
  if (args.dnsNames.length === 0) out.push("dnsNames: found none; allowed: at least one DNS name");
  args.dnsNames.forEach((n, i) => {
    // cert-manager accepts one leading wildcard label.
    if (!isCertDnsName(n.startsWith("*.") ? n.slice(2) : n))
      out.push(`dnsNames[${i}]: found ${JSON.stringify(n)}; allowed: a lowercase DNS name`);
  });
  if (!K8S_NAME.test(args.issuer.name))
    out.push(`issuer.name: found ${JSON.stringify(args.issuer.name)}; allowed: a Kubernetes object name`);
  if (!Number.isInteger(duration) || duration < 1)
    out.push(`durationHours: found ${duration}; allowed: a whole number >= 1`);
  if (!Number.isInteger(renew) || renew < 1 || renew >= duration)
    out.push(
      `renewBeforeHours: found ${renew}; allowed: a whole number >= 1 and < durationHours (${duration})`,
    );
  return out;
}

/** The Certificate spec for the args (defaults applied). */
export function certManagerCertificateSpec(args: CertManagerCertificateArgs): CertManagerCertificateSpec {
  const algorithm = args.keyAlgorithm ?? "ECDSA";
  const first = args.dnsNames[0];
  return {
    secretName: args.secretName,
    ...(first !== undefined && first.length <= 64 ? { commonName: first } : {}),
    dnsNames: [...args.dnsNames],
    duration: `${args.durationHours ?? 2160}h`,
    renewBefore: `${args.renewBeforeHours ?? 720}h`,
    // A fresh key on every renewal (cert-manager's default since 1.18, stated so it cannot drift).
    privateKey: { algorithm, size: algorithm === "RSA" ? 4096 : 384, rotationPolicy: "Always" },
    usages:
      algorithm === "RSA"
        ? ["digital signature", "key encipherment", "server auth"]
        : ["digital signature", "server auth"],
    issuerRef: {
      name: args.issuer.name,
      kind: args.issuer.kind,
      group: args.issuer.group ?? "cert-manager.io",
    },
  };
}

export class CertManagerCertificate extends pulumi.ComponentResource {
  /** Name of the `kubernetes.io/tls` secret cert-manager maintains. */
  public readonly secretName: pulumi.Output<string>;

  constructor(name: string, args: CertManagerCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = certManagerCertificateProblems(args);
    if (problems.length > 0)
      throw new Error(`CertManagerCertificate ${name}: invalid arguments:\n  ${problems.join("\n  ")}`);
    super("registry-platform:tls:CertManagerCertificate", name, {}, opts);
    const cert = new apiextensions.CustomResource(
      `${name}-certificate`,
      {
        apiVersion: "cert-manager.io/v1",
        kind: "Certificate",
        metadata: {
          name: args.secretName,
          namespace: args.namespace,
          labels: {
            "app.kubernetes.io/managed-by": "pulumi",
            "app.kubernetes.io/part-of": "registry-platform",
          },
        },
        spec: certManagerCertificateSpec(args),
      },
      { parent: this },
    );
    this.secretName = pulumi.output(cert.metadata).apply(() => args.secretName);
    this.registerOutputs({ secretName: this.secretName });
  }
}
