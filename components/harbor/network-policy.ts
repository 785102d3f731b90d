/**
 * NetworkPolicies of the Harbor namespace (R3.8), as pure data. Policies are additive: a pod selected by
 * any policy only admits what one of them allows, so together they say:
 *
 * 1. every pod of the namespace admits traffic from pods of the same namespace (and nothing else by default);
 * 2. `ingress` exposure: core and portal admit the ingress controller's namespace on their HTTP(S) port;
 *    `loadBalancer` exposure: the chart's nginx admits any source on 8080/8443 (a LoadBalancer's traffic
 *    arrives from client or node addresses, which no namespace selector matches);
 * 3. metrics on: the metrics port (8001) of core, registry, jobservice and the exporter admits the
 *    Prometheus namespace (`metrics.prometheusNamespace`), or every namespace when none is named — the
 *    endpoints carry no secrets and only that port opens.
 *
 * Egress is not restricted: Harbor must reach S3, an external database, replication peers and (online)
 * the Trivy DB, whose addresses a NetworkPolicy cannot name reliably.
 */
import { ResolvedHarborArgs } from "./args";
import { harborFullname } from "./names";

/** Port of every Harbor metrics endpoint (the chart's `metrics.*.port` default, which we keep). */
export const HARBOR_METRICS_PORT = 8001;

export interface NetworkPolicyPort {
  protocol: "TCP";
  port: number;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: "In"; values: string[] }[];
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
}

export interface HarborNetworkPolicy {
  /** metadata.name */
  name: string;
  spec: {
    podSelector: LabelSelector;
    policyTypes: ["Ingress"];
    ingress: { from?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }[];
  };
}

const tcp = (...ports: number[]): NetworkPolicyPort[] => ports.map((port) => ({ protocol: "TCP", port }));

/** Pods of this release (the chart's `harbor.matchLabels`), optionally narrowed to some components. */
function releasePods(releaseName: string, components?: string[]): LabelSelector {
  return {
    matchLabels: { release: releaseName, app: "harbor" },
    ...(components ? { matchExpressions: [{ key: "component", operator: "In", values: components }] } : {}),
  };
}

const namespaceNamed = (ns: string): LabelSelector => ({
  matchLabels: { "kubernetes.io/metadata.name": ns },
});

/** The policies for these arguments; empty when `networkPolicy` is off. */
export function harborNetworkPolicies(r: ResolvedHarborArgs): HarborNetworkPolicy[] {
  if (!r.networkPolicy) return [];
  const f = harborFullname(r.releaseName);
  const httpPort = r.internalTLS ? 8443 : 8080;
  const policies: HarborNetworkPolicy[] = [
    {
      name: `${f}-same-namespace`,
      spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] },
    },
  ];
  if (r.expose === "ingress") {
    policies.push({
      name: `${f}-ingress-controller`,
      spec: {
        podSelector: releasePods(r.releaseName, ["core", "portal"]),
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [{ namespaceSelector: namespaceNamed(r.ingressControllerNamespace) }],
            ports: tcp(httpPort),
          },
        ],
      },
    });
  } else {
    policies.push({
      name: `${f}-load-balancer`,
      spec: {
        podSelector: releasePods(r.releaseName, ["nginx"]),
        policyTypes: ["Ingress"],
        ingress: [{ ports: tcp(8080, 8443) }],
      },
    });
  }
  if (r.metrics.enabled) {
    const ns = r.metrics.prometheusNamespace;
    policies.push({
      name: `${f}-metrics`,
      spec: {
        podSelector: releasePods(r.releaseName, ["core", "registry", "jobservice", "exporter"]),
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [{ namespaceSelector: ns === undefined ? {} : namespaceNamed(ns) }],
            ports: tcp(HARBOR_METRICS_PORT),
          },
        ],
      },
    });
  }
  return policies;
}

/** Pod Security Admission labels of the namespace: enforce the given level, warn and audit `restricted`. */
export function podSecurityLabels(level: "restricted" | "baseline"): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": level,
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/warn-version": "latest",
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/audit-version": "latest",
  };
}
