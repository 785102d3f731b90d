/**
 * `tls.extraSans` names are on the certificate and must also be routed (issue 9.14): the chart's ingress
 * takes one host (`expose.ingress.hosts.core`), so the Harbor component adds an Ingress of its own for the
 * extra hosts with the chart's paths, backends and TLS secret.
 */
import * as assert from "assert";
import { Harbor, HarborArgsError, resolveHarborArgs } from "../../components/harbor";
import { Recorded, runComponent, stackRun } from "../harness";
import { profileArgs } from "./profiles";

const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";

const paths = (svc: { core: string; portal: string }, port: number) => [
  { path: "/api/", pathType: "Prefix", backend: { service: { name: svc.core, port: { number: port } } } },
  { path: "/service/", pathType: "Prefix", backend: { service: { name: svc.core, port: { number: port } } } },
  { path: "/v2/", pathType: "Prefix", backend: { service: { name: svc.core, port: { number: port } } } },
  { path: "/c/", pathType: "Prefix", backend: { service: { name: svc.core, port: { number: port } } } },
  { path: "/", pathType: "Prefix", backend: { service: { name: svc.portal, port: { number: port } } } },
];

describe("harbor: tls.extraSans are routed by an Ingress for the extra hosts", function () {
  this.timeout(60_000);

  it("prod-apne2 routes registry.example.com like the main host, with the same certificate", async () => {
    const rec: Recorded = await stackRun("prod-apne2");
    const r = rec.one(INGRESS);
    assert.strictEqual(r.name, "registry-harbor-extra-hosts-ingress");
    assert.strictEqual(rec.parentOf(r)?.type, "registry-platform:harbor:Harbor");
    assert.strictEqual(
      rec.providerOf(r)?.name,
      rec.providerOf(rec.one("kubernetes:helm.sh/v3:Release", "registry-harbor-release"))?.name,
    );
    const i = rec.inputs(r);
    assert.strictEqual(i.metadata.name, "harbor-ingress-extra-hosts");
    assert.strictEqual(i.metadata.namespace, "harbor");
    assert.strictEqual(i.metadata.annotations["nginx.ingress.kubernetes.io/proxy-body-size"], "0");
    assert.strictEqual(i.metadata.annotations["nginx.ingress.kubernetes.io/ssl-redirect"], "true");
    // Not awaited (the chart's own Ingress is not either): no `up` waits for a load balancer address.
    assert.strictEqual(i.metadata.annotations["pulumi.com/skipAwait"], "true");
    assert.strictEqual(i.spec.ingressClassName, "nginx");
    assert.deepStrictEqual(i.spec.tls, [{ secretName: "harbor-tls", hosts: ["registry.example.com"] }]);
    assert.deepStrictEqual(i.spec.rules, [
      {
        host: "registry.example.com",
        http: { paths: paths({ core: "harbor-core", portal: "harbor-portal" }, 80) },
      },
    ]);
  });

  it("dev has no extra SANs and no extra Ingress", async () => {
    const rec = await stackRun("dev");
    assert.deepStrictEqual(rec.byType(INGRESS), []);
  });

  it("internal TLS: HTTPS backends on 443; cert-manager's secret when the certificate comes from it", async () => {
    const rec = await runComponent(() => {
      const a = profileArgs("dev");
      new Harbor("harbor", {
        ...a,
        internalTLS: true,
        extraHosts: ["alias.example.internal", "other.example.internal"],
        tls: { kind: "existing-secret", secretName: "registry-tls" },
      });
    });
    const i = rec.inputs(rec.one(INGRESS));
    assert.strictEqual(i.metadata.annotations["nginx.ingress.kubernetes.io/backend-protocol"], "HTTPS");
    assert.deepStrictEqual(i.spec.tls, [
      { secretName: "registry-tls", hosts: ["alias.example.internal", "other.example.internal"] },
    ]);
    assert.deepStrictEqual(
      i.spec.rules.map((x: { host: string }) => x.host),
      ["alias.example.internal", "other.example.internal"],
    );
    assert.deepStrictEqual(
      i.spec.rules[0].http.paths,
      paths({ core: "harbor-core", portal: "harbor-portal" }, 443),
    );
  });

  it("expose loadBalancer: no Ingress (the chart's nginx answers for any name the DNS points at it)", async () => {
    const rec = await runComponent(() => {
      new Harbor("harbor", {
        ...profileArgs("dev"),
        expose: "loadBalancer",
        extraHosts: ["alias.example.internal"],
      });
    });
    assert.deepStrictEqual(rec.byType(INGRESS), []);
  });

  it("extra hosts must be DNS names other than host, each once", () => {
    assert.throws(
      () =>
        resolveHarborArgs("harbor", {
          ...profileArgs("dev"),
          extraHosts: ["Bad_Name", "registry.dev.example.internal", "a.example", "a.example"],
        }),
      (e: unknown) => {
        assert.ok(e instanceof HarborArgsError);
        assert.deepStrictEqual(e.problems, [
          'extraHosts[0]: found "Bad_Name"; allowed: a lowercase DNS name',
          'extraHosts[1]: found "registry.dev.example.internal"; allowed: names other than host',
          'extraHosts[3]: found "a.example"; allowed: each name once',
        ]);
        return true;
      },
    );
  });
});
