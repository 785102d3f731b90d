/**
 * The Prometheus Operator's two kinds the production stacks create (`ServiceMonitor` from Harbor's and Velero's
 * charts, `PrometheusRule` from Velero's), as stand-in CustomResourceDefinitions on the e2e API server: group,
 * version, kind, plural and scope as the operator defines them (monitoring.coreos.com/v1, namespaced), and a schema
 * that keeps every field without checking it. A real cluster has the operator's CRDs, whose schemas also check
 * the objects' fields; here the API server checks the kinds exist where the charts put them, as it would refuse
 * them without the CRDs ("no matches for kind").
 */
import { KubeApi, kubeJson } from "../../../tools/drill/kube";

const GROUP = "monitoring.coreos.com";

/** Config keys that make a stack create these kinds (a `true` at any of them). */
export const MONITORING_KEYS = [
  ["harbor", "metrics", "serviceMonitor"],
  ["velero", "serviceMonitor"],
  ["velero", "prometheusRule"],
] as const;

/** Whether the stack config (keys without the project namespace) turns on any of {@link MONITORING_KEYS}. */
export function needsMonitoringCrds(config: (key: string) => unknown): boolean {
  return MONITORING_KEYS.some(([section, ...rest]) => {
    let v: unknown = config(section);
    for (const k of rest) v = v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined;
    return v === true;
  });
}

/** The stand-in CRD of one kind. */
export function monitoringCrd(kind: "ServiceMonitor" | "PrometheusRule"): Record<string, unknown> {
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.${GROUP}`, labels: { "registry-platform/e2e": "stand-in" } },
    spec: {
      group: GROUP,
      scope: "Namespaced",
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: { spec: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
            },
          },
        },
      ],
    },
  };
}

/** Creates both CRDs (kept when they exist) and waits until the API server serves them. */
export async function installMonitoringCrds(api: KubeApi, timeoutMs = 30_000): Promise<string[]> {
  const names: string[] = [];
  for (const kind of ["ServiceMonitor", "PrometheusRule"] as const) {
    const crd = monitoringCrd(kind);
    const name = (crd.metadata as { name: string }).name;
    const r = await api.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {
      body: crd,
    });
    if (r.status !== 201 && r.status !== 409)
      throw new Error(`creating CRD ${name}: HTTP ${r.status}: ${r.body.slice(0, 300)}`);
    names.push(name);
  }
  const deadline = Date.now() + timeoutMs;
  for (const name of names) {
    for (;;) {
      const crd = await kubeJson<{ status?: { conditions?: { type: string; status: string }[] } }>(
        api,
        "GET",
        `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`,
      );
      if (crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} not established after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return names;
}
