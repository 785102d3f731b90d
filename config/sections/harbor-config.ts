import { z } from "zod";
import { harborCron, hostPort, k8sNameSchema } from "./common";
import { SEVERITY_LEVELS } from "../../components/harbor-config/payloads";

export const PROXY_CACHE_TYPES = ["docker-hub", "docker-registry", "quay", "github-ghcr", "harbor"] as const;

const projectName = z
  .string()
  .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, { message: "a Harbor project name: lowercase [a-z0-9._-]" })
  .max(255);

/** The largest quota whose bytes (`quotaGiB × 2^30`) fit Harbor's int64 `storage_limit`. */
const MAX_QUOTA_GIB = 8_589_934_591; // floor((2^63 - 1) / 2^30)

/** `registry-platform:harborConfig` — Harbor configured as code (SPEC R4). */
export const harborConfigSection = z
  .strictObject({
    /** Configure Harbor through its API (projects, robots, policies). Default true. */
    enabled: z.boolean().default(true),
    projects: z
      .array(
        z.strictObject({
          name: projectName,
          /** Public projects allow anonymous pull. Default false. */
          public: z.boolean().default(false),
          /** Block pulls of images with vulnerabilities at or above `severity`. Default true. */
          preventVulnerable: z.boolean().default(true),
          severity: z.enum(SEVERITY_LEVELS).default("high"),
          /** Only allow pulls of cosign-signed artifacts. */
          cosign: z.boolean().default(false),
          /** Storage quota in GiB; -1 = unlimited. */
          quotaGiB: z.number().int().min(-1).max(MAX_QUOTA_GIB).default(-1),
          /** Namespaces that get a pull secret for this project's pull robot. */
          pullSecretNamespaces: z.array(k8sNameSchema).default([]),
          /**
           * Make semver release tags (vX.Y.Z) immutable. Default true. Harbor's retention never deletes
           * immutable artifacts, so this is also the retention choice: true keeps every release (the project's
           * policy retains them all); false deletes releases beyond `retention.keepLatestReleases`.
           */
          immutableReleaseTags: z.boolean().default(true),
          /**
           * Give the project the daily tag retention policy (`retention`), which deletes every artifact no rule
           * keeps: anything not tagged vX.Y.Z, a recent build tag, stable or lts. Default true; false for
           * projects that hold other tags, such as mirrors (the Trivy DB's tags are `2` and `1`).
           */
          tagRetention: z.boolean().default(true),
        }),
      )
      .default([]),
    retention: z
      .strictObject({
        /** Most recent N minor/patch releases kept, in projects with `immutableReleaseTags: false`. */
        keepLatestReleases: z.number().int().min(1).max(1000).default(10),
        /** Days CI build tags (vX.Y.Z-YYYYMMDD-sha7) are kept. */
        buildTagDays: z.number().int().min(1).max(3650).default(14),
        schedule: harborCron.default("0 0 2 * * *"),
      })
      .prefault({}),
    gc: z
      .strictObject({
        schedule: harborCron.default("0 0 3 * * 0"),
        deleteUntagged: z.boolean().default(true),
      })
      .prefault({}),
    auditLog: z
      .strictObject({
        purgeSchedule: harborCron.default("0 0 4 * * *"),
        retentionHours: z.number().int().min(24).default(2160),
        /** syslog endpoint `host:port` to forward audit logs to. */
        forwardEndpoint: hostPort.optional(),
      })
      .prefault({}),
    proxyCaches: z
      .array(
        z.strictObject({
          name: projectName,
          type: z.enum(PROXY_CACHE_TYPES),
          url: z.string().regex(/^https:\/\/\S+$/, { message: "an https URL" }),
          /** Namespaces that get a pull secret for this proxy cache's pull robot. */
          pullSecretNamespaces: z.array(k8sNameSchema).default([]),
        }),
      )
      .default([]),
    /** Change this value to rotate every robot secret on the next `pulumi up`. */
    robotRotation: z.string().default("1"),
  })
  .prefault({});
