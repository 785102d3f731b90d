/**
 * Routing for extra host names (e.g. the stack's `tls.extraSans`): the chart's ingress takes one host
 * (`expose.ingress.hosts.core`), so the Harbor component adds an Ingress of its own for the others, with
 * the chart's paths, backends, annotations and TLS secret (harbor-helm 1.19.1, templates/ingress/ingress.yaml,
 * controller `default`). Pure: the component registers what this returns.
 */
import type * as k8sInput from "@pulumi/kubernetes/types/input";
import * as pulumi from "@pulumi/pulumi";
import { ResolvedHarborArgs } from "./args";
import { harborFullname, harborServiceNames } from "./names";

/** Annotations of the chart's ingress (its defaults plus ours), for the extra hosts' Ingress. */
export function ingressAnnotations(r: Pick<ResolvedHarborArgs, "internalTLS">): Record<string, string> {
  return {
    "ingress.kubernetes.io/ssl-redirect": "true",
    "ingress.kubernetes.io/proxy-body-size": "0",
    "nginx.ingress.kubernetes.io/ssl-redirect": "true",
    "nginx.ingress.kubernetes.io/proxy-body-size": "0",
    ...(r.internalTLS ? { "nginx.ingress.kubernetes.io/backend-protocol": "HTTPS" } : {}),
  };
}

/** Name of the extra hosts' Ingress: `<fullname>-ingress-extra-hosts` (the chart's own is `<fullname>-ingress`). */
export function extraHostsIngressName(releaseName: string): string {
  return `${harborFullname(releaseName)}-ingress-extra-hosts`;
}

/**
 * The Ingress for `r.extraHosts`, or `undefined` when there are none or Harbor is not exposed by ingress
 * (the chart's nginx behind a LoadBalancer answers for any name the DNS points at it).
 */
export function extraHostsIngress(
  r: ResolvedHarborArgs,
  namespace: pulumi.Input<string>,
  tlsSecretName: pulumi.Input<string>,
): { metadata: k8sInput.meta.v1.ObjectMeta; spec: k8sInput.networking.v1.IngressSpec } | undefined {
  if (r.expose !== "ingress" || r.extraHosts.length === 0) return undefined;
  const svc = harborServiceNames(r.releaseName);
  const port = r.internalTLS ? 443 : 80;
  const to = (name: string) => ({ service: { name, port: { number: port } } });
  const paths = [
    ...["/api/", "/service/", "/v2/", "/c/"].map((path) => ({
      path,
      pathType: "Prefix",
      backend: to(svc.core),
    })),
    { path: "/", pathType: "Prefix", backend: to(svc.portal) },
  ];
  return {
    metadata: {
      name: extraHostsIngressName(r.releaseName),
      namespace,
      labels: { "app.kubernetes.io/part-of": "registry-platform" },
      // Not awaited, like the chart's Ingress for the main host: Pulumi's Ingress await waits for the controller to
      // publish an address and for the backends' endpoints, and an `up` hung 10 minutes on it (seen on the real
      // engine, prod-apne1's extra host) where the controller publishes none or Harbor is not ready yet.
      annotations: { ...ingressAnnotations(r), "pulumi.com/skipAwait": "true" },
    },
    spec: {
      ingressClassName: r.ingressClass,
      tls: [{ secretName: tlsSecretName, hosts: [...r.extraHosts] }],
      rules: r.extraHosts.map((host) => ({ host, http: { paths } })),
    },
  };
}
