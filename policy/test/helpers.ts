/**
 * Test helpers for the pack: build the arguments @pulumi/policy hands a policy and collect its violations.
 * (@pulumi/policy 1.21 exports no test helpers of its own; these mirror what its analyzer server passes.)
 */
import {
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

export const STACK = "prod-apne2";
export const urnOf = (type: string, name: string, stack = STACK) =>
  `urn:pulumi:${stack}::app::${type}::${name}`;

const opts = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

export interface Res {
  type: string;
  name: string;
  props: Record<string, unknown>;
  stack?: string;
}

export function resourceArgs(r: Res, config: object = {}): ResourceValidationArgs {
  return {
    type: r.type,
    name: r.name,
    urn: urnOf(r.type, r.name, r.stack),
    props: r.props,
    opts,
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string): never => {
      throw new Error(`not applicable: ${reason ?? ""}`);
    },
  };
}

/** Runs a resource policy on one resource; returns the violation messages. */
export async function runResourcePolicy(
  p: ResourceValidationPolicy,
  r: Res,
  config: object = {},
): Promise<string[]> {
  const out: string[] = [];
  const validations = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource!];
  for (const v of validations) await v(resourceArgs(r, config), (m) => out.push(m));
  return out;
}

/** `bucket` links: resources whose `bucket` input came from another resource (propertyDependencies). */
export function stackResources(rs: (Res & { bucketOf?: string })[]): PolicyResource[] {
  const built: PolicyResource[] = rs.map((r) => ({
    type: r.type,
    name: r.name,
    urn: urnOf(r.type, r.name, r.stack),
    props: r.props,
    opts,
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  }));
  rs.forEach((r, i) => {
    if (r.bucketOf) {
      const b = built.find((x) => x.name === r.bucketOf)!;
      built[i].propertyDependencies = { bucket: [b] };
      built[i].dependencies = [b];
    }
  });
  return built;
}

export async function runStackPolicy(
  p: StackValidationPolicy,
  resources: PolicyResource[],
  config: object = {},
): Promise<{ message: string; urn?: string }[]> {
  const out: { message: string; urn?: string }[] = [];
  const args: StackValidationArgs = {
    resources,
    stackTags: new Map(),
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string): never => {
      throw new Error(`not applicable: ${reason ?? ""}`);
    },
  };
  await p.validateStack(args, (message, urn) => out.push({ message, urn }));
  return out;
}
