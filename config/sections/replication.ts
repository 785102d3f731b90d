import { z } from "zod";
import type { ConfigIssue } from "../errors";
import { keyPath, renderValue } from "../errors";
import { harborCron } from "./common";
import { PEER_ENDPOINT_PREFIX as ENDPOINT_PREFIX } from "../../components/replication/plan";

/**
 * A fully qualified stack name, `organization/project/stack`, as `pulumi.StackReference` takes it. A file
 * backend's organization is the literal `organization`.
 */
export const STACK_NAME_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const fullyQualifiedStack = z
  .string()
  .refine((s) => s.split("/").length === 3 && s.split("/").every((p) => STACK_NAME_SEGMENT.test(p)), {
    message:
      "a fully qualified stack name organization/project/stack, such as acme/registry-platform/prod-apne1",
  });

const PATTERN_FORM =
  "a Harbor filter pattern such as ** or v*, without spaces or leading /, each [ ] and { } closed";

/**
 * True when every `[` class is closed and not empty, every `{` has its `}` (and no `}` comes without one) and
 * a `\` escapes something. Harbor stores any filter string; its doublestar matcher refuses a malformed pattern
 * only when a replication runs, which then fails (or copies nothing) with no error at `pulumi up`.
 */
export function balancedPattern(s: string): boolean {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") {
      if (++i >= s.length) return false;
    } else if (c === "[") {
      let j = i + 1;
      if (s[j] === "!" || s[j] === "^") j++;
      if (j >= s.length || s[j] === "]") return false;
      while (j < s.length && s[j] !== "]") j += s[j] === "\\" ? 2 : 1;
      if (j >= s.length) return false;
      i = j;
    } else if (c === "{") depth++;
    else if (c === "}" && --depth < 0) return false;
  }
  return depth === 0;
}

/** A Harbor name filter pattern (doublestar: `**`, `*`, `{a,b}`), without spaces or a leading `/`. */
const harborPattern = z
  .string()
  .regex(/^[^\s/][^\s]*$/, { message: PATTERN_FORM, abort: true })
  .max(255)
  .refine(balancedPattern, { message: PATTERN_FORM });

const REPLICATION_CRON_FORM =
  "a 6-field cron expression (second minute hour day month weekday) with the seconds field 0 and the minutes field not * (Harbor refuses other schedules of a replication policy), such as '0 30 4 * * *'";

/**
 * The schedule of a replication policy: Harbor's 6-field cron, and what Harbor's policy validation adds — the
 * seconds field is `0` and the minutes field is not `*` (no policy runs every minute).
 */
export const replicationCron = z.string().refine(
  (s) => {
    if (!harborCron.safeParse(s).success) return false;
    return s.trim().split(/\s+/)[1] !== "*";
  },
  { message: REPLICATION_CRON_FORM },
);

const projectName = z
  .string()
  .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, { message: "a Harbor project name: lowercase [a-z0-9._-]" })
  .max(255);

/** One peer (replica) a primary pushes to. */
export const replicationPeer = z.strictObject({
  /** The replica's fully qualified stack name; its outputs are read with a `StackReference`. */
  stack: fullyQualifiedStack,
  /** Harbor projects to replicate. Default: every configured `harborConfig.projects` entry. */
  projects: z.array(projectName).min(1).optional(),
  /** Repository filter below each project (Harbor doublestar pattern). Default `**` (every repository). */
  repositories: harborPattern.default("**"),
  /** Tag filter (Harbor pattern such as `v*`). Default: every tag. */
  tags: harborPattern.optional(),
  /** Replicate deletions (artifacts and tags deleted on the primary are deleted on the peer). Default false. */
  deletion: z.boolean().default(false),
  trigger: z
    .strictObject({
      /** Push on every push/delete (Harbor's `event_based` trigger). Default true. */
      eventBased: z.boolean().default(true),
      /**
       * Periodic full reconcile (Harbor 6-field cron, seconds `0`, minutes not `*`). With `eventBased` a second, scheduled policy
       * `<policy>-reconcile` catches events lost while the peer was unreachable; without it, the peer's only
       * policy is scheduled. Default: none.
       */
      reconcileSchedule: replicationCron.optional(),
    })
    .prefault({}),
  /** Bandwidth limit per replication task in KB/s; -1 = unlimited. Default -1. */
  speed: z
    .number()
    .int()
    .min(-1)
    .refine((n) => n !== 0, { message: "-1 (unlimited) or a positive number of KB/s" })
    .default(-1),
  /** Overwrite artifacts that already exist on the peer. Default true. */
  override: z.boolean().default(true),
  /** Copy blobs in chunks (big layers through proxies with body-size limits). Default true. */
  copyByChunk: z.boolean().default(true),
  /** The policy is enabled. Default true (false keeps the endpoint and pauses replication). */
  enabled: z.boolean().default(true),
  /**
   * AWS: S3 replication of the backup bucket into the peer's backup bucket. Default: on when
   * `storage.provider` is `aws`; not available on S3-compatible endpoints (Harbor replication only).
   */
  backupReplication: z
    .strictObject({
      enabled: z.boolean().optional(),
      /** S3 Replication Time Control (15-minute SLA, extra cost). Default false. */
      replicationTime: z.boolean().default(false),
      /** Storage class of the replicas (e.g. `STANDARD_IA`). Default: the source object's class. */
      storageClass: z
        .enum(["STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR"])
        .optional(),
    })
    .prefault({}),
});

/** A replica's side: the robot primaries push with. */
export const replicationRobot = z.strictObject({
  /** Short name of the system-level robot (`robot$<name>`). Default `replication`. */
  name: z
    .string()
    .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, { message: "a robot name: lowercase [a-z0-9._-]" })
    .max(64)
    .optional(),
  /** Projects the robot may push to. Default: every configured `harborConfig.projects` entry. */
  projects: z.array(projectName).min(1).optional(),
  /** The robot may delete (needed when a primary replicates deletions). Default false. */
  allowDeletion: z.boolean().optional(),
});
// The defaults are applied where the robot is built (components/replication/from-config.ts), not here: the
// parsed value stays as written, which is what an error about it shows.

/** `registry-platform:replication` — geo-replication (SPEC R6). */
export const replicationSection = z
  .strictObject({
    /** On a primary: the replicas to push to. Rejected on a replica. */
    peers: z.array(replicationPeer).default([]),
    /** On a replica: the replication robot. Rejected on a primary. Defaults apply on every replica. */
    robot: replicationRobot.optional(),
    /**
     * Sub-prefix of Velero's backup locations (`velero/<scope>`, `archive/<scope>`). Default: the stack name.
     * Set it to keep the prefix of a stack recreated under another name, or Velero no longer sees the earlier
     * backups.
     */
    backupScope: z
      .string()
      .regex(STACK_NAME_SEGMENT, { message: "one path segment of [A-Za-z0-9._-], such as prod-apne1" })
      .optional(),
  })
  .prefault({});

export type ReplicationSection = z.output<typeof replicationSection>;
export type ReplicationPeerConfig = z.output<typeof replicationPeer>;

/** What the cross-key rules need to know about the rest of the config. */
export interface ReplicationContext {
  project: string;
  stack: string;
  role: "primary" | "replica";
  storageProvider: "aws" | "s3-compatible";
  harborConfigEnabled: boolean;
  /** Regular (non-proxy-cache) Harbor projects. */
  projects: string[];
  proxyCaches: string[];
}

/** Harbor's registry endpoint names are at most 64 characters (its `registry.name` column). */
const HARBOR_REGISTRY_NAME_MAX = 64;

/** The stack segment of `org/project/stack`. */
export function peerStackName(fullyQualified: string): string {
  return fullyQualified.split("/")[2];
}

/** Rules that span `replication.*` and other keys. */
export function replicationChecks(r: ReplicationSection, c: ReplicationContext): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const add = (path: PropertyKey[], found: unknown, allowed: string) =>
    out.push({ key: keyPath(["replication", ...path]), found: renderValue(found), allowed });
  const known =
    c.projects.length > 0 ? c.projects.map((p) => JSON.stringify(p)).join(", ") : "(none configured)";
  const checkProjects = (path: PropertyKey[], list: string[] | undefined) =>
    list?.forEach((p, j) => {
      if (c.projects.includes(p)) return;
      add(
        [...path, j],
        p,
        c.proxyCaches.includes(p)
          ? "a regular project (proxy-cache projects are filled from their upstream, not replicated)"
          : `one of the projects configured in harborConfig.projects: ${known}`,
      );
    });

  if (c.role === "replica") {
    if (r.peers.length > 0)
      add(
        ["peers"],
        r.peers.map((p) => p.stack),
        'nothing when role is "replica" (a replica receives replication; the primary lists its peers)',
      );
    if (!c.harborConfigEnabled)
      out.push({
        key: keyPath(["harborConfig", "enabled"]),
        found: "false",
        allowed:
          'true when role is "replica" (the replica creates its projects and replication robot through the Harbor API)',
      });
    else if (c.projects.length === 0)
      out.push({
        key: keyPath(["harborConfig", "projects"]),
        found: "[]",
        allowed: 'at least one project when role is "replica" (the projects replication fills)',
      });
    checkProjects(["robot", "projects"], r.robot?.projects);
    return out;
  }

  // Primary.
  if (r.robot)
    add(["robot"], r.robot, 'nothing when role is "primary" (the replication robot lives on each replica)');
  if (r.peers.length === 0) return out;
  if (!c.harborConfigEnabled)
    out.push({
      key: keyPath(["harborConfig", "enabled"]),
      found: "false",
      allowed:
        "true when replication.peers is set (endpoints and policies are created through the Harbor API)",
    });
  else if (c.projects.length === 0)
    out.push({
      key: keyPath(["harborConfig", "projects"]),
      found: "[]",
      allowed: "at least one project when replication.peers is set (the projects to replicate)",
    });
  const seen = new Map<string, number>();
  const seenNames = new Map<string, number>();
  r.peers.forEach((p, i) => {
    const [, project, stack] = p.stack.split("/");
    if (project === c.project && stack === c.stack)
      add(["peers", i, "stack"], p.stack, `a stack other than this one (${c.project}/${c.stack})`);
    if (`${ENDPOINT_PREFIX}${stack}`.length > HARBOR_REGISTRY_NAME_MAX)
      add(
        ["peers", i, "stack"],
        p.stack,
        `a stack name of at most ${HARBOR_REGISTRY_NAME_MAX - ENDPOINT_PREFIX.length} characters (the Harbor endpoint ${ENDPOINT_PREFIX}<stack> is named after it; Harbor holds at most ${HARBOR_REGISTRY_NAME_MAX})`,
      );
    const prev = seen.get(p.stack);
    if (prev !== undefined)
      add(["peers", i, "stack"], p.stack, `a stack not already listed at replication.peers[${prev}]`);
    else {
      const prevName = seenNames.get(stack);
      if (prevName !== undefined)
        add(
          ["peers", i, "stack"],
          p.stack,
          `a stack name other than "${stack}" of replication.peers[${prevName}] (endpoint and policy names derive from it)`,
        );
    }
    seen.set(p.stack, i);
    if (!seenNames.has(stack)) seenNames.set(stack, i);
    checkProjects(["peers", i, "projects"], p.projects);
    const b = p.backupReplication;
    if (c.storageProvider === "s3-compatible") {
      if (b.enabled === true)
        add(
          ["peers", i, "backupReplication", "enabled"],
          true,
          'false or unset when storage.provider is "s3-compatible": S3 replication is an AWS S3 feature; S3-compatible stacks replicate through Harbor only',
        );
      if (b.replicationTime)
        add(
          ["peers", i, "backupReplication", "replicationTime"],
          true,
          'false when storage.provider is "s3-compatible" (no S3 replication there)',
        );
      if (b.storageClass)
        add(
          ["peers", i, "backupReplication", "storageClass"],
          b.storageClass,
          'nothing when storage.provider is "s3-compatible" (no S3 replication there)',
        );
    } else if (b.enabled === false && (b.replicationTime || b.storageClass)) {
      add(
        ["peers", i, "backupReplication", "enabled"],
        false,
        "true or unset when replicationTime or storageClass is set",
      );
    }
  });
  return out;
}
