/**
 * A stand-in for the cluster's ingress controller, on 127.0.0.1:443 (loopback-dns.js sends the stacks'
 * *.example.internal / *.corp.internal hosts there). Like a real controller it serves, per SNI host, the
 * certificate of the `tls` Secret that the live Ingress for that host names, read from the API server at
 * handshake time — so Harbor API calls succeed only if the certificate Pulumi put into the cluster chains to
 * the CA bundle the program hands its Harbor client, for that host. Requests go to a fake Harbor per host
 * (the unit suite's FakeHarbor, plain HTTP on loopback) whose admin password is the one Harbor core would
 * take on first start: the HARBOR_ADMIN_PASSWORD env of the Deployment in the Ingress's namespace.
 */
import * as http from "http";
import * as https from "https";
import type { Socket } from "net";
import * as tls from "tls";
import { FakeHarbor } from "../../harbor-config/support/fake-harbor";
import { ReplicationFake } from "../../replication/support/fake-replication";
import { harborAdminPassword, Kube, KObj } from "./cluster";

interface Route {
  /** The API server holding the Ingress. */
  kube: Kube;
  namespace: string;
  ingress: string;
  secretName: string;
}

export class IngressStandIn {
  private server?: https.Server;
  private readonly sockets = new Set<Socket>();
  private readonly harbors = new Map<string, FakeHarbor>();
  private readonly replications = new Map<string, ReplicationFake>();
  private readonly starting = new Map<string, Promise<FakeHarbor>>();
  /** Handshake and proxy problems, for the report (never secret values). */
  readonly events: string[] = [];
  /**
   * Answers a request itself instead of the fake Harbor when it returns true (e.g. the OCI `/v2/` API and
   * `/service/token`, which Harbor core serves next to its REST API).
   */
  intercept?: (host: string, req: http.IncomingMessage, res: http.ServerResponse) => boolean;

  /** The API servers whose Ingresses it serves (a second one: {@link addCluster}). */
  private readonly kubes: Kube[];

  constructor(
    kube: Kube,
    private readonly port = 443,
    /** Loopback address to listen on; another 127.x address lets two runs use port 443 side by side. */
    readonly address = "127.0.0.1",
  ) {
    this.kubes = [kube];
  }

  /** Also serves the hosts of the Ingresses on another API server (a stack deployed to a second cluster). */
  addCluster(kube: Kube): void {
    this.kubes.push(kube);
  }

  async start(): Promise<void> {
    this.server = https.createServer(
      {
        SNICallback: (servername, cb) => {
          this.contextFor(servername).then(
            (ctx) => cb(null, ctx),
            (e: Error) => {
              this.events.push(`TLS ${servername}: ${e.message}`);
              cb(e);
            },
          );
        },
      },
      (req, res) => void this.proxy(req, res),
    );
    this.server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    this.server.on("tlsClientError", () => undefined);
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", (e: NodeJS.ErrnoException) =>
        reject(
          new Error(
            e.code === "EADDRINUSE"
              ? `${this.address}:${this.port} is in use: the ingress stand-in needs it (the stacks' Harbor URLs have no port); stop whatever listens there (ss -ltnp 'sport = :${this.port}')`
              : `cannot listen on ${this.address}:${this.port}: ${e.message}`,
          ),
        ),
      );
      this.server!.listen(this.port, this.address, () => resolve());
    });
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    for (const h of this.harbors.values()) await h.stop();
    this.harbors.clear();
    this.starting.clear();
  }

  /** The fake Harbor behind `host` (created on its first request). */
  harbor(host: string): FakeHarbor | undefined {
    return this.harbors.get(host);
  }

  /** The replication routes (system robots, replication policies) of the fake Harbor behind `host`. */
  replication(host: string): ReplicationFake | undefined {
    return this.replications.get(host);
  }

  /** Forgets the fake Harbor of `host` (a new stack deploys a new Harbor). */
  async reset(host: string): Promise<void> {
    const h = this.harbors.get(host);
    this.harbors.delete(host);
    this.replications.delete(host);
    this.starting.delete(host);
    if (h) await h.stop();
  }

  private async route(host: string): Promise<Route> {
    for (const kube of this.kubes) {
      const r = await this.routeOn(kube, host);
      if (r) return r;
    }
    throw new Error(
      `no Ingress on the API server${this.kubes.length > 1 ? "s" : ""} has a rule for host ${host}`,
    );
  }

  private async routeOn(kube: Kube, host: string): Promise<Route | undefined> {
    const items = await kube.list("/apis/networking.k8s.io/v1/ingresses");
    for (const ing of items) {
      const hosts = ((ing.spec?.rules ?? []) as KObj[]).map((r) => r.host as string);
      if (!hosts.includes(host)) continue;
      const t = ((ing.spec?.tls ?? []) as KObj[]).find((x) => ((x.hosts ?? []) as string[]).includes(host));
      if (!t?.secretName)
        throw new Error(
          `Ingress ${ing.metadata.namespace}/${ing.metadata.name} has no tls entry for ${host}`,
        );
      return {
        kube,
        namespace: ing.metadata.namespace,
        ingress: ing.metadata.name,
        secretName: t.secretName,
      };
    }
    return undefined;
  }

  private async contextFor(host: string): Promise<tls.SecureContext> {
    const r = await this.route(host);
    const s = await r.kube.secret(r.namespace, r.secretName);
    if (!s)
      throw new Error(`Secret ${r.namespace}/${r.secretName} (named by Ingress ${r.ingress}) does not exist`);
    if (!s["tls.crt"] || !s["tls.key"])
      throw new Error(`Secret ${r.namespace}/${r.secretName} lacks tls.crt or tls.key`);
    return tls.createSecureContext({ cert: s["tls.crt"], key: s["tls.key"] });
  }

  /**
   * One fake Harbor per host. The promise is memoized before the first await: concurrent first requests for a
   * host (the provider creates several objects at once) must reach the same backend, or a create lands in one
   * instance and its read-back in another.
   */
  private backend(host: string): Promise<FakeHarbor> {
    const have = this.starting.get(host);
    if (have) return have;
    const p = (async () => {
      const r = await this.route(host);
      const h = new FakeHarbor();
      // As real Harbor: system-level robots and replication policies too (a replica's replication robot).
      this.replications.set(host, new ReplicationFake(h));
      // Harbor sets the admin password from the env once, when its database is initialised.
      h.password = await harborAdminPassword(r.kube, r.namespace);
      await h.start();
      this.harbors.set(host, h);
      return h;
    })();
    this.starting.set(host, p);
    p.catch(() => this.starting.delete(host)); // a host whose Ingress is not there yet is retried next time
    return p;
  }

  private async proxy(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const host = (req.socket as tls.TLSSocket).servername || (req.headers.host ?? "").replace(/:\d+$/, "");
    if (this.intercept?.(host, req, res)) return;
    let target: URL;
    try {
      target = new URL((await this.backend(host)).url);
    } catch (e) {
      this.events.push(`proxy ${host}: ${(e as Error).message}`);
      res.writeHead(503, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ errors: [{ code: "SERVICE_UNAVAILABLE", message: (e as Error).message }] }));
      return;
    }
    const up = http.request(
      {
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, "x-forwarded-proto": "https" },
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on("error", (e) => {
      this.events.push(`proxy ${host}: ${e.message}`);
      res.destroy();
    });
    req.pipe(up);
  }
}
