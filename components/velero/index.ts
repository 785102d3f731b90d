/**
 * Velero backups of the registry namespace into the WORM backup bucket (SPEC R5, R1.2): namespace,
 * credentials, the pinned chart with typed values (plugin, backup storage locations, node agent, schedules,
 * metrics, alerts) and, optionally, the in-cluster restore drill CronJob.
 */
import { ValidatingAdmissionPolicy } from "@pulumi/kubernetes/admissionregistration/v1/validatingAdmissionPolicy";
import { ValidatingAdmissionPolicyBinding } from "@pulumi/kubernetes/admissionregistration/v1/validatingAdmissionPolicyBinding";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as batchv1 from "@pulumi/kubernetes/batch/v1";
import * as helmv3 from "@pulumi/kubernetes/helm/v3/release";
import * as rbacv1 from "@pulumi/kubernetes/rbac/v1";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ChartSource, releaseChartArgs } from "../artifacts/charts";
import { mirrorImageRef } from "../artifacts/images";
import { checksumOf, CHECKSUM_KEY_ARGS } from "../providers/rollout";
import { versions } from "../versions";
import { harborAdminSecret } from "../harbor/names";
import {
  drillClusterRules,
  drillCronJobSpec,
  drillNamespaceGuardSpec,
  DRILL_VELERO_NAMESPACE_RULES,
} from "./drill-cronjob";
import {
  ARCHIVE_LOCATION,
  awsCredentialsIni,
  BackupMode,
  DEFAULT_LOCATION,
  ScheduleKind,
  scheduleNames,
  VELERO_RELEASE_NAME,
  veleroValues,
} from "./values";

export * from "./values";
export * from "./drill-cronjob";

export interface VeleroArgs {
  /** Namespace Velero is installed into (created here). Config `velero.namespace`, default `velero`. */
  namespace: string;
  /** The WORM backup bucket (storage output `backupBucketName`). */
  backupBucket: pulumi.Input<string>;
  /** Region the backup locations sign requests for: the AWS region, or the S3-compatible store's region label. */
  region: string;
  /** Key prefix of the long-term location inside the backup bucket, e.g. `archive/` (config `storage.archive.prefix`). */
  archivePrefix: string;
  /**
   * Sub-prefix of both backup locations: `velero/<scope>` and `<archivePrefix><scope>`. Stacks whose backup
   * buckets receive S3 replication from each other (geo-replication) set it to their stack name, so one
   * region's backups (and kopia repository) never land on the other's keys. Default: none (`velero`, `archive`).
   */
  locationScope?: string;
  /** AWS S3, or an S3-compatible endpoint (path-style, checksums off, optional private CA bundle PEM). */
  storage: { kind: "aws" } | { kind: "s3-compatible"; endpoint: string; caBundlePem?: pulumi.Input<string> };
  /**
   * `static`: an access key (put in a Kubernetes Secret as an AWS ini file, secret); `irsa`: an IAM role ARN
   * annotated on Velero's service account (EKS IRSA; no secret at all).
   */
  credentials:
    | { kind: "static"; accessKeyId: pulumi.Input<string>; secretAccessKey: pulumi.Input<string> }
    | { kind: "irsa"; roleArn: pulumi.Input<string> };
  /** `fs-kopia` (node agent, file-system backup of PVs) or `csi-datamover` (CSI snapshots + data movement). */
  backupMode: BackupMode;
  /** IANA time zone the schedules (and the drill CronJob) are expressed in, e.g. `Asia/Seoul`. */
  timezone: string;
  /** 5-field cron per schedule; config defaults: daily `0 7 * * *`, weekly `0 7 * * 0`, monthly `0 7 1 * *`. */
  schedules: Record<ScheduleKind, string>;
  /** Namespace of the Harbor release: what the schedules back up (config `harbor.namespace`). */
  harborNamespace: string;
  /** `internal`: the weekly/monthly backups dump Harbor's PostgreSQL first; `external`: managed DB snapshots. */
  harborDatabase: { type: "internal" } | { type: "external" };
  /** Create the chart's ServiceMonitor (needs the Prometheus Operator CRDs). */
  serviceMonitor: boolean;
  /** Create the PrometheusRule with the backup alerts (needs the Prometheus Operator CRDs). */
  prometheusRule: boolean;
  /** Run the restore drill as an in-cluster CronJob (needs {@link VeleroArgs.drillImage}). */
  drillCronJob: boolean;
  /** 5-field cron of the drill CronJob, in {@link VeleroArgs.timezone}. Config default `0 5 1 *\/3 *`. */
  drillSchedule: string;
  /** Image with this repository's built drill, pinned by digest. No default; without it no CronJob. */
  drillImage?: string;
  /**
   * Where the drill reads Harbor's admin password (Secret in {@link VeleroArgs.harborNamespace}, and key).
   * Default: the Harbor component's own Secret for release `harbor` (`harbor-admin-password` /
   * `HARBOR_ADMIN_PASSWORD`, from components/harbor's `harborAdminSecret()`).
   */
  harborAdminSecret?: { name: string; key: string };
  /** Production stack: `protect` on the namespace. Default false. */
  production?: boolean;
  /** `protect` + `retainOnDelete` on the namespace (its Backup objects and schedules). Default: `production`. */
  protect?: boolean;
  /** Where the chart comes from. Default: the public repository pinned in `versions.ts`. */
  chart?: ChartSource;
  /**
   * Registry (`host[:port][/path]`) Velero's images (server, aws plugin, and the drill image) are pulled
   * from, digests kept. Default: none.
   */
  imageMirror?: string;
  /** Wait for Velero's workloads and Jobs to be ready. Default true. */
  wait?: boolean;
  /** Helm timeout in seconds. Default 600. */
  timeoutSeconds?: number;
}

/** The drill CronJob's service account: the CronJob runs as it, and the admission policy matches it by name. */
const DRILL_ACCOUNT = "restore-drill";

export class Velero extends pulumi.ComponentResource {
  /** The Velero namespace. */
  public readonly namespace: pulumi.Output<string>;
  /** The Helm release name. */
  public readonly release: pulumi.Output<string>;
  /** Names of the Schedule objects (the `schedule` label of Velero's metrics). */
  public readonly scheduleNames: Record<ScheduleKind, string>;
  /** Backup storage location names. */
  public readonly backupStorageLocations: { default: string; archive: string };
  /** Name of the drill CronJob, when one is created. */
  public readonly drillCronJobName: pulumi.Output<string | undefined>;

  constructor(name: string, args: VeleroArgs, opts?: pulumi.ComponentResourceOptions) {
    super("registry-platform:velero:Velero", name, {}, opts);

    const ns = new corev1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: args.namespace,
          labels: {
            // The node agent mounts the kubelet's pod directory (hostPath) and runs as root.
            "pod-security.kubernetes.io/enforce": "privileged",
            "pod-security.kubernetes.io/warn": "privileged",
            "app.kubernetes.io/part-of": "registry-platform",
          },
        },
      },
      {
        parent: this,
        protect: args.protect ?? args.production === true,
        retainOnDelete: args.protect ?? args.production === true,
      },
    );
    const namespace = ns.metadata.name;

    let credentials: Parameters<typeof veleroValues>[0]["credentials"];
    let credentialsChecksum: pulumi.Output<string> | undefined;
    const deps: pulumi.Resource[] = [ns];
    if (args.credentials.kind === "static") {
      const c = args.credentials;
      const ini = pulumi
        .all([c.accessKeyId, c.secretAccessKey])
        .apply(([id, key]) => awsCredentialsIni(id, key));
      const secret = new corev1.Secret(
        `${name}-credentials`,
        {
          metadata: { name: `${VELERO_RELEASE_NAME}-credentials`, namespace },
          type: "Opaque",
          stringData: { cloud: pulumi.secret(ini) },
        },
        { parent: this, additionalSecretOutputs: ["data", "stringData"] },
      );
      deps.push(secret);
      credentials = { kind: "secret", secretName: secret.metadata.name };
      // The Secret updates in place (enableSecretMutable); a keyed checksum of it on the pods restarts the
      // server and node agents when the keys rotate.
      const key = new random.RandomPassword(`${name}-checksum-key`, CHECKSUM_KEY_ARGS, { parent: this });
      credentialsChecksum = checksumOf(key.result, { cloud: ini });
    } else {
      credentials = { kind: "irsa", roleArn: args.credentials.roleArn };
    }

    const values = veleroValues({
      backupBucket: args.backupBucket,
      region: args.region,
      archivePrefix: args.archivePrefix,
      ...(args.locationScope !== undefined ? { locationScope: args.locationScope } : {}),
      storage: args.storage,
      credentials,
      serviceMonitor: args.serviceMonitor,
      prometheusRule: args.prometheusRule,
      timezone: args.timezone,
      schedules: args.schedules,
      harborNamespace: args.harborNamespace,
      harborDatabase: args.harborDatabase.type,
      backupMode: args.backupMode,
      imageMirror: args.imageMirror,
      credentialsChecksum,
    });
    const wait = args.wait ?? true;

    const release = new helmv3.Release(
      `${name}-release`,
      {
        name: VELERO_RELEASE_NAME,
        namespace,
        ...releaseChartArgs(versions.velero, args.chart),
        createNamespace: false,
        values,
        // Waits for Velero's own pods only; nothing in this release refers to Harbor's objects.
        timeout: args.timeoutSeconds ?? 600,
        skipAwait: !wait,
        waitForJobs: wait,
      },
      { parent: this, dependsOn: deps },
    );

    let cronJobName: pulumi.Output<string | undefined> = pulumi.output(undefined);
    if (args.drillCronJob && !args.drillImage) {
      void pulumi.log.warn(
        "velero.drillCronJob is on but no velero.drillImage is set: the in-cluster restore drill CronJob is skipped (run `npm run drill` instead).",
        this,
      );
    } else if (args.drillCronJob && args.drillImage) {
      const sa = new corev1.ServiceAccount(
        `${name}-drill`,
        { metadata: { name: DRILL_ACCOUNT, namespace } },
        { parent: this },
      );
      const adminSecret = args.harborAdminSecret ?? harborAdminSecret();
      const role = new rbacv1.ClusterRole(
        `${name}-drill`,
        { metadata: { name: `${args.namespace}-restore-drill` }, rules: drillClusterRules(adminSecret.name) },
        { parent: this },
      );
      const nsRole = new rbacv1.Role(
        `${name}-drill`,
        { metadata: { name: "restore-drill", namespace }, rules: DRILL_VELERO_NAMESPACE_RULES },
        { parent: this },
      );
      new rbacv1.RoleBinding(
        `${name}-drill`,
        {
          metadata: { name: "restore-drill", namespace },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: nsRole.metadata.name },
          subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace }],
        },
        { parent: this },
      );
      // The ClusterRole deletes namespaces cluster-wide: admission limits that to the drill's scratch namespaces.
      const guard = new ValidatingAdmissionPolicy(
        `${name}-drill`,
        {
          metadata: { name: `${args.namespace}-restore-drill-namespaces` },
          spec: drillNamespaceGuardSpec({ namespace: args.namespace, name: DRILL_ACCOUNT }),
        },
        { parent: this },
      );
      const guardBinding = new ValidatingAdmissionPolicyBinding(
        `${name}-drill`,
        {
          metadata: { name: `${args.namespace}-restore-drill-namespaces` },
          spec: { policyName: guard.metadata.name, validationActions: ["Deny"] },
        },
        { parent: this },
      );
      new rbacv1.ClusterRoleBinding(
        `${name}-drill`,
        {
          metadata: { name: `${args.namespace}-restore-drill` },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
          subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace }],
        },
        // The account gets its cluster-wide rights only once the admission policy limits them.
        { parent: this, dependsOn: [guardBinding] },
      );
      const cron = new batchv1.CronJob(
        `${name}-drill`,
        {
          metadata: { name: "restore-drill", namespace },
          spec: drillCronJobSpec({
            image: mirrorImageRef(args.drillImage, args.imageMirror),
            schedule: args.drillSchedule,
            timezone: args.timezone,
            serviceAccountName: DRILL_ACCOUNT,
            veleroNamespace: args.namespace,
            harborNamespace: args.harborNamespace,
            harborAdminSecret: adminSecret,
          }),
        },
        { parent: this, dependsOn: [release] },
      );
      cronJobName = cron.metadata.name;
    }

    this.namespace = namespace;
    this.release = release.name;
    this.scheduleNames = scheduleNames();
    this.backupStorageLocations = { default: DEFAULT_LOCATION, archive: ARCHIVE_LOCATION };
    this.drillCronJobName = cronJobName;
    this.registerOutputs({
      namespace: this.namespace,
      release: this.release,
      scheduleNames: this.scheduleNames,
      backupStorageLocations: this.backupStorageLocations,
      drillCronJobName: this.drillCronJobName,
    });
  }
}
