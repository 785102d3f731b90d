/**
 * The consumer side of the platform's output contract (`components/platform/outputs.ts`): what an app stack,
 * `verify` or any other reader gets from a platform stack, checked before use. The version comes first: a
 * stack that exports another `contractVersion` (or none) fails with one message that says what to do,
 * instead of a confusing `undefined` somewhere later. Then every field is checked against its type.
 *
 * {@link PlatformContract} is derived from the producer's `PlatformOutputs` (`pulumi.Unwrap`), and the zod
 * schema below must describe exactly that type (a compile-time check): the two cannot drift apart.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { OUTPUT_CONTRACT_VERSION, PlatformOutputs } from "../platform/outputs";
import type { ReplicationTargetContract } from "../replication/contract";

/** The platform stack's outputs as a consumer sees them (plain values). */
export type PlatformContract = pulumi.Unwrap<PlatformOutputs>;

/** Contract versions this package can read. */
export const SUPPORTED_CONTRACT_VERSIONS: readonly number[] = [OUTPUT_CONTRACT_VERSION];

/** Outputs that are Pulumi secrets on the platform stack. */
export const SECRET_OUTPUTS = [
  "harborAdminPassword",
  "pullDockerConfigJson",
  "replicationRobotSecret",
] as const;

const str = z.string().min(1);

/** Every output and its type (version checked separately, first). */
export const platformContractSchema = z.object({
  contractVersion: z.number().int(),
  environment: str,
  region: str,
  role: str,
  registryHost: str,
  registryUrl: z.string().regex(/^https:\/\/[^\s/]+$/, "an https:// URL without a path"),
  registryBucket: str,
  registryBucketArn: str,
  backupBucket: str,
  backupBucketArn: str,
  storageRegion: str,
  storageEndpoint: str.optional(),
  caBundlePem: z.string().includes("-----BEGIN CERTIFICATE-----").optional(),
  registryCaSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  harborNamespace: str,
  harborAdminPassword: z.string(),
  harborProjects: z.record(z.string(), z.object({ pullRobot: str, pushRobot: str.optional() })).optional(),
  pullDockerConfigJson: z.record(z.string(), z.string()).optional(),
  veleroNamespace: str.optional(),
  veleroSchedules: z.record(z.string(), z.string()).optional(),
  veleroBackupLocations: z.object({ default: str, archive: str }).optional(),
  // Geo-replication (primaries: their peers; replicas: what primaries read, and the robot's secret).
  replicationPeers: z
    .record(
      z.string(),
      z.object({
        stack: str,
        registryUrl: str,
        endpoint: str,
        policies: z.array(z.string()),
        projects: z.array(z.string()),
        backupReplication: z.boolean(),
      }),
    )
    .optional(),
  replicationTarget: z
    .custom<ReplicationTargetContract>((v) => typeof v === "object" && v !== null)
    .optional(),
  replicationRobotSecret: z.string().optional(),
});

type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Same keys (optional ones included) and mutually assignable. */
type Same<A, B> = Mutual<keyof A, keyof B> extends true ? Mutual<A, B> : false;
type Assert<T extends true> = T;
/**
 * Fails to compile when the schema and `PlatformOutputs` differ: add a new output to both (and to the README's
 * output table); bump `OUTPUT_CONTRACT_VERSION` when a change is not an addition.
 */
export type SchemaMatchesPlatformOutputs = Assert<
  Same<z.infer<typeof platformContractSchema>, PlatformContract>
>;

export type ContractField = keyof PlatformContract;

export class ContractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ContractError";
  }
}

/**
 * Checks `contractVersion` of the stack `source`; throws a {@link ContractError} that says which side to
 * upgrade when this package cannot read it.
 */
export function checkContractVersion(version: unknown, source: string): number {
  const supported = SUPPORTED_CONTRACT_VERSIONS.map((v) => `v${v}`).join(", ");
  if (version === undefined || version === null)
    throw new ContractError(
      `platform stack ${source} exports no contractVersion: it was deployed by a registry-platform older than ` +
        `the versioned output contract (this consumer reads ${supported}). Run \`pulumi up\` on the platform ` +
        "stack with a current registry-platform, then retry.",
    );
  if (typeof version !== "number" || !Number.isInteger(version))
    throw new ContractError(
      `platform stack ${source}: contractVersion is ${JSON.stringify(version)}; expected a whole number (${supported})`,
    );
  if (SUPPORTED_CONTRACT_VERSIONS.includes(version)) return version;
  const newest = Math.max(...SUPPORTED_CONTRACT_VERSIONS);
  throw new ContractError(
    version > newest
      ? `platform stack ${source} exports output contract v${version}; this consumer reads ${supported}. ` +
          "Upgrade registry-platform in the consuming project."
      : `platform stack ${source} exports output contract v${version}, which this consumer no longer reads ` +
          `(${supported}). Redeploy the platform stack with a current registry-platform.`,
  );
}

function describe(issue: z.core.$ZodIssue, raw: Record<string, unknown>): string {
  const key = issue.path.map(String).join(".");
  const top = String(issue.path[0] ?? "");
  const secret = (SECRET_OUTPUTS as readonly string[]).includes(top);
  let found: unknown = raw;
  for (const p of issue.path) found = (found as Record<PropertyKey, unknown> | undefined)?.[p];
  const shown = found === undefined ? "nothing" : secret ? "[secret]" : JSON.stringify(found)?.slice(0, 80);
  return `output ${key}: found ${shown}; expected ${issue.message}`;
}

/**
 * Validates a whole set of platform stack outputs (e.g. `pulumi stack output --json --show-secrets`):
 * version first, then every field. Unknown outputs (added by newer minor versions) are ignored.
 */
export function readPlatformContract(raw: unknown, source: string): PlatformContract {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new ContractError(`platform stack ${source}: outputs are not an object`);
  const obj = raw as Record<string, unknown>;
  checkContractVersion(obj.contractVersion, source);
  const parsed = platformContractSchema.safeParse(obj);
  if (!parsed.success)
    throw new ContractError(
      `platform stack ${source} does not match output contract v${String(obj.contractVersion)}:\n` +
        parsed.error.issues.map((i) => `  - ${describe(i, obj)}`).join("\n"),
    );
  return parsed.data;
}

/** Checks one field's value (the version is checked before any field is read). */
export function checkContractField<K extends ContractField>(
  field: K,
  value: unknown,
  source: string,
): PlatformContract[K] {
  const schema = platformContractSchema.shape[field] as z.ZodType;
  const r = schema.safeParse(value);
  if (!r.success)
    throw new ContractError(
      `platform stack ${source}: ${r.error.issues.map((i) => describe({ ...i, path: [field, ...i.path] }, { [field]: value })).join("; ")}`,
    );
  return r.data as PlatformContract[K];
}

/**
 * Typed, checked access to a platform stack's outputs from a Pulumi program. Each field is an Output that
 * is secret exactly when the platform exported it as a secret, and that fails with the contract-version
 * message first when the stack's contract is not one this package reads.
 */
export class PlatformStackOutputs {
  private readonly version: pulumi.Output<number>;

  private constructor(
    /** The stack's name, for messages. */
    public readonly source: string,
    private readonly get: (field: ContractField) => pulumi.Output<unknown>,
  ) {
    this.version = get("contractVersion").apply((v) => checkContractVersion(v, source));
  }

  /** From a `StackReference` (the usual way in an app stack). */
  static fromStackReference(ref: pulumi.StackReference, name: string): PlatformStackOutputs {
    return new PlatformStackOutputs(name, (f) => ref.getOutput(f));
  }

  /** From plain values (tests, or a platform whose outputs are passed in directly). Secret fields become secrets. */
  static fromValues(values: Record<string, unknown>, source: string): PlatformStackOutputs {
    return new PlatformStackOutputs(source, (f) => {
      const v = pulumi.output(values[f]);
      return (SECRET_OUTPUTS as readonly string[]).includes(f) ? pulumi.secret(v) : v;
    });
  }

  /** One output, checked against the contract. */
  field<K extends ContractField>(field: K): pulumi.Output<PlatformContract[K]> {
    return pulumi
      .all([this.version, this.get(field)])
      .apply<PlatformContract[K]>(([, v]) => checkContractField(field, v, this.source));
  }
}
