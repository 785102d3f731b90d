/**
 * RegistryTls: the registry's certificate chain (SPEC R2.1, R2.2).
 *
 * - `self-signed-ca`: root key + self-signed root → intermediate key + CSR signed by the root → server key +
 *   CSR signed by the intermediate. Everything lives in Pulumi state (keys as secrets).
 * - `byo-intermediate`: the operator's intermediate certificate + key (secret) sign a generated server
 *   certificate; the root key never enters Pulumi state, only the root certificate does.
 * - `byo-certificate`: a ready server certificate chain + key (secret); nothing is generated.
 */
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import {
  CHAIN_DEFAULTS,
  ChainSettings,
  certificateNotAfter,
  chainSettingsProblems,
  checkByoCertificate,
  checkByoIntermediate,
  intermediateCertArgs,
  intermediateCsrArgs,
  TlsKeyAlgorithm,
  pemBundle,
  privateKeyArgs,
  rootCertArgs,
  serverCertArgs,
  serverCsrArgs,
  serverDnsNames,
} from "./certs";

/** Where the chain comes from. */
export type RegistryTlsSource =
  | { mode: "self-signed-ca" }
  | {
      mode: "byo-intermediate";
      /** The root CA certificate(s) (PEM) clients trust. */
      rootCertPem: pulumi.Input<string>;
      /** The intermediate CA certificate (PEM), issued by the root. */
      intermediateCertPem: pulumi.Input<string>;
      /** The intermediate's private key (PEM); pass a secret. */
      intermediateKeyPem: pulumi.Input<string>;
    }
  | {
      mode: "byo-certificate";
      /** The root CA certificate(s) (PEM) clients trust. */
      rootCertPem: pulumi.Input<string>;
      /** The server certificate chain (PEM), leaf first, then its issuers. */
      serverCertPem: pulumi.Input<string>;
      /** The server certificate's private key (PEM); pass a secret. */
      serverKeyPem: pulumi.Input<string>;
    };

export type RegistryTlsMode = RegistryTlsSource["mode"];

export interface RegistryTlsArgs {
  /** The registry's fully qualified host name: the first SAN and the common name. */
  host: string;
  /** More SANs for the server certificate. Default `[]`. */
  extraSans?: string[];
  /** Algorithm of generated keys: `ECDSA` (P-384) or `RSA` (4096 bits). Default `ECDSA`. */
  keyAlgorithm?: TlsKeyAlgorithm;
  /** Subject organization of generated certificates. Default `registry-platform`. */
  organization?: string;
  /** Root CA validity in years of 365 days (self-signed-ca). Default 10. */
  rootValidityYears?: number;
  /** Intermediate CA validity in years of 365 days (self-signed-ca). Default 5. */
  intermediateValidityYears?: number;
  /** Server certificate validity in days, at most 397. Default 365. */
  serverValidityDays?: number;
  /** A `pulumi up` this many days (or fewer) before the server certificate expires replaces it. Default 30. */
  earlyRenewalDays?: number;
  /** Where the chain comes from. */
  source: RegistryTlsSource;
  /**
   * Protect the root key, the root certificate and the intermediate key (self-signed-ca) so that no change
   * of arguments can silently replace the trust anchor. Default false.
   */
  protectCa?: boolean;
}

/** The args with every default applied. */
export function registryTlsSettings(args: RegistryTlsArgs): ChainSettings {
  return {
    host: args.host,
    extraSans: args.extraSans ?? CHAIN_DEFAULTS.extraSans,
    keyAlgorithm: args.keyAlgorithm ?? CHAIN_DEFAULTS.keyAlgorithm,
    organization: args.organization ?? CHAIN_DEFAULTS.organization,
    rootValidityYears: args.rootValidityYears ?? CHAIN_DEFAULTS.rootValidityYears,
    intermediateValidityYears: args.intermediateValidityYears ?? CHAIN_DEFAULTS.intermediateValidityYears,
    serverValidityDays: args.serverValidityDays ?? CHAIN_DEFAULTS.serverValidityDays,
    earlyRenewalDays: args.earlyRenewalDays ?? CHAIN_DEFAULTS.earlyRenewalDays,
  };
}

/** The TLS settings of the stack config, as far as the source of the chain is concerned. */
export interface TlsSourceSettings {
  mode: RegistryTlsMode | "cert-manager";
  rootCertPem?: string;
  intermediateCertPem?: string;
  serverCertPem?: string;
}

/**
 * Maps the stack's TLS settings and secrets to a {@link RegistryTlsSource}; `undefined` for `cert-manager`
 * (cert-manager issues the certificate in the cluster, see {@link CertManagerCertificate}). Throws when a
 * mode lacks what it needs (the config validation reports that earlier, with key paths).
 */
export function registryTlsSource(
  s: TlsSourceSettings,
  secrets: { tlsIntermediateKeyPem?: pulumi.Input<string>; tlsServerKeyPem?: pulumi.Input<string> },
): RegistryTlsSource | undefined {
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`tls.mode ${s.mode} needs ${what}`);
    return v;
  };
  switch (s.mode) {
    case "self-signed-ca":
      return { mode: "self-signed-ca" };
    case "byo-intermediate":
      return {
        mode: "byo-intermediate",
        rootCertPem: need(s.rootCertPem, "tls.rootCertPem"),
        intermediateCertPem: need(s.intermediateCertPem, "tls.intermediateCertPem"),
        intermediateKeyPem: need(secrets.tlsIntermediateKeyPem, "the secret tlsIntermediateKeyPem"),
      };
    case "byo-certificate":
      return {
        mode: "byo-certificate",
        rootCertPem: need(s.rootCertPem, "tls.rootCertPem"),
        serverCertPem: need(s.serverCertPem, "tls.serverCertPem"),
        serverKeyPem: need(secrets.tlsServerKeyPem, "the secret tlsServerKeyPem"),
      };
    case "cert-manager":
      return undefined;
  }
}

/** A leaf signed by a CA: key + CSR + LocallySignedCert. */
interface Signed {
  key: tls.PrivateKey;
  cert: tls.LocallySignedCert;
}

export class RegistryTls extends pulumi.ComponentResource {
  /** The trust anchors clients install (root, then the intermediate CA(s)); public, not secret. */
  public readonly caBundlePem: pulumi.Output<string>;
  /** The root CA certificate (PEM). */
  public readonly rootCertPem: pulumi.Output<string>;
  /** The intermediate CA certificate (PEM); undefined for byo-certificate. */
  public readonly intermediateCertPem?: pulumi.Output<string>;
  /** Server certificate followed by its intermediate(s): `tls.crt` of the ingress secret. */
  public readonly serverCertChainPem: pulumi.Output<string>;
  /** The server certificate's private key (PEM), a secret: `tls.key`. */
  public readonly serverKeyPem: pulumi.Output<string>;
  /** When the server certificate expires (RFC 3339, UTC). */
  public readonly serverCertNotAfter?: pulumi.Output<string>;
  /** The mode the chain was built in. */
  public readonly mode: RegistryTlsMode;

  constructor(name: string, args: RegistryTlsArgs, opts?: pulumi.ComponentResourceOptions) {
    // Refuse bad arguments before anything is registered.
    const problems = chainSettingsProblems(registryTlsSettings(args));
    if (problems.length > 0)
      throw new Error(`RegistryTls ${name}: invalid arguments:\n  ${problems.join("\n  ")}`);
    super("registry-platform:tls:RegistryTls", name, {}, opts);
    const s = registryTlsSettings(args);
    const src = args.source;
    this.mode = src.mode;
    const caOpts = { parent: this, protect: args.protectCa ?? false };

    /** Key + CSR + certificate signed by `caCertPem`/`caKeyPem`. */
    const sign = (
      part: string,
      csr: Omit<tls.CertRequestArgs, "privateKeyPem">,
      cert: Omit<tls.LocallySignedCertArgs, "certRequestPem" | "caCertPem" | "caPrivateKeyPem">,
      caCertPem: pulumi.Input<string>,
      caKeyPem: pulumi.Input<string>,
      keyOpts: pulumi.CustomResourceOptions,
    ): Signed => {
      const key = new tls.PrivateKey(`${name}-${part}-key`, privateKeyArgs(s.keyAlgorithm), keyOpts);
      const req = new tls.CertRequest(
        `${name}-${part}-csr`,
        { ...csr, privateKeyPem: key.privateKeyPem },
        { parent: this },
      );
      const signed = new tls.LocallySignedCert(
        `${name}-${part}-cert`,
        { ...cert, certRequestPem: req.certRequestPem, caCertPem, caPrivateKeyPem: pulumi.secret(caKeyPem) },
        { parent: this },
      );
      return { key, cert: signed };
    };

    switch (src.mode) {
      case "self-signed-ca": {
        const rootKey = new tls.PrivateKey(`${name}-root-key`, privateKeyArgs(s.keyAlgorithm), caOpts);
        const root = new tls.SelfSignedCert(
          `${name}-root-cert`,
          { ...rootCertArgs(s), privateKeyPem: rootKey.privateKeyPem },
          caOpts,
        );
        const inter = sign(
          "intermediate",
          intermediateCsrArgs(s),
          intermediateCertArgs(s),
          root.certPem,
          rootKey.privateKeyPem,
          caOpts,
        );
        const server = sign(
          "server",
          serverCsrArgs(s),
          serverCertArgs(s),
          inter.cert.certPem,
          inter.key.privateKeyPem,
          { parent: this },
        );
        this.rootCertPem = root.certPem;
        this.intermediateCertPem = inter.cert.certPem;
        this.caBundlePem = pulumi.all([root.certPem, inter.cert.certPem]).apply(([r, i]) => pemBundle(r, i));
        this.serverCertChainPem = pulumi
          .all([server.cert.certPem, inter.cert.certPem])
          .apply(([l, i]) => pemBundle(l, i));
        this.serverKeyPem = pulumi.secret(server.key.privateKeyPem);
        this.serverCertNotAfter = server.cert.validityEndTime;
        break;
      }
      case "byo-intermediate": {
        // Checked before anything is signed with it; an error stops the deployment with the reason.
        const checked = pulumi.all([src.rootCertPem, src.intermediateCertPem]).apply(([r, i]) => {
          checkByoIntermediate(r, i);
          return { root: pemBundle(r), inter: pemBundle(i) };
        });
        const interPem = checked.inter;
        const server = sign("server", serverCsrArgs(s), serverCertArgs(s), interPem, src.intermediateKeyPem, {
          parent: this,
        });
        this.rootCertPem = checked.root;
        this.intermediateCertPem = interPem;
        this.caBundlePem = checked.apply((c) => pemBundle(c.root, c.inter));
        this.serverCertChainPem = pulumi
          .all([server.cert.certPem, interPem])
          .apply(([l, i]) => pemBundle(l, i));
        this.serverKeyPem = pulumi.secret(server.key.privateKeyPem);
        this.serverCertNotAfter = server.cert.validityEndTime;
        break;
      }
      case "byo-certificate": {
        const names = serverDnsNames(s.host, s.extraSans);
        const checked = pulumi.all([src.rootCertPem, src.serverCertPem]).apply(([r, chain]) => {
          const cas = checkByoCertificate(r, chain, names);
          return { root: pemBundle(r), chain: pemBundle(chain), cas, notAfter: certificateNotAfter(chain) };
        });
        this.rootCertPem = checked.root;
        this.caBundlePem = checked.apply((c) => pemBundle(c.root, ...c.cas));
        this.serverCertChainPem = checked.chain;
        this.serverKeyPem = pulumi.secret(src.serverKeyPem);
        this.serverCertNotAfter = checked.notAfter;
        break;
      }
    }

    this.registerOutputs({
      caBundlePem: this.caBundlePem,
      rootCertPem: this.rootCertPem,
      intermediateCertPem: this.intermediateCertPem,
      serverCertChainPem: this.serverCertChainPem,
      serverKeyPem: this.serverKeyPem,
      serverCertNotAfter: this.serverCertNotAfter,
    });
  }
}

/**
 * What a client of an endpoint must trust: the platform CA (when the endpoint's certificate comes from it)
 * plus extra CA bundles (config `tls.extraCaBundles`), normalised and de-duplicated; `undefined` when neither.
 */
export function trustBundle(
  platformCa: pulumi.Input<string> | undefined,
  extraCaBundles: readonly string[],
): pulumi.Output<string> | undefined {
  if (platformCa === undefined && extraCaBundles.length === 0) return undefined;
  return pulumi.output(platformCa ?? "").apply((p) => pemBundle(p, ...extraCaBundles));
}

/**
 * The platform's CA bundle: the chain's bundle when there is a {@link RegistryTls}; otherwise (cert-manager
 * mode) the given root certificate(s) of a private CA issuer; `undefined` when clients rely on public roots.
 */
export function platformCaBundle(
  registryTls: RegistryTls | undefined,
  rootCertPem?: string,
): pulumi.Output<string> | undefined {
  if (registryTls) return registryTls.caBundlePem;
  return rootCertPem ? pulumi.output(pemBundle(rootCertPem)) : undefined;
}
