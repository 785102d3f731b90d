/**
 * What the suite deploys per example stack and what it expects on the cluster. Expectations come from the
 * stack file and from the seed (SPEC R5.4), not from the program's code: the program is what is under test.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { NAMESPACE } from "./workspace";

export interface ScheduleExpectation {
  cron: string;
  ttlHours: number;
  location: string;
  dumpHook: boolean;
}

export interface StackPlan {
  stack: string;
  /** The stack file's config with placeholder `secure:` values removed. */
  config: Record<string, unknown>;
  /** Keys whose example value was an offline placeholder (must be set with `pulumi config set --secret`). */
  placeholderSecrets: string[];
  host: string;
  production: boolean;
  protected: boolean;
  harborNamespace: string;
  veleroNamespace: string;
  systemNamespace: string;
  tlsMode: string;
  extraSans: string[];
  /** `velero.drillCronJob`: the restore drill's CronJob, its account and the admission policy that guards it. */
  drill: boolean;
  /** `tagRetention`: the project gets a retention policy (config default true). */
  projects: { name: string; pullSecretNamespaces: string[]; tagRetention: boolean }[];
  /** `replication.peers[].stack` of a primary, as the backend names them (`organization/<project>/<stack>`). */
  peers: string[];
  /** `harborConfig.proxyCaches`: a project with a pull robot (no push robot, no retention) and an upstream endpoint. */
  proxyCaches: { name: string; pullSecretNamespaces: string[] }[];
  schedules: Record<"daily" | "weekly" | "monthly", ScheduleExpectation>;
}

const PLACEHOLDER = /^v1:offlinePlaceholder/;

/**
 * The seed's schedules (R5.4): daily 07:00 (ttl 7 d), weekly Sunday with the DB dump (35 d), monthly archive (365 d).
 * The dump hook runs in Harbor's own PostgreSQL: none with an external database (`internalDb` false).
 */
export function seedSchedules(
  timezone: string,
  crons: Partial<Record<"daily" | "weekly" | "monthly", string>> = {},
  internalDb = true,
): StackPlan["schedules"] {
  const tz = (c: string) => `CRON_TZ=${timezone} ${c}`;
  return {
    daily: { cron: tz(crons.daily ?? "0 7 * * *"), ttlHours: 7 * 24, location: "default", dumpHook: false },
    weekly: {
      cron: tz(crons.weekly ?? "0 7 * * 0"),
      ttlHours: 35 * 24,
      location: "default",
      dumpHook: internalDb,
    },
    monthly: {
      cron: tz(crons.monthly ?? "0 7 1 * *"),
      ttlHours: 365 * 24,
      location: "archive",
      dumpHook: internalDb,
    },
  };
}

export function loadStackPlan(root: string, stack: string): StackPlan {
  const doc = parse(fs.readFileSync(path.join(root, "stacks", `Pulumi.${stack}.yaml`), "utf8")) as {
    config: Record<string, any>;
  };
  const config: Record<string, unknown> = {};
  const placeholderSecrets: string[] = [];
  for (const [k, v] of Object.entries(doc.config)) {
    if (v && typeof v === "object" && typeof v.secure === "string" && PLACEHOLDER.test(v.secure as string)) {
      placeholderSecrets.push(k.slice(NAMESPACE.length + 1));
      continue;
    }
    config[k] = v;
  }
  const c = (k: string): any => doc.config[`${NAMESPACE}:${k}`];
  const production = c("environment") === "prod";
  const velero = c("velero") ?? {};
  return {
    stack,
    config,
    placeholderSecrets,
    host: c("host") as string,
    production,
    protected: (c("protect") as boolean | undefined) ?? production,
    harborNamespace: (c("harbor")?.namespace as string | undefined) ?? "harbor",
    veleroNamespace: (velero.namespace as string | undefined) ?? "velero",
    systemNamespace: (c("kubernetes")?.systemNamespace as string | undefined) ?? "registry-system",
    tlsMode: (c("tls")?.mode as string | undefined) ?? "self-signed-ca",
    extraSans: (c("tls")?.extraSans as string[] | undefined) ?? [],
    drill: velero.drillCronJob === true,
    projects: ((c("harborConfig")?.projects ?? []) as any[]).map((p) => ({
      name: p.name as string,
      pullSecretNamespaces: (p.pullSecretNamespaces ?? []) as string[],
      tagRetention: (p.tagRetention as boolean | undefined) ?? true,
    })),
    peers: ((c("replication")?.peers ?? []) as any[]).map((p) => p.stack as string),
    proxyCaches: ((c("harborConfig")?.proxyCaches ?? []) as any[]).map((p) => ({
      name: p.name as string,
      pullSecretNamespaces: (p.pullSecretNamespaces ?? []) as string[],
    })),
    schedules: seedSchedules(
      (velero.timezone as string | undefined) ?? "UTC",
      velero.schedules ?? {},
      c("harbor")?.database?.type !== "external",
    ),
  };
}

/** Go duration ("168h0m0s", "720h") in hours. */
export function durationHours(d: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(d);
  if (!m || d === "") throw new Error(`not a duration: ${d}`);
  return Number(m[1] ?? 0) + Number(m[2] ?? 0) / 60 + Number(m[3] ?? 0) / 3600;
}

/** Secret keys the stack's config makes required (config/secrets.ts), plus those the example held placeholders for. */
export function requiredSecrets(plan: StackPlan): string[] {
  const c = (k: string): any => plan.config[`${NAMESPACE}:${k}`];
  const keys = new Set(plan.placeholderSecrets);
  if (c("storage")?.provider === "s3-compatible") ["s3AccessKey", "s3SecretKey"].forEach((k) => keys.add(k));
  if (plan.tlsMode === "byo-intermediate") keys.add("tlsIntermediateKeyPem");
  if (plan.tlsMode === "byo-certificate") keys.add("tlsServerKeyPem");
  if (c("harbor")?.database?.type === "external") keys.add("harborDatabasePassword");
  return [...keys].sort();
}
