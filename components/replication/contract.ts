/**
 * The replication contract between stacks (SPEC R6.2): what a replica publishes as stack outputs and what a
 * primary reads from it with a `StackReference`. Part of the documented output contract (README "Outputs").
 *
 * A replica exports two outputs:
 * - `replicationTarget` (public): {@link ReplicationTargetContract} — URL, CA bundle, the replication robot's
 *   login name, the projects it may push to, whether it may delete, and (AWS) its backup bucket;
 * - `replicationRobotSecret` (a Pulumi secret): the robot's secret.
 * Secrets never travel inside `replicationTarget`, so reading it does not make the URL or CA secret.
 */
import { registryHostOf } from "../harbor-config/payloads";
import type { ObjectLockMode } from "../storage/rules";

export const REPLICATION_TARGET_OUTPUT = "replicationTarget";
export const REPLICATION_ROBOT_SECRET_OUTPUT = "replicationRobotSecret";
/** Bumped on an incompatible change of {@link ReplicationTargetContract}. */
export const REPLICATION_CONTRACT_VERSION = 1;

/** The replica's backup bucket as a destination of S3 replication (AWS stacks only). */
export interface BackupBucketContract {
  provider: "aws";
  bucket: string;
  bucketArn: string;
  region: string;
  /** Account owning the bucket; replication within one account only. */
  accountId: string;
  /** Default encryption is SSE-KMS (with `kmsKeyArn`, else the AWS-managed `aws/s3` key). */
  sseKms: boolean;
  /** Customer-managed key (or alias) ARN of the bucket, if any. */
  kmsKeyArn?: string;
  versioning: "Enabled";
  /** Object Lock default retention of the bucket: replicated backups stay WORM on the replica too. */
  objectLock: { mode: ObjectLockMode; days: number };
}

export interface ReplicationTargetContract {
  version: number;
  role: "replica";
  /** `https://<host>` of the replica's Harbor. */
  registryUrl: string;
  /** The CA bundle the replica's certificate chains to (public); absent with a publicly trusted certificate. */
  caBundlePem?: string;
  /** Login name of the system-level replication robot, `robot$<name>`. */
  robotName: string;
  /** Projects that exist on the replica and that the robot may push to. */
  projects: string[];
  /** The robot may delete (a primary may replicate deletions). */
  allowsDeletion: boolean;
  /** AWS stacks only. */
  backupBucket?: BackupBucketContract;
}

/** What a primary needs from one peer. */
export interface PeerNeeds {
  /** Fully qualified peer stack name (for messages). */
  stack: string;
  projects: string[];
  deletion: boolean;
  backupReplication: boolean;
  /** This stack's backup bucket region: a backup-replicating peer must be in another one (disaster recovery). */
  region?: string;
}

const isStr = (v: unknown): v is string => typeof v === "string" && v !== "";

/**
 * Checks a peer's `replicationTarget` output against what this primary needs and returns it typed. Every
 * problem names the peer stack and the output field, e.g.
 * `peer stack org/registry-platform/prod-apne1: output replicationTarget.projects lacks "apps" ...`.
 */
export function checkReplicationTarget(value: unknown, needs: PeerNeeds): ReplicationTargetContract {
  const problems: string[] = [];
  const field = (f: string) => `output ${REPLICATION_TARGET_OUTPUT}${f ? `.${f}` : ""}`;
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new Error(`peer stack ${needs.stack}: ${field("")} is not an object`);
  const t = value as Record<string, unknown>;
  if (t.version !== REPLICATION_CONTRACT_VERSION)
    problems.push(
      `${field("version")} is ${JSON.stringify(t.version)}; this program reads version ${REPLICATION_CONTRACT_VERSION} (deploy the peer with the same version of registry-platform)`,
    );
  if (t.role !== "replica")
    problems.push(
      `${field("role")} is ${JSON.stringify(t.role)}; only a stack with role "replica" can be a peer`,
    );
  if (!isStr(t.registryUrl) || !/^https:\/\//.test(t.registryUrl))
    problems.push(`${field("registryUrl")} is ${JSON.stringify(t.registryUrl)}; an https URL is required`);
  if (t.caBundlePem !== undefined && !isStr(t.caBundlePem))
    problems.push(`${field("caBundlePem")} is not a PEM bundle`);
  if (!isStr(t.robotName)) problems.push(`${field("robotName")} is missing`);
  const projects = Array.isArray(t.projects) ? t.projects.filter(isStr) : undefined;
  if (!projects) problems.push(`${field("projects")} is missing`);
  else
    for (const p of needs.projects)
      if (!projects.includes(p))
        problems.push(
          `${field("projects")} lacks "${p}": the project must exist on the replica and its robot must push to it (add it to the replica's harborConfig.projects)`,
        );
  if (needs.deletion && t.allowsDeletion !== true)
    problems.push(
      `${field("allowsDeletion")} is ${JSON.stringify(t.allowsDeletion)}; replicating deletions needs replication.robot.allowDeletion: true on the replica`,
    );
  let backupBucket: BackupBucketContract | undefined;
  if (needs.backupReplication) {
    const b = t.backupBucket as Record<string, unknown> | undefined;
    if (!b || typeof b !== "object")
      problems.push(
        `${field("backupBucket")} is missing: the peer has no AWS backup bucket (S3-compatible peers take Harbor replication only; set backupReplication.enabled: false for this peer)`,
      );
    else {
      const lock = b.objectLock as { mode?: unknown; days?: unknown } | undefined;
      if (b.provider !== "aws") problems.push(`${field("backupBucket.provider")} is not "aws"`);
      if (!isStr(b.bucketArn) || !/^arn:aws[a-z-]*:s3:::/.test(b.bucketArn))
        problems.push(
          `${field("backupBucket.bucketArn")} is ${JSON.stringify(b.bucketArn)}; an S3 bucket ARN is required`,
        );
      if (!isStr(b.region)) problems.push(`${field("backupBucket.region")} is missing`);
      else if (b.region === needs.region)
        problems.push(
          `${field("backupBucket.region")} is "${b.region}", this stack's region; backups replicate to a peer in another region (disaster recovery), or set backupReplication.enabled: false for this peer`,
        );
      if (!isStr(b.accountId)) problems.push(`${field("backupBucket.accountId")} is missing`);
      if (b.versioning !== "Enabled")
        problems.push(
          `${field("backupBucket.versioning")} is ${JSON.stringify(b.versioning)}; the destination must be versioned`,
        );
      if (
        !lock ||
        (lock.mode !== "COMPLIANCE" && lock.mode !== "GOVERNANCE") ||
        typeof lock.days !== "number"
      )
        problems.push(
          `${field("backupBucket.objectLock")} is ${JSON.stringify(lock)}; the destination must be object-locked with a default retention`,
        );
      if (b.kmsKeyArn !== undefined && !isStr(b.kmsKeyArn))
        problems.push(`${field("backupBucket.kmsKeyArn")} is not a KMS key ARN`);
      backupBucket = b as unknown as BackupBucketContract;
    }
  }
  if (problems.length > 0) throw new Error(`peer stack ${needs.stack}: ${problems.join("; ")}`);
  return {
    version: REPLICATION_CONTRACT_VERSION,
    role: "replica",
    registryUrl: t.registryUrl as string,
    ...(isStr(t.caBundlePem) ? { caBundlePem: t.caBundlePem } : {}),
    robotName: t.robotName as string,
    projects: projects!,
    allowsDeletion: t.allowsDeletion === true,
    ...(backupBucket ? { backupBucket } : {}),
  };
}

/**
 * {@link registryHostOf} (`name[:port]`, lowercase, no default port) of an https URL or of a bare host;
 * `undefined` when neither parses.
 */
function hostOfUrlOrHost(urlOrHost: string): string | undefined {
  try {
    return registryHostOf(/^[a-z][a-z0-9+.-]*:\/\//i.test(urlOrHost) ? urlOrHost : `https://${urlOrHost}`);
  } catch {
    return undefined;
  }
}

/**
 * Problems of the peers' registries taken together: a peer that publishes this stack's own registry (its
 * policies would push every artifact into the Harbor they read from), and two peers publishing one registry
 * (two endpoints and policy sets pushing into one Harbor). `ownHost` is this stack's `host`.
 */
export function peerRegistryProblems(
  peers: readonly { stack: string; registryUrl: string }[],
  ownHost: string | undefined,
): string[] {
  const problems: string[] = [];
  const own = ownHost === undefined ? undefined : hostOfUrlOrHost(ownHost);
  const seen = new Map<string, string>();
  for (const p of peers) {
    const host = hostOfUrlOrHost(p.registryUrl);
    if (host === undefined) continue;
    const field = `peer stack ${p.stack}: output ${REPLICATION_TARGET_OUTPUT}.registryUrl is ${JSON.stringify(p.registryUrl)}`;
    if (host === own)
      problems.push(
        `${field}, this stack's own registry (${host}); a peer is another region's registry (check the peer's host, or remove the peer)`,
      );
    else if (seen.has(host))
      problems.push(
        `${field}, the registry of peer stack ${seen.get(host)!} too; list each registry once (two stacks publish one host: check their host config)`,
      );
    else seen.set(host, p.stack);
  }
  return problems;
}
