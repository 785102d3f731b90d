/**
 * Where workloads keep their pod spec, for the checks that walk pod templates: the live cluster's (e2e) and the
 * charts' as `helm template` renders them (test:real).
 */
type KObj = any;

/** The workload kinds whose objects hold a pod spec, with the REST path of their namespaced lists. */
export const WORKLOAD_KINDS: { kind: string; list: (ns: string) => string }[] = [
  { kind: "Deployment", list: (ns) => `/apis/apps/v1/namespaces/${ns}/deployments` },
  { kind: "StatefulSet", list: (ns) => `/apis/apps/v1/namespaces/${ns}/statefulsets` },
  { kind: "DaemonSet", list: (ns) => `/apis/apps/v1/namespaces/${ns}/daemonsets` },
  { kind: "ReplicaSet", list: (ns) => `/apis/apps/v1/namespaces/${ns}/replicasets` },
  { kind: "CronJob", list: (ns) => `/apis/batch/v1/namespaces/${ns}/cronjobs` },
  { kind: "Job", list: (ns) => `/apis/batch/v1/namespaces/${ns}/jobs` },
  { kind: "Pod", list: (ns) => `/api/v1/namespaces/${ns}/pods` },
];

/** The pod spec of a workload object of `kind` (a CronJob's one level deeper); undefined for other kinds. */
export function podSpecOf(kind: string, o: KObj): KObj {
  if (kind === "Pod") return o?.spec;
  if (kind === "CronJob") return o?.spec?.jobTemplate?.spec?.template?.spec;
  return WORKLOAD_KINDS.some((w) => w.kind === kind) ? o?.spec?.template?.spec : undefined;
}

/** Every container of a pod spec: init, regular and ephemeral. */
export function containersOf(spec: KObj): KObj[] {
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])];
}
