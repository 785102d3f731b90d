/**
 * Where Kubernetes workload objects keep their pod spec, read from plain objects (rendered manifests, live API
 * objects): the Harbor release's post-renderer rewires containers with it, and the tests that walk pod templates
 * (`test/e2e/support/pod-specs.ts`) read them with it.
 */

/** A plain object of a manifest. */
export type Obj = Record<string, unknown>;
/** Whether `v` is a plain object (not an array, not null). */
export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
/** The plain objects of a list field (`env`, `volumes`, …); none when it is not a list. */
export const objectsIn = (v: unknown): Obj[] => (Array.isArray(v) ? (v as unknown[]).filter(isObj) : []);

/** The kinds whose objects hold a pod spec. */
export const POD_SPEC_KINDS = [
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "CronJob",
  "Job",
  "Pod",
] as const;

/** The pod spec of a workload object of `kind` (a CronJob's one level deeper); undefined for other kinds. */
export function podSpecOf(kind: unknown, o: unknown): Obj | undefined {
  if (!isObj(o) || !isObj(o.spec)) return undefined;
  let spec: unknown;
  if (kind === "Pod") spec = o.spec;
  else if (kind === "CronJob") {
    const jt = o.spec.jobTemplate;
    const t = isObj(jt) && isObj(jt.spec) ? jt.spec.template : undefined;
    spec = isObj(t) ? t.spec : undefined;
  } else if ((POD_SPEC_KINDS as readonly unknown[]).includes(kind)) {
    const t = o.spec.template;
    spec = isObj(t) ? t.spec : undefined;
  }
  return isObj(spec) ? spec : undefined;
}

/** Every container of a pod spec: init, regular and ephemeral. */
export function containersOf(spec: unknown): Obj[] {
  if (!isObj(spec)) return [];
  return ["initContainers", "containers", "ephemeralContainers"].flatMap((k) => objectsIn(spec[k]));
}
