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
import {
  replicationOutputs,
  replicationPeersArgsFromConfig,
  replicationTargetArgsFromConfig,
  withPeerCas,
} from "../replication/from-config";
import { HarborReplication } from "../replication/harbor-replication";
import { ReplicationPeers } from "../replication/peers";
import { ReplicationTarget } from "../replication/target";
import type { ReplicationTargetContract } from "../replication/contract";
import type { ReplicationPeerOutput } from "../replication/from-config";
import { RegistryStorage } from "../storage/registryStorage";
import { storageArgsFromConfig, storageTargetOf } from "../storage/from-config";
import { CertManagerCertificate } from "../tls/cert-manager";
import {
  certManagerArgsFromConfig,
  nodeTrustArgsFromConfig,
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
import { DestroyGuard } from "./destroy-guard";
import { OUTPUT_CONTRACT_VERSION, PlatformOutputs, ProjectRobots } from "./outputs";
import { suspendPromiseStacks } from "../promise-stacks";

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

/**
 * The whole platform of one stack. Besides the capability components (`storage`, `tls`, `harbor`,
 * `harborConfig`, `velero`), every field of the stack output contract ({@link PlatformOutputs}) is a typed
 * property, e.g. `platform.registryUrl`, `platform.harborAdminPassword` (secret); `outputs` holds them all.
 */
export class RegistryPlatform extends pulumi.ComponentResource implements PlatformOutputs {
  public readonly storage: RegistryStorage;
  /** Absent in cert-manager mode. */
  public readonly tls?: RegistryTls;
  public readonly harbor: Harbor;
  /** Absent when `harborConfig.enabled` is false. */
  public readonly harborConfig?: HarborConfig;
  /** Absent when `velero.enabled` is false. */
  public readonly velero?: Velero;
  /** A primary's replicas (StackReferences, S3 backup replication); absent without peers. */
  public readonly replicas?: ReplicationPeers;
  /** A replica's replication robot and published contract; absent on a primary. */
  public readonly replicaTarget?: ReplicationTarget;
  /** A primary's Harbor registry endpoints and push policies, one set per peer; absent without peers. */
  public readonly harborReplication?: HarborReplication;
  /** Kyverno and the image ClusterPolicies; absent when `policy.enabled` is false. */
  public readonly imagePolicy?: ImagePolicy;
  /** The platform CA bundle (public), if any. */
  public readonly caBundlePem?: pulumi.Output<string>;
  /** The stack output contract (the typed properties below, as one object). */
  public readonly outputs: PlatformOutputs;

  // The output contract, one property each (documented on PlatformOutputs); assigned from `outputs`.
  public readonly contractVersion!: number;
  public readonly registryBucketArn!: pulumi.Output<string>;
  public readonly backupBucketArn!: pulumi.Output<string>;
  public readonly environment!: string;
  public readonly region!: string;
  public readonly role!: string;
  public readonly registryHost!: string;
  public readonly registryUrl!: string;
  public readonly registryBucket!: pulumi.Output<string>;
  public readonly backupBucket!: pulumi.Output<string>;
  public readonly storageRegion!: pulumi.Output<string>;
  public readonly storageEndpoint?: pulumi.Output<string>;
  public readonly registryCaSha256?: pulumi.Output<string>;
  public readonly harborNamespace!: pulumi.Output<string>;
  public readonly harborAdminPassword!: pulumi.Output<string>;
  public readonly harborProjects?: Record<string, ProjectRobots>;
  public readonly pullDockerConfigJson?: Record<string, pulumi.Output<string>>;
  public readonly veleroNamespace?: pulumi.Output<string>;
  public readonly veleroSchedules?: Record<string, string>;
  public readonly veleroBackupLocations?: { default: string; archive: string };
  public readonly replicationPeers?: Record<string, ReplicationPeerOutput>;
  public readonly replicationTarget?: pulumi.Output<ReplicationTargetContract>;
  public readonly replicationRobotSecret?: pulumi.Output<string>;

  constructor(name: string, args: RegistryPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("registry-platform:platform:RegistryPlatform", name, {}, opts);
    const restoreStacks = suspendPromiseStacks();
    // The providers this creates wait until the replicas' outputs are read and checked (below): a primary deployed
    // before a replica (a stack that does not exist, has no outputs yet or does not fit) fails naming the replica
    // stack, with nothing created on AWS or Kubernetes, even by `pulumi up --skip-preview`. They depend on the
    // replicas' StackReferences. Providers given in `args.providers` are the caller's to order.
    let peersRead: (refs: pulumi.Resource[]) => void = () => undefined;
    const peersReadGate = new Promise<pulumi.Resource[]>((resolve) => (peersRead = resolve));
    let constructed = false;
    try {
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
          { parent: this, dependsOn: peersReadGate },
        );
      const aws = { parent: this, providers: { aws: providers.aws } };
      const k8s = { parent: this, providers: { kubernetes: providers.k8s } };

      this.storage = new RegistryStorage(
        `${name}-storage`,
        storageArgsFromConfig(cfg, tags, VELERO_SERVER_SERVICE_ACCOUNT),
        aws,
      );

      // Geo-replication: a primary reads its replicas first; their CAs join the CAs Harbor trusts.
      const peersArgs = replicationPeersArgsFromConfig(
        cfg,
        {
          backupBucketName: this.storage.backupBucketName,
          backupBucketArn: this.storage.backupBucketArn,
          resource: this.storage,
        },
        tags,
      );
      // Not under `aws` opts: a component waits for its providers, and these wait for its StackReferences.
      this.replicas = peersArgs
        ? new ReplicationPeers(
            `${name}-replication`,
            { ...peersArgs, awsProvider: providers.aws },
            { parent: this },
          )
        : undefined;
      if (this.replicas) {
        const refs = this.replicas.references;
        this.replicas.targets.apply(() => peersRead(refs));
      } else peersRead([]);

      const tlsArgs = registryTlsArgsFromConfig(cfg);
      this.tls = tlsArgs ? new RegistryTls(`${name}-tls`, tlsArgs, { parent: this }) : undefined;
      const caBundlePem = platformCaBundle(this.tls, cfg.tls.rootCertPem);
      this.caBundlePem = caBundlePem;
      const nodeTrustArgs = nodeTrustArgsFromConfig(cfg, caBundlePem);
      const nodeTrust = nodeTrustArgs ? new NodeTrust(`${name}-node-trust`, nodeTrustArgs, k8s) : undefined;

      this.harbor = new Harbor(
        `${name}-harbor`,
        withPeerCas(
          harborArgsFromConfig(cfg, {
            registryBucket: this.storage.registryBucketName,
            registryCredentials: this.storage.registryCredentials,
            tls: this.tls
              ? { kind: "pem", certChainPem: this.tls.serverCertChainPem, keyPem: this.tls.serverKeyPem }
              : { kind: "existing-secret", secretName: REGISTRY_CERT_MANAGER_SECRET },
            caBundlePem,
          }),
          this.replicas,
        ),
        k8s,
      );
      const certManagerArgs = certManagerArgsFromConfig(cfg, this.harbor.namespace);
      const certificate = certManagerArgs
        ? new CertManagerCertificate(`${name}-certificate`, certManagerArgs, k8s)
        : undefined;

      // The Harbor API client trusts the root only: Harbor serves the rest of the chain, and every Harbor API
      // resource stores its connection (in inputs and outputs), so a root-only anchor keeps the intermediate
      // out of their state and an intermediate's renewal does not touch them.
      const harborApiCaPem = this.tls?.rootCertPem ?? caBundlePem;
      // They wait for the release through dependsOn; their URL does not come from the release's outputs
      // (`harbor.url`), which a preview of any release change makes unknown, listing every one as an update.
      const harborApiUrl = this.harbor.host.apply((h) => `https://${h}`);
      // A deletion of the Harbor release (a destroy) takes the Harbor API objects with it: the engine skips
      // their deletes (`deletedWith`) instead of calling an API that is going away, where a project holding
      // images refuses its delete (that failed every destroy of a used dev stack). Where Harbor's database
      // outlives the release (retained PVCs, an external database) they stay there and the next `up` adopts them.
      const harborApi = {
        url: harborApiUrl,
        adminPassword: this.harbor.adminPassword,
        caBundlePem: harborApiCaPem,
        deletedWith: this.harbor.release,
      };
      const hcArgs = harborConfigArgsFromConfig(cfg, harborApi);
      this.harborConfig = hcArgs
        ? new HarborConfig(`${name}-harbor-config`, hcArgs, { ...k8s, dependsOn: [this.harbor.release] })
        : undefined;

      // The config guarantees the Harbor API is on wherever replication is configured.
      const afterHarborConfig = [this.harbor.release, ...(this.harborConfig ? [this.harborConfig] : [])];
      this.harborReplication = this.replicas
        ? new HarborReplication(
            `${name}-harbor-replication`,
            { harbor: harborApi, peers: Object.values(this.replicas.peers) },
            { parent: this, dependsOn: afterHarborConfig },
          )
        : undefined;
      const targetArgs = replicationTargetArgsFromConfig(cfg, {
        harborUrl: harborApiUrl,
        adminPassword: this.harbor.adminPassword,
        caBundlePem,
        harborApiCaPem,
        harborRelease: this.harbor.release,
        backupBucketName: this.storage.backupBucketName,
        backupBucketArn: this.storage.backupBucketArn,
      });
      this.replicaTarget = targetArgs
        ? new ReplicationTarget(`${name}-replication-target`, targetArgs, {
            ...aws,
            dependsOn: afterHarborConfig,
          })
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

      // A refused `pulumi destroy` of a protected stack deletes nothing: see DestroyGuard.
      const guarded: (pulumi.ComponentResource | undefined)[] = [
        ...[this.storage, this.replicas, this.tls, nodeTrust, this.harbor, certificate, this.harborConfig],
        ...[this.harborReplication, this.replicaTarget, this.velero, this.imagePolicy],
      ];
      new DestroyGuard(
        `${name}-destroy-guard`,
        { protect: cfg.protect, resources: guarded.filter((r) => r !== undefined) },
        { parent: this },
      );

      this.outputs = platformOutputs(cfg, this);
      Object.assign(this, this.outputs);
      this.registerOutputs({ outputs: this.outputs });
      constructed = true;
    } finally {
      // A constructor that threw must not leave the providers waiting.
      if (!constructed) peersRead([]);
      restoreStacks();
    }
  }
}

/** The output contract from the platform's children. */
function platformOutputs(cfg: PlatformConfig, p: RegistryPlatform): PlatformOutputs {
  const { storage, harbor, harborConfig, velero, caBundlePem, replicas, replicaTarget } = p;
  return {
    contractVersion: OUTPUT_CONTRACT_VERSION,
    environment: cfg.environment,
    region: cfg.region,
    role: cfg.role,
    registryHost: cfg.host,
    registryUrl: `https://${cfg.host}`,
    registryBucket: storage.registryBucketName,
    registryBucketArn: storage.registryBucketArn,
    backupBucket: storage.backupBucketName,
    backupBucketArn: storage.backupBucketArn,
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
    ...replicationOutputs(replicas, replicaTarget),
    ...(velero
      ? {
          veleroNamespace: velero.namespace,
          veleroSchedules: velero.scheduleNames,
          veleroBackupLocations: velero.backupStorageLocations,
        }
      : {}),
  };
}
