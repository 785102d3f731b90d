/**
 * Where workloads keep their pod spec, for the checks that walk pod templates: the live cluster's (e2e) and the
 * charts' as `helm template` renders them (test:real). The pod spec and containers are read as the Harbor
 * release's post-renderer reads them (`components/pod-spec.ts`).
 */
import * as pod from "../../../components/pod-spec";

type KObj = any;

/** The pod spec of a workload object of `kind` (a CronJob's one level deeper); undefined for other kinds. */
export const podSpecOf: (kind: string, o: KObj) => KObj = pod.podSpecOf;
/** Every container of a pod spec: init, regular and ephemeral. */
export const containersOf: (spec: KObj) => KObj[] = pod.containersOf;

/** The REST path of each pod-spec kind's namespaced list. */
const LIST_PATHS: Record<(typeof pod.POD_SPEC_KINDS)[number], (ns: string) => string> = {
  Deployment: (ns) => `/apis/apps/v1/namespaces/${ns}/deployments`,
  StatefulSet: (ns) => `/apis/apps/v1/namespaces/${ns}/statefulsets`,
  DaemonSet: (ns) => `/apis/apps/v1/namespaces/${ns}/daemonsets`,
  ReplicaSet: (ns) => `/apis/apps/v1/namespaces/${ns}/replicasets`,
  CronJob: (ns) => `/apis/batch/v1/namespaces/${ns}/cronjobs`,
  Job: (ns) => `/apis/batch/v1/namespaces/${ns}/jobs`,
  Pod: (ns) => `/api/v1/namespaces/${ns}/pods`,
};

/** The workload kinds whose objects hold a pod spec, with the REST path of their namespaced lists. */
export const WORKLOAD_KINDS: { kind: string; list: (ns: string) => string }[] = pod.POD_SPEC_KINDS.map(
  (kind) => ({
    kind,
    list: LIST_PATHS[kind],
  }),
);
