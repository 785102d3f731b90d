/**
 * The in-cluster restore drill (SPEC R5.6): a CronJob running the same drill as `npm run drill`, from an
 * image built from this repository, with the service account's token instead of a kubeconfig.
 */
import type * as k8sInput from "@pulumi/kubernetes/types/input";

/** The label (value `true`) the drill puts on its scratch namespace: the only namespaces it may delete. */
export const DRILL_LABEL = "registry-platform/drill";

/**
 * A ValidatingAdmissionPolicy: the drill's service account may delete only namespaces labelled
 * {@link DRILL_LABEL}`=true` (its scratch namespaces). Its ClusterRole must allow namespace deletes cluster-wide,
 * as the scratch namespace's name is only known at run time; without this policy the account could delete
 * Harbor's namespace and its PVCs. It cannot label an existing namespace (no update or patch on namespaces).
 */
export function drillNamespaceGuardSpec(account: {
  namespace: string;
  name: string;
}): k8sInput.admissionregistration.v1.ValidatingAdmissionPolicySpec {
  const label = JSON.stringify(DRILL_LABEL);
  return {
    failurePolicy: "Fail",
    matchConstraints: {
      resourceRules: [
        { apiGroups: [""], apiVersions: ["v1"], operations: ["DELETE"], resources: ["namespaces"] },
      ],
    },
    matchConditions: [
      {
        name: "restore-drill-account",
        expression: `request.userInfo.username == ${JSON.stringify(`system:serviceaccount:${account.namespace}:${account.name}`)}`,
      },
    ],
    validations: [
      {
        expression: `has(oldObject.metadata.labels) && ${label} in oldObject.metadata.labels && oldObject.metadata.labels[${label}] == "true"`,
        message: `the restore drill may delete only its scratch namespaces (label ${DRILL_LABEL}=true)`,
      },
    ],
  };
}

/**
 * What the drill does through the API server outside the Velero namespace, cluster-wide because the scratch
 * namespace's name is only known at run time: create/delete the scratch namespace, create a NetworkPolicy and
 * list pods in it, talk to the source and the restored Harbor through the service proxy, and read Harbor's
 * admin password Secret — by name, so no other Secret of the cluster is readable.
 */
export function drillClusterRules(adminSecretName: string): k8sInput.rbac.v1.PolicyRule[] {
  return [
    { apiGroups: [""], resources: ["namespaces"], verbs: ["get", "create", "delete"] },
    { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: ["create"] },
    { apiGroups: [""], resources: ["pods"], verbs: ["list"] },
    { apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: [adminSecretName] },
    { apiGroups: [""], resources: ["services/proxy"], verbs: ["get", "create"] },
  ];
}

/**
 * What the drill does in the Velero namespace only (a Role there): read backups, create/read/delete restores,
 * create/delete the ConfigMap of restore resource modifiers. Cluster-wide, a ConfigMap delete would reach every
 * namespace (kube-system, EKS's aws-auth).
 */
export const DRILL_VELERO_NAMESPACE_RULES: k8sInput.rbac.v1.PolicyRule[] = [
  { apiGroups: ["velero.io"], resources: ["backups"], verbs: ["get", "list"] },
  { apiGroups: ["velero.io"], resources: ["restores"], verbs: ["get", "list", "create", "delete"] },
  { apiGroups: [""], resources: ["configmaps"], verbs: ["create", "delete"] },
];

export interface DrillCronJobInputs {
  /** Image with the built drill (`dist/tools/drill/cli.js`), pinned by digest. */
  image: string;
  schedule: string;
  timezone: string;
  serviceAccountName: string;
  veleroNamespace: string;
  harborNamespace: string;
  /** Harbor's admin password Secret and key (the Harbor component's `harborAdminSecret()`), passed explicitly. */
  harborAdminSecret: { name: string; key: string };
}

/** The CronJob spec: one run at a time, never retried (a failed drill is a result, not a glitch). */
export function drillCronJobSpec(d: DrillCronJobInputs): k8sInput.batch.v1.CronJobSpec {
  return {
    schedule: d.schedule,
    timeZone: d.timezone,
    concurrencyPolicy: "Forbid",
    successfulJobsHistoryLimit: 4,
    failedJobsHistoryLimit: 4,
    jobTemplate: {
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: 3 * 3600,
        template: {
          metadata: { labels: { "app.kubernetes.io/name": "restore-drill" } },
          spec: {
            serviceAccountName: d.serviceAccountName,
            restartPolicy: "Never",
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 65532,
              seccompProfile: { type: "RuntimeDefault" },
            },
            containers: [
              {
                name: "drill",
                image: d.image,
                command: ["node", "dist/tools/drill/cli.js"],
                args: [
                  "--in-cluster",
                  "--velero-namespace",
                  d.veleroNamespace,
                  "--harbor-namespace",
                  d.harborNamespace,
                  "--admin-secret",
                  d.harborAdminSecret.name,
                  "--admin-secret-key",
                  d.harborAdminSecret.key,
                  "--json",
                ],
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ["ALL"] },
                },
                resources: { requests: { cpu: "50m", memory: "96Mi" }, limits: { memory: "256Mi" } },
              },
            ],
          },
        },
      },
    },
  };
}
