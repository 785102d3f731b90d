/**
 * The Harbor component (SPEC R3): a namespace with Pod Security labels, every secret the chart would
 * otherwise generate (pinned in Pulumi state with @pulumi/random / @pulumi/tls), the Secrets the values
 * reference, NetworkPolicies, and the `helm.v3.Release` of the pinned Harbor chart.
 */
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as helmv3 from "@pulumi/kubernetes/helm/v3/release";
import * as networkingv1 from "@pulumi/kubernetes/networking/v1";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { releaseChartArgs } from "../artifacts/charts";
import { checksumOf, CHECKSUM_KEY_ARGS } from "../providers/rollout";
import { pemBundle } from "../tls/certs";
import { versions } from "../versions";
import { HarborArgs, ResolvedHarborArgs, resolveHarborArgs } from "./args";
import { HarborPod, harborPodSecrets } from "./images";
import {
  HARBOR_ADMIN_PASSWORD_KEY,
  harborFullname,
  harborSecretNames,
  harborServiceNames,
  INTERNAL_TLS_COMPONENTS,
  InternalTlsComponent,
} from "./names";
import { extraHostsIngress } from "./ingress";
import { harborNetworkPolicies, podSecurityLabels } from "./network-policy";
import { harborValues, REGISTRY_CREDENTIALS_USERNAME } from "./values";
import { externalRedisPassword, helmPostRendererPath } from "./postrender-path";

/** Generated secrets: lengths the chart/Harbor require, and alphabets safe in env vars, URLs and htpasswd. */
export const GENERATED_SECRETS = {
  /** Initial admin password: 32 characters with Harbor's required upper/lower/digit. */
  adminPassword: {
    length: 32,
    special: true,
    overrideSpecial: "-_.!%+=",
    minUpper: 1,
    minLower: 1,
    minNumeric: 1,
  },
  /** `secretKey`: AES key, exactly 16 characters. */
  secretKey: { length: 16, special: false },
  /** `core.secret`: exactly 16 characters. */
  coreSecret: { length: 16, special: false },
  /** `core.xsrfKey`: exactly 32 characters. */
  xsrfKey: { length: 32, special: false },
  /** `jobservice.secret`: 16 characters. */
  jobserviceSecret: { length: 16, special: false },
  /** `registry.secret` (REGISTRY_HTTP_SECRET): 16 characters. */
  registrySecret: { length: 16, special: false },
  /** Password of the registry's htpasswd user (its bcrypt hash comes from the same resource). */
  registryPassword: { length: 32, special: false },
  /** Internal PostgreSQL password (alphanumeric: the chart puts it into connection URLs). */
  databasePassword: { length: 32, special: false },
} as const satisfies Record<string, random.RandomPasswordArgs>;

/** Validity of the token-service signing certificate (Harbor only uses its key; rotate with --replace). */
export const TOKEN_CERT_VALIDITY_HOURS = 10 * 365 * 24;
export const INTERNAL_CA_VALIDITY_HOURS = 10 * 365 * 24;
export const INTERNAL_CERT_VALIDITY_HOURS = 365 * 24;
export const INTERNAL_CERT_EARLY_RENEWAL_HOURS = 30 * 24;

/** DNS names of a component's internal TLS certificate (the chart's short service name plus FQDN forms). */
export function internalTlsDnsNames(
  releaseName: string,
  namespace: string,
  c: InternalTlsComponent,
): string[] {
  const svc = harborServiceNames(releaseName)[c];
  return [
    svc,
    `${svc}.${namespace}`,
    `${svc}.${namespace}.svc`,
    `${svc}.${namespace}.svc.cluster.local`,
    ...(c === "core" ? ["localhost"] : []),
  ];
}

export class Harbor extends pulumi.ComponentResource {
  /** The Harbor namespace. */
  public readonly namespace: pulumi.Output<string>;
  /** The Helm release. */
  public readonly release: helmv3.Release;
  public readonly releaseName: pulumi.Output<string>;
  /**
   * `https://<host>`; resolves once the release is deployed, and is unknown in a preview of a release change: a
   * resource that stores the URL should build it from {@link host} and `dependsOn` {@link release} instead.
   */
  public readonly url: pulumi.Output<string>;
  public readonly host: pulumi.Output<string>;
  public readonly adminUsername: pulumi.Output<string>;
  /** Initial admin password (secret). */
  public readonly adminPassword: pulumi.Output<string>;
  /** In-cluster Service of Harbor core (`<fullname>-core`, port 80, or 443 with internal TLS). */
  public readonly coreServiceName: pulumi.Output<string>;

  constructor(name: string, args: HarborArgs, opts?: pulumi.ComponentResourceOptions) {
    // Refuses bad arguments (every problem at once) before anything is registered.
    const r: ResolvedHarborArgs = resolveHarborArgs(name, args);
    super("registry-platform:harbor:Harbor", name, {}, opts);
    const names = harborSecretNames(r.releaseName);
    const child = { parent: this };

    const ns = new corev1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: r.namespace,
          labels: { ...podSecurityLabels(r.podSecurity), "app.kubernetes.io/part-of": "registry-platform" },
        },
      },
      // Deleting the namespace deletes the database, Redis and job-log PVCs with it: protected in production.
      { ...child, protect: args.protect ?? r.production, retainOnDelete: args.protect ?? r.production },
    );
    const namespace = ns.metadata.name;

    const password = (
      suffix: string,
      a: random.RandomPasswordArgs,
      o: pulumi.CustomResourceOptions = child,
    ) => new random.RandomPassword(`${name}-${suffix}`, a, o);
    // The values Harbor's retained data was written with (the database on the namespace's PVCs): the admin
    // password (stored in the database at first start), `secretKey` (encrypts credentials in the database) and
    // the internal database's password. Protected like the namespace: a refused `pulumi destroy` of a protected
    // stack deletes every unprotected resource first, and regenerating these would lock Harbor out of its data
    // (seen on the real engine: e2e "after the refused destroy").
    const dataBound = { ...child, protect: args.protect ?? r.production };
    const adminPassword: pulumi.Output<string> =
      r.adminPassword !== undefined
        ? pulumi.secret(r.adminPassword)
        : pulumi.secret(password("admin-password", GENERATED_SECRETS.adminPassword, dataBound).result);
    const secretKey = password("secret-key", GENERATED_SECRETS.secretKey, dataBound);
    const coreSecret = password("core-secret", GENERATED_SECRETS.coreSecret);
    const xsrfKey = password("xsrf-key", GENERATED_SECRETS.xsrfKey);
    const jobserviceSecret = password("jobservice-secret", GENERATED_SECRETS.jobserviceSecret);
    const registrySecret = password("registry-secret", GENERATED_SECRETS.registrySecret);
    const registryPassword = password("registry-password", GENERATED_SECRETS.registryPassword);
    const databasePassword =
      r.database.type === "internal"
        ? password("database-password", GENERATED_SECRETS.databasePassword, dataBound)
        : undefined;

    // Token service: RSA key + certificate (the chart's fallback is a new genCA on every render).
    const tokenKey = new tls.PrivateKey(`${name}-token-key`, { algorithm: "RSA", rsaBits: 4096 }, child);
    const tokenCert = new tls.SelfSignedCert(
      `${name}-token-cert`,
      {
        privateKeyPem: tokenKey.privateKeyPem,
        subject: { commonName: "harbor-token-ca" },
        validityPeriodHours: TOKEN_CERT_VALIDITY_HOURS,
        isCaCertificate: true,
        allowedUses: ["digital_signature", "cert_signing"],
      },
      child,
    );

    const secrets: corev1.Secret[] = [];
    /** Data of each Secret by its name (for the pods' checksum annotations). */
    const secretData = new Map<string, Record<string, pulumi.Input<string>>>();
    const secret = (
      suffix: string,
      secretName: string,
      data: Record<string, pulumi.Input<string>>,
      type = "Opaque",
    ) => {
      const s = new corev1.Secret(
        `${name}-${suffix}`,
        {
          metadata: {
            name: secretName,
            namespace,
            labels: { "app.kubernetes.io/part-of": "registry-platform" },
          },
          type,
          stringData: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, pulumi.secret(v)])),
        },
        child,
      );
      secrets.push(s);
      secretData.set(secretName, data);
      return s;
    };

    secret("admin-password-secret", names.adminPassword, { [HARBOR_ADMIN_PASSWORD_KEY]: adminPassword });
    secret("secret-key-secret", names.secretKey, { secretKey: secretKey.result });
    secret("core-keys-secret", names.coreKeys, { secret: coreSecret.result, CSRF_KEY: xsrfKey.result });
    secret(
      "token-service-secret",
      names.tokenService,
      { "tls.crt": tokenCert.certPem, "tls.key": tokenKey.privateKeyPem },
      "kubernetes.io/tls",
    );
    secret("jobservice-keys-secret", names.jobserviceKeys, { JOBSERVICE_SECRET: jobserviceSecret.result });
    secret("registry-keys-secret", names.registryKeys, { REGISTRY_HTTP_SECRET: registrySecret.result });
    secret("registry-credentials-secret", names.registryCredentials, {
      REGISTRY_PASSWD: registryPassword.result,
      REGISTRY_HTPASSWD: pulumi.interpolate`${REGISTRY_CREDENTIALS_USERNAME}:${registryPassword.bcryptHash}`,
    });
    secret("s3-credentials-secret", names.s3Credentials, {
      REGISTRY_STORAGE_S3_ACCESSKEY: r.storage.credentials.accessKeyId,
      REGISTRY_STORAGE_S3_SECRETKEY: r.storage.credentials.secretAccessKey,
    });
    if (r.storage.endpointCaBundlePem !== undefined)
      secret("storage-ca-bundle-secret", names.storageCaBundle, { "ca.crt": r.storage.endpointCaBundlePem });
    if (r.caBundlePem !== undefined) secret("ca-bundle-secret", names.caBundle, { "ca.crt": r.caBundlePem });
    if (r.trustedCaBundlePem !== undefined)
      secret("trusted-ca-bundle-secret", names.trustedCaBundle, {
        "ca.crt": pulumi
          .all([r.caBundlePem ?? "", r.trustedCaBundlePem])
          .apply(([platform, extra]) => pemBundle(platform, extra)),
      });
    if (r.tls.kind === "pem")
      secret(
        "tls-secret",
        names.tls,
        { "tls.crt": r.tls.certChainPem, "tls.key": r.tls.keyPem },
        "kubernetes.io/tls",
      );
    if (r.database.type === "external")
      secret("database-password-secret", names.database, { password: r.database.password });
    const redisPassword = externalRedisPassword(r);
    if (redisPassword !== undefined)
      secret("redis-password-secret", names.redis, { REDIS_PASSWORD: redisPassword });

    if (r.internalTLS) this.internalTls(name, r, secret);

    const policies = harborNetworkPolicies(r).map(
      (p) =>
        new networkingv1.NetworkPolicy(
          `${name}-netpol-${p.name.slice(harborFullname(r.releaseName).length + 1)}`,
          { metadata: { name: p.name, namespace }, spec: p.spec },
          child,
        ),
    );

    // Secrets update in place (the provider's enableSecretMutable): each pod that reads one at start carries
    // a keyed checksum of their data, so that a renewal or rotation restarts exactly those pods.
    const checksumKey = password("checksum-key", CHECKSUM_KEY_ARGS);
    const podChecksums: Partial<Record<HarborPod, pulumi.Output<string>>> = {};
    for (const [pod, names] of Object.entries(harborPodSecrets(r)) as [HarborPod, string[]][]) {
      const data: Record<string, pulumi.Input<string>> = {};
      for (const n of names)
        for (const [k, v] of Object.entries(secretData.get(n) ?? {})) data[`${n}/${k}`] = v;
      podChecksums[pod] = checksumOf(checksumKey.result, data);
    }

    const values = harborValues(r, {
      internalDatabasePassword: databasePassword ? pulumi.secret(databasePassword.result) : undefined,
      podChecksums,
    });
    this.release = new helmv3.Release(
      `${name}-release`,
      {
        name: r.releaseName,
        ...releaseChartArgs(versions.harbor, r.chart),
        namespace,
        createNamespace: false,
        values,
        timeout: r.timeoutSeconds,
        // Helm's own waits: every workload ready and every Job complete, unless the stack turns waits off.
        skipAwait: !r.wait,
        waitForJobs: r.wait,
        // No atomic rollback: Harbor migrates its database on start, and rolling the chart back over a
        // migrated schema is worse than a failed release that the next `pulumi up` retries.
        atomic: false,
        // Objects a failed upgrade created are removed; the previous revision keeps serving.
        cleanupOnFail: true,
        maxHistory: 10,
        // The chart writes an external Redis password into ConfigMaps; the post-renderer moves it to Secrets.
        ...(redisPassword !== undefined ? { postrender: helmPostRendererPath() } : {}),
      },
      { parent: this, dependsOn: [ns, ...secrets, ...policies] },
    );

    // Extra host names (tls.extraSans): routed like the main host by an Ingress of our own.
    const extra = extraHostsIngress(r, namespace, r.tls.kind === "pem" ? names.tls : r.tls.secretName);
    if (extra)
      new networkingv1.Ingress(`${name}-extra-hosts-ingress`, extra, {
        parent: this,
        dependsOn: [this.release],
      });

    const host = r.host;
    this.namespace = namespace;
    this.releaseName = this.release.name;
    this.url = this.release.status.apply(() => `https://${host}`);
    this.host = pulumi.output(host);
    this.adminUsername = pulumi.output("admin");
    this.adminPassword = adminPassword;
    this.coreServiceName = this.release.name.apply((n) => harborServiceNames(n).core);
    this.registerOutputs({
      namespace: this.namespace,
      release: this.release,
      releaseName: this.releaseName,
      url: this.url,
      host: this.host,
      adminUsername: this.adminUsername,
      adminPassword: this.adminPassword,
      coreServiceName: this.coreServiceName,
    });
  }

  /** Internal TLS: a CA and one certificate per component, in `kubernetes.io/tls` Secrets with `ca.crt`. */
  private internalTls(
    name: string,
    r: ResolvedHarborArgs,
    secret: (
      suffix: string,
      secretName: string,
      data: Record<string, pulumi.Input<string>>,
      type?: string,
    ) => void,
  ): void {
    const child = { parent: this };
    const names = harborSecretNames(r.releaseName);
    const caKey = new tls.PrivateKey(
      `${name}-internal-ca-key`,
      { algorithm: "ECDSA", ecdsaCurve: "P256" },
      child,
    );
    const ca = new tls.SelfSignedCert(
      `${name}-internal-ca`,
      {
        privateKeyPem: caKey.privateKeyPem,
        subject: { commonName: `${harborFullname(r.releaseName)}-internal-ca` },
        validityPeriodHours: INTERNAL_CA_VALIDITY_HOURS,
        isCaCertificate: true,
        allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
      },
      child,
    );
    for (const c of INTERNAL_TLS_COMPONENTS) {
      if (c === "trivy" && !r.trivy.enabled) continue;
      const key = new tls.PrivateKey(
        `${name}-${c}-internal-key`,
        { algorithm: "ECDSA", ecdsaCurve: "P256" },
        child,
      );
      const csr = new tls.CertRequest(
        `${name}-${c}-internal-csr`,
        {
          privateKeyPem: key.privateKeyPem,
          subject: { commonName: harborServiceNames(r.releaseName)[c] },
          dnsNames: internalTlsDnsNames(r.releaseName, r.namespace, c),
          ipAddresses: c === "core" ? ["127.0.0.1"] : [],
        },
        child,
      );
      const cert = new tls.LocallySignedCert(
        `${name}-${c}-internal-cert`,
        {
          certRequestPem: csr.certRequestPem,
          caPrivateKeyPem: caKey.privateKeyPem,
          caCertPem: ca.certPem,
          validityPeriodHours: INTERNAL_CERT_VALIDITY_HOURS,
          earlyRenewalHours: INTERNAL_CERT_EARLY_RENEWAL_HOURS,
          allowedUses: ["digital_signature", "key_encipherment", "server_auth", "client_auth"],
        },
        child,
      );
      secret(
        `${c}-internal-tls-secret`,
        names.internalTls(c),
        { "ca.crt": ca.certPem, "tls.crt": cert.certPem, "tls.key": key.privateKeyPem },
        "kubernetes.io/tls",
      );
    }
  }
}
