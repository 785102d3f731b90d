/**
 * `RegistryPlatform`: the whole platform of one stack (SPEC R1–R5) as one component, the way pulumi-eks
 * exposes `Cluster`. It takes the validated, typed config (see `config/`) and creates every capability as a
 * child; each capability's wiring lives in its own folder (`from-config.ts`).
 */
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../config";
import { HarborConfig } from "../harbor-config/component";
import { harborConfigArgsFromConfig } from "../harbor-config/from-config";
import { Harbor } from "../harbor/harbor";
import { harborArgsFromConfig } from "../harbor/from-config";
import { createProviders, PlatformProviders } from "../providers";
import { RegistryStorage } from "../storage/registryStorage";
import { storageArgsFromConfig, storageTargetOf } from "../storage/from-config";
import { CertManagerCertificate } from "../tls/cert-manager";
import {
  certManagerArgsFromConfig,
  REGISTRY_CERT_MANAGER_SECRET,
  registryTlsArgsFromConfig,
} from "../tls/from-config";
import { NodeTrust, pemSha256 } from "../tls/node-trust";
import { platformCaBundle, RegistryTls } from "../tls/registry-tls";
import { Velero } from "../velero";
import { veleroArgsFromConfig } from "../velero/from-config";
import { SERVER_SERVICE_ACCOUNT as VELERO_SERVER_SERVICE_ACCOUNT } from "../velero/values";
import { ImagePolicy } from "../policy/image-policy";
import { imagePolicyArgsFromConfig } from "../policy/from-config";
import { PlatformOutputs } from "./outputs";

export interface RegistryPlatformArgs {
  /** The validated stack config (`parsePlatformConfig` / `loadPlatformConfig`). */
  config: PlatformConfig;
  /**
   * Explicit providers. Default: created as children, `<name>-aws` (AWS or the S3-compatible endpoint) and
   * `<name>-k8s` (`kubernetes.context` / the `kubeconfig` secret / `$KUBECONFIG`).
   */
  providers?: PlatformProviders;
}

/** Tags on every cloud resource: the config's, plus environment, region and stack. */
export function platformTags(cfg: PlatformConfig): Record<string, string> {
  return {
    ...cfg.tags,
    "registry-platform/env": cfg.environment,
    "registry-platform/region": cfg.region,
    "registry-platform/stack": cfg.stack,
  };
}

export class RegistryPlatform extends pulumi.ComponentResource {
  public readonly storage: RegistryStorage;
  /** Absent in cert-manager mode. */
  public readonly tls?: RegistryTls;
  public readonly harbor: Harbor;
  /** Absent when `harborConfig.enabled` is false. */
  public readonly harborConfig?: HarborConfig;
  /** Absent when `velero.enabled` is false. */
  public readonly velero?: Velero;
  /** Kyverno and the image ClusterPolicies; absent when `policy.enabled` is false. */
  public readonly imagePolicy?: ImagePolicy;
  /** The platform CA bundle (public), if any. */
  public readonly caBundlePem?: pulumi.Output<string>;
  /** The stack output contract. */
  public readonly outputs: PlatformOutputs;

  constructor(name: string, args: RegistryPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("registry-platform:platform:RegistryPlatform", name, {}, opts);
    const cfg = args.config;
    const tags = platformTags(cfg);
    const providers =
      args.providers ??
      createProviders(
        name,
        {
          storage: storageTargetOf(cfg),
          kubernetes: { context: cfg.kubernetes.context, kubeconfig: cfg.secrets.kubeconfig },
          tags,
        },
        { parent: this },
      );
    const aws = { parent: this, providers: { aws: providers.aws } };
    const k8s = { parent: this, providers: { kubernetes: providers.k8s } };

    this.storage = new RegistryStorage(
      `${name}-storage`,
      storageArgsFromConfig(cfg, tags, VELERO_SERVER_SERVICE_ACCOUNT),
      aws,
    );

    const tlsArgs = registryTlsArgsFromConfig(cfg);
    this.tls = tlsArgs ? new RegistryTls(`${name}-tls`, tlsArgs, { parent: this }) : undefined;
    const caBundlePem = platformCaBundle(this.tls, cfg.tls.rootCertPem);
    this.caBundlePem = caBundlePem;
    if (cfg.tls.nodeTrust && caBundlePem) {
      new NodeTrust(
        `${name}-node-trust`,
        {
          namespace: cfg.kubernetes.systemNamespace,
          registryHost: cfg.host,
          extraHosts: cfg.tls.extraSans,
          caBundlePem,
        },
        k8s,
      );
    }

    this.harbor = new Harbor(
      `${name}-harbor`,
      harborArgsFromConfig(cfg, {
        registryBucket: this.storage.registryBucketName,
        registryCredentials: this.storage.registryCredentials,
        tls: this.tls
          ? { kind: "pem", certChainPem: this.tls.serverCertChainPem, keyPem: this.tls.serverKeyPem }
          : { kind: "existing-secret", secretName: REGISTRY_CERT_MANAGER_SECRET },
        caBundlePem,
      }),
      k8s,
    );
    const certManagerArgs = certManagerArgsFromConfig(cfg, this.harbor.namespace);
    if (certManagerArgs) new CertManagerCertificate(`${name}-certificate`, certManagerArgs, k8s);

    const hcArgs = harborConfigArgsFromConfig(cfg, {
      url: this.harbor.url,
      adminPassword: this.harbor.adminPassword,
      caBundlePem,
    });
    this.harborConfig = hcArgs
      ? new HarborConfig(`${name}-harbor-config`, hcArgs, { ...k8s, dependsOn: [this.harbor.release] })
      : undefined;

    const veleroArgs = veleroArgsFromConfig(cfg, {
      backupBucket: this.storage.backupBucketName,
      veleroRoleArn: this.storage.veleroRoleArn,
      veleroCredentials: this.storage.veleroCredentials,
      caBundlePem,
    });
    this.velero = veleroArgs ? new Velero(`${name}-velero`, veleroArgs, k8s) : undefined;

    const policyArgs = imagePolicyArgsFromConfig(cfg, {
      pullDockerConfigJson: this.harborConfig?.pullDockerConfigJson,
      caBundlePem,
    });
    this.imagePolicy = policyArgs ? new ImagePolicy(`${name}-policy`, policyArgs, k8s) : undefined;

    this.outputs = platformOutputs(cfg, this);
    this.registerOutputs({ outputs: this.outputs });
  }
}

/** The output contract from the platform's children. */
function platformOutputs(cfg: PlatformConfig, p: RegistryPlatform): PlatformOutputs {
  const { storage, harbor, harborConfig, velero, caBundlePem } = p;
  return {
    environment: cfg.environment,
    region: cfg.region,
    role: cfg.role,
    registryHost: cfg.host,
    registryUrl: `https://${cfg.host}`,
    registryBucket: storage.registryBucketName,
    backupBucket: storage.backupBucketName,
    storageRegion: storage.region,
    ...(storage.endpoint ? { storageEndpoint: storage.endpoint } : {}),
    // The CA bundle is public (clients install it); keys are never exported.
    ...(caBundlePem ? { caBundlePem, registryCaSha256: caBundlePem.apply(pemSha256) } : {}),
    harborNamespace: harbor.namespace,
    harborAdminPassword: harbor.adminPassword,
    ...(harborConfig
      ? {
          harborProjects: Object.fromEntries(
            Object.entries(harborConfig.projects).map(([project, o]) => [
              project,
              { pullRobot: o.pullRobotName, pushRobot: o.pushRobotName },
            ]),
          ),
          pullDockerConfigJson: harborConfig.pullDockerConfigJson,
        }
      : {}),
    ...(velero
      ? {
          veleroNamespace: velero.namespace,
          veleroSchedules: velero.scheduleNames,
          veleroBackupLocations: velero.backupStorageLocations,
        }
      : {}),
  };
}
