/**
 * Pure functions behind the Velero component: the chart values (typed, keys exactly as in the velero chart
 * 12.1.0 values.yaml) and the credentials file; the schedules, the PostgreSQL dump hook and the alert rules
 * are in ./schedules.ts. Nothing here registers a resource.
 */
import * as pulumi from "@pulumi/pulumi";
import { mirrorImageRef, mirrorRepository } from "../artifacts/images";
import { images, imageRefOf, tagPinnedImages } from "../versions";
import {
  AlertRule,
  ARCHIVE_LOCATION,
  DEFAULT_LOCATION,
  DEFAULT_PREFIX,
  locationPrefix,
  ScheduleInputs,
  ScheduleKind,
  scheduleNames,
  ScheduleValue,
  scopedPrefix,
  SERVER_SERVICE_ACCOUNT,
  veleroAlertRules,
  veleroSchedules,
} from "./schedules";

// The schedules, names and constants live in ./schedules.ts; importers of this module see them here too.
export * from "./schedules";

// ── chart value types (the subset we set) ───────────────────────────────────────────────────────────────

/** One entry of `configuration.backupStorageLocation` (the list form; the legacy map form renders nothing). */
export interface BackupStorageLocationValue {
  name: string;
  provider: "aws";
  bucket: pulumi.Input<string>;
  /** Key prefix inside the bucket, without a trailing slash. */
  prefix?: string;
  /** Base64-encoded PEM bundle for a private-CA endpoint. */
  caCert?: pulumi.Input<string>;
  default?: boolean;
  accessMode?: "ReadWrite" | "ReadOnly";
  validationFrequency?: string;
  /** Rendered by the chart as quoted strings. */
  config: Record<string, pulumi.Input<string>>;
}

/** An init container (the plugin images). */
export interface InitContainerValue {
  name: string;
  image: string;
  imagePullPolicy: "IfNotPresent" | "Always";
  volumeMounts: { mountPath: string; name: string }[];
}

/** The velero chart values we set; every other key keeps the chart default. */
export interface VeleroChartValues {
  image: { repository: string; tag: string; digest: string; pullPolicy: "IfNotPresent" };
  initContainers: InitContainerValue[];
  /** Pod annotations of the server and the node agent (the chart applies `podAnnotations` to both). */
  podAnnotations?: Record<string, pulumi.Input<string>>;
  /** The pre-install/pre-upgrade Job applying Velero's CRDs runs the Velero image (no kubectl image). */
  upgradeCRDs: true;
  /** The only other hook that would need the chart's kubectl image (from registry.k8s.io) stays off. */
  cleanUpCRDs: false;
  podSecurityContext?: { fsGroup: number };
  metrics: {
    enabled: boolean;
    serviceMonitor: { autodetect: boolean; enabled: boolean; additionalLabels: Record<string, string> };
    nodeAgentPodMonitor: { autodetect: boolean; enabled: boolean };
    prometheusRule: {
      autodetect: boolean;
      enabled: boolean;
      additionalLabels: Record<string, string>;
      spec: AlertRule[];
    };
  };
  configuration: {
    backupStorageLocation: BackupStorageLocationValue[];
    volumeSnapshotLocation: never[];
    uploaderType: "kopia";
    defaultBackupStorageLocation: string;
    defaultVolumesToFsBackup: boolean;
    defaultSnapshotMoveData: boolean;
    features: string;
    logFormat: "json" | "text";
  };
  credentials: { useSecret: boolean; existingSecret?: pulumi.Input<string> };
  serviceAccount: {
    server: {
      create: boolean;
      name: string;
      annotations: Record<string, pulumi.Input<string>> | null;
      automountServiceAccountToken: boolean;
    };
  };
  backupsEnabled: boolean;
  snapshotsEnabled: boolean;
  deployNodeAgent: boolean;
  nodeAgent: { podVolumePath: string; dnsPolicy: string };
  schedules: Record<ScheduleKind, ScheduleValue>;
}

// ── credentials ────────────────────────────────────────────────────────────────────────────────────────

/** The AWS shared-credentials file the plugin reads (`AWS_SHARED_CREDENTIALS_FILE=/credentials/cloud`). */
export function awsCredentialsIni(accessKeyId: string, secretAccessKey: string): string {
  for (const [k, v] of [
    ["access key id", accessKeyId],
    ["secret access key", secretAccessKey],
  ] as const)
    if (v === "" || /[\r\n]/.test(v)) throw new Error(`the Velero ${k} is empty or spans lines`);
  return `[default]\naws_access_key_id=${accessKeyId}\naws_secret_access_key=${secretAccessKey}\n`;
}

function b64(s: string): string {
  return Buffer.from(s, "utf8").toString("base64");
}

// ── images ─────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Velero's images, under the image mirror when one is given: the server (also the node agent and the CRD
 * upgrade Job; pinned by digest) and the velero-plugin-for-aws init container.
 */
export function veleroImages(imageMirror?: string): {
  server: { repository: string; tag: string; digest: string };
  pluginForAws: string;
} {
  return {
    server: {
      repository: mirrorRepository(images.velero.repository, imageMirror),
      tag: images.velero.tag,
      digest: images.velero.digest,
    },
    pluginForAws: mirrorImageRef(imageRefOf(tagPinnedImages.veleroPluginForAws), imageMirror),
  };
}

/** Pod annotation: keyed checksum of the credentials Secret (restarts Velero when the keys rotate). */
export const CREDENTIALS_CHECKSUM_ANNOTATION = "registry-platform/credentials-checksum";

// ── the whole values object ────────────────────────────────────────────────────────────────────────────

export type VeleroStorageTarget =
  { kind: "aws" } | { kind: "s3-compatible"; endpoint: string; caBundlePem?: pulumi.Input<string> };

export interface ValuesInputs extends ScheduleInputs {
  backupBucket: pulumi.Input<string>;
  region: string;
  archivePrefix: string;
  /** Sub-prefix of both locations (`velero/<scope>`, `<archive>/<scope>`); see `VeleroArgs.locationScope`. */
  locationScope?: string;
  storage: VeleroStorageTarget;
  /** `secret`: the name of the credentials Secret; `irsa`: the role ARN for the service account. */
  credentials:
    { kind: "secret"; secretName: pulumi.Input<string> } | { kind: "irsa"; roleArn: pulumi.Input<string> };
  serviceMonitor: boolean;
  prometheusRule: boolean;
  /** Registry (`host[:port][/path]`) the images are pulled from; digests kept. Default: none. */
  imageMirror?: string;
  /** Checksum of the credentials Secret's data, set as a pod annotation (see providers/rollout). */
  credentialsChecksum?: pulumi.Input<string>;
}

/** The velero chart values for the platform. */
export function veleroValues(v: ValuesInputs): VeleroChartValues {
  const names = scheduleNames();
  const config: Record<string, pulumi.Input<string>> = { region: v.region };
  let caCert: pulumi.Input<string> | undefined;
  if (v.storage.kind === "s3-compatible") {
    config.s3Url = v.storage.endpoint;
    config.s3ForcePathStyle = "true";
    // The AWS SDK's default CRC32 checksum headers are refused by many S3-compatible stores.
    config.checksumAlgorithm = "";
    const pem = v.storage.caBundlePem;
    if (pem !== undefined) caCert = typeof pem === "string" ? b64(pem) : pulumi.output(pem).apply(b64);
  }
  const location = (name: string, prefix: string, isDefault: boolean): BackupStorageLocationValue => ({
    name,
    provider: "aws",
    bucket: v.backupBucket,
    prefix,
    ...(caCert !== undefined ? { caCert } : {}),
    default: isDefault,
    accessMode: "ReadWrite",
    validationFrequency: "1m",
    config: { ...config },
  });
  const img = veleroImages(v.imageMirror);
  const irsa = v.credentials.kind === "irsa";
  return {
    image: { ...img.server, pullPolicy: "IfNotPresent" },
    initContainers: [
      {
        name: "velero-plugin-for-aws",
        image: img.pluginForAws,
        imagePullPolicy: "IfNotPresent",
        volumeMounts: [{ mountPath: "/target", name: "plugins" }],
      },
    ],
    ...(v.credentialsChecksum !== undefined
      ? { podAnnotations: { [CREDENTIALS_CHECKSUM_ANNOTATION]: v.credentialsChecksum } }
      : {}),
    upgradeCRDs: true,
    cleanUpCRDs: false,
    // IRSA: the projected web-identity token must be readable by the non-root server process.
    ...(irsa ? { podSecurityContext: { fsGroup: 65534 } } : {}),
    metrics: {
      enabled: true,
      // autodetect off: when the flag is on and the CRD is missing, fail loudly instead of rendering nothing.
      serviceMonitor: { autodetect: false, enabled: v.serviceMonitor, additionalLabels: {} },
      nodeAgentPodMonitor: { autodetect: false, enabled: false },
      prometheusRule: {
        autodetect: false,
        enabled: v.prometheusRule,
        additionalLabels: {},
        spec: v.prometheusRule ? veleroAlertRules(names) : [],
      },
    },
    configuration: {
      backupStorageLocation: [
        location(DEFAULT_LOCATION, scopedPrefix(DEFAULT_PREFIX, v.locationScope), true),
        location(ARCHIVE_LOCATION, scopedPrefix(locationPrefix(v.archivePrefix), v.locationScope), false),
      ],
      volumeSnapshotLocation: [],
      uploaderType: "kopia",
      defaultBackupStorageLocation: DEFAULT_LOCATION,
      defaultVolumesToFsBackup: v.backupMode === "fs-kopia",
      defaultSnapshotMoveData: v.backupMode === "csi-datamover",
      features: v.backupMode === "csi-datamover" ? "EnableCSI" : "",
      logFormat: "json",
    },
    credentials: irsa
      ? { useSecret: false }
      : {
          useSecret: true,
          existingSecret: (v.credentials as { secretName: pulumi.Input<string> }).secretName,
        },
    serviceAccount: {
      server: {
        create: true,
        name: SERVER_SERVICE_ACCOUNT,
        annotations: irsa
          ? { "eks.amazonaws.com/role-arn": (v.credentials as { roleArn: pulumi.Input<string> }).roleArn }
          : null,
        automountServiceAccountToken: true,
      },
    },
    backupsEnabled: true,
    // No VolumeSnapshotLocation: file-system backup, or CSI snapshots (which need none).
    snapshotsEnabled: false,
    // The node agent runs both the kopia file-system backup and the CSI data mover.
    deployNodeAgent: true,
    nodeAgent: { podVolumePath: "/var/lib/kubelet/pods", dnsPolicy: "ClusterFirst" },
    schedules: veleroSchedules(v),
  };
}
