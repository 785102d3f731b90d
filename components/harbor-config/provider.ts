/**
 * The Harbor provider's implementation: what runs in the engine's dynamic-provider process for every Harbor
 * resource. It is NOT serialized into the stack state: the state holds only the small loader of
 * `./provider-loader.ts`, which finds this module in the installed package and requires it (see the README,
 * "How the provider code reaches the engine").
 *
 * Node built-ins only (through `./client` and `./crud`): it runs outside the program, without
 * `@pulumi/pulumi` loaded.
 */
import type * as pulumi from "@pulumi/pulumi";
import { HarborClient } from "./client";
import {
  auditForwardingCrud,
  BaseInputs,
  Crud,
  gcCrud,
  immutableRuleCrud,
  projectCrud,
  purgeAuditCrud,
  registryCrud,
  retentionCrud,
  robotCrud,
} from "./crud";
import { replicationPolicyCrud } from "../replication/harbor/policy";
import { flatView, isNested, nestLike, SPEC } from "./shape";
import { isLoaderText } from "./provider-loader";
import { systemRobotCrud } from "../replication/harbor/system-robot";

/** The CRUD implementation of every kind, keyed by the `kind` input. */
export const harborCruds: Readonly<Record<string, Crud<BaseInputs, BaseInputs>>> = {
  [projectCrud.kind]: projectCrud,
  [robotCrud.kind]: robotCrud,
  [immutableRuleCrud.kind]: immutableRuleCrud,
  [retentionCrud.kind]: retentionCrud,
  [gcCrud.kind]: gcCrud,
  [purgeAuditCrud.kind]: purgeAuditCrud,
  [auditForwardingCrud.kind]: auditForwardingCrud,
  [registryCrud.kind]: registryCrud,
  // Geo-replication (components/replication/harbor): served by the same provider.
  [systemRobotCrud.kind]: systemRobotCrud,
  [replicationPolicyCrud.kind]: replicationPolicyCrud,
};

function crudOf(kind: string): Crud<BaseInputs, BaseInputs> {
  const crud = harborCruds[kind];
  if (!crud) throw new Error(`unknown Harbor resource kind ${JSON.stringify(kind)}`);
  return crud;
}

/** Routes each call to the CRUD implementation of the resource's `kind`. */
export const kindDispatcher: Crud<BaseInputs, BaseInputs> = {
  kind: "harbor:*",
  diff: (olds, news) => crudOf(news.kind).diff(olds, news),
  create: (client, inputs) => crudOf(inputs.kind).create(client, inputs),
  read: (client, id, props) => crudOf(props.kind).read(client, id, props),
  update: (client, id, olds, news) => crudOf(news.kind).update(client, id, olds, news),
  delete: (client, id, props) => crudOf(props.kind).delete(client, id, props),
};

/** Input the engine stores next to a dynamic resource's inputs: the serialized provider text. */
const PROVIDER_KEY = "__provider";

/**
 * `v` without `undefined` members (deep). The engine's dynamic-provider host sends results as protobuf
 * Structs, which refuse `undefined` ("Unexpected struct type"): an absent field must be left out.
 */
export function withoutUndefined<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x: unknown) => withoutUndefined(x)) as T;
  if (v === null || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x !== undefined) out[k] = withoutUndefined(x);
  }
  return out as T;
}

/**
 * A dynamic provider around a CRUD implementation, one fresh {@link HarborClient} per operation (one total
 * time bound). `diff` never calls Harbor; neither does an update that only changes the connection or the
 * provider text.
 *
 * `diff` also reports a change when the stored provider text differs from the new one: the update then
 * stores the new text. This is how a stack whose state still carries an older, larger provider text (the
 * whole client, before the loader) sheds it on the next `pulumi up`; the update sends only what differs.
 */
export function dynamicProvider<I extends BaseInputs, O extends I>(
  crud: Crud<I, O>,
): pulumi.dynamic.ResourceProvider {
  return {
    diff: (_id: string, olds: O, news: I) => {
      const result = crud.diff(flatView(olds), flatView(news));
      const before = (olds as unknown as Record<string, unknown>)[PROVIDER_KEY];
      const after = (news as unknown as Record<string, unknown>)[PROVIDER_KEY];
      // A new loader text is no change (provider-loader.ts); shedding a serialized provider is one.
      const providerChanged =
        typeof before === "string" && typeof after === "string" && before !== after && !isLoaderText(before);
      return Promise.resolve({
        ...result,
        // The engine's property keys: a replaced input is inside `spec`.
        replaces: replacedKeys(result.replaces, news),
        changes: result.changes || providerChanged,
      });
    },
    create: async (inputs: I) => {
      const flat = flatView(inputs);
      const { id, outs } = await crud.create(new HarborClient(flat.connection), flat);
      return { id, outs: withoutUndefined(nestLike(outs, inputs)) };
    },
    read: async (id: string, props: O) => {
      const flat = flatView(props);
      const r = await crud.read(new HarborClient(flat.connection), id, flat);
      return r.props === undefined ? r : { ...r, props: withoutUndefined(nestLike(r.props, props)) };
    },
    update: async (id: string, olds: O, news: I) => {
      const flat = flatView(news);
      const flatOlds = flatView(olds);
      // Only the connection or the provider text changed (a password or CA rotation, an upgrade): store them,
      // keep the outputs, and send Harbor nothing; a kind whose update is a full PUT would re-send its settings.
      if (!crud.diff({ ...flatOlds, connection: flat.connection }, flat).changes)
        return { outs: withoutUndefined(nestLike({ ...flatOlds, ...flat }, news)) };
      const { outs } = await crud.update(new HarborClient(flat.connection), id, flatOlds, flat);
      return { outs: withoutUndefined(nestLike(outs, news)) };
    },
    delete: (id: string, props: O) => {
      const flat = flatView(props);
      return crud.delete(new HarborClient(flat.connection), id, flat);
    },
  };
}

/** `replaces` (input names) as the engine's top-level property keys: `spec` for an input inside it. */
function replacedKeys(replaces: string[], news: unknown): string[] {
  const n = news as Record<string, unknown>;
  if (!isNested(n)) return replaces;
  const spec = n[SPEC] as Record<string, unknown>;
  return [...new Set(replaces.map((k) => (k in spec ? SPEC : k)))];
}

/** The provider of every Harbor resource kind (dispatch on `kind`). */
export const harborProviderImpl: pulumi.dynamic.ResourceProvider = dynamicProvider(kindDispatcher);
