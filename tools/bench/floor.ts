/**
 * The bench's `floor` variant: the resources a synth of the stack recorded (`resources.json`: type, name, parent,
 * inputs), registered again on the same mock engine without any of the platform's code — no config parser, no
 * components' logic, no applies. What is left is what the SDK and the mock engine cost for that set of resources;
 * floor / baseline estimates what platform / baseline would be if the platform's own code cost nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import { suspendPromiseStacks } from "../../components/promise-stacks";
import type { ResourceDoc } from "../synth/render";
import { surfaceClass } from "./surface";

/** What the replay reads of an entry of a synth's `resources.json` (the provider as its URN, without `::id`). */
export type RecordedResource = Pick<ResourceDoc, "urn" | "type" | "name" | "parent" | "provider" | "inputs">;

type ResourceClass = new (name: string, args: object, opts?: pulumi.CustomResourceOptions) => pulumi.Resource;

/** A registration of a type the surface has no class for (a dynamic resource, a Kubernetes custom resource). */
class Generic extends pulumi.CustomResource {
  constructor(type: string, name: string, args: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(type, name, args, opts);
  }
}

/** A component of the recorded type, with no logic of its own. */
class Component extends pulumi.ComponentResource {
  constructor(type: string, name: string, opts?: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
  }
}

/**
 * Registers `recorded` again: each resource under its recorded parent (a component of the same type) and with its
 * recorded provider, with its recorded inputs (secrets as the synth redacted them), by its SDK class where the
 * surface has one. Caps the SDK's per-promise stack traces for the rest of the run, as the platform's program does
 * (components/promise-stacks.ts; the mock engine restores the limit after the run). Returns the number of resources
 * registered.
 */
export function replay(recorded: RecordedResource[]): number {
  suspendPromiseStacks();
  const byUrn = new Map(recorded.map((r) => [r.urn, r]));
  const made = new Map<string, pulumi.Resource>();
  const make = (r: RecordedResource): pulumi.Resource => {
    const done = made.get(r.urn);
    if (done) return done;
    const parentRecord = r.parent ? byUrn.get(r.parent) : undefined;
    const providerRecord = r.provider ? byUrn.get(r.provider) : undefined;
    const opts = {
      ...(parentRecord ? { parent: make(parentRecord) } : {}),
      ...(providerRecord ? { provider: make(providerRecord) as pulumi.ProviderResource } : {}),
    };
    const inputs = (r.inputs ?? {}) as Record<string, unknown>;
    let res: pulumi.Resource;
    if (r.type.startsWith("registry-platform:")) res = new Component(r.type, r.name, opts);
    else if (r.type === "pulumi:pulumi:StackReference")
      res = new pulumi.StackReference(r.name, { name: String(inputs.name) }, opts);
    else {
      const cls = surfaceClass(r.type) as ResourceClass | undefined;
      res = cls ? new cls(r.name, inputs, opts) : new Generic(r.type, r.name, inputs, opts);
    }
    made.set(r.urn, res);
    return res;
  };
  for (const r of recorded) make(r);
  return made.size;
}
