/**
 * The Kubernetes side of the end-to-end run: a private kube-apiserver + etcd (the shared start.sh with a
 * run directory and ports of our own, so a run never touches another instance), the shared stand-in
 * controllers, and a small API client for the checks.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { HttpKube, KubeApi, kubeJson } from "../../../tools/drill/kube";
import { failure, run } from "./proc";
import { Settings } from "./settings";

/** True when nothing listens on 127.0.0.1:`port`. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

/** A free port p (with p+1 free too when `pair`) in 20000-39999. */
async function freePort(pair = false): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const p = 20000 + Math.floor(Math.random() * 19998);
    if ((await portFree(p)) && (!pair || (await portFree(p + 1)))) return p;
  }
  throw new Error("no free loopback port found");
}

export interface PrivateCluster {
  kubeconfig: string;
  runDir: string;
  stop(): Promise<void>;
}

/** Starts etcd + kube-apiserver with the shared start.sh in `dir`; ~10-40 s. */
export async function startPrivateCluster(s: Settings, dir: string): Promise<PrivateCluster> {
  const runDir = path.join(dir, "k8s-run");
  const env = {
    ...process.env,
    RUN: runDir,
    BIN: s.k8sBin,
    ETCD_PORT: String(await freePort(true)),
    APISERVER_PORT: String(await freePort()),
  };
  const stop = async () => {
    await run("bash", [path.join(s.toolsDir!, "real-k8s", "stop.sh")], { env });
  };
  const r = await run("bash", [path.join(s.toolsDir!, "real-k8s", "start.sh"), "etcd", "apiserver"], {
    env,
    timeoutMs: 300_000,
  });
  if (r.code !== 0) {
    await stop();
    throw new Error(`could not start the private kube-apiserver: ${failure(r)}`);
  }
  return { kubeconfig: path.join(runDir, "kubeconfig"), runDir, stop };
}

/** The shared stand-in controllers (hook Jobs, foreground deletion, DaemonSet status, namespace finalize). */
export class StandinControllers {
  private proc?: ChildProcess;

  constructor(
    private readonly script: string,
    private readonly kubeconfig: string,
    private readonly logFile: string,
  ) {}

  start(): void {
    const fd = fs.openSync(this.logFile, "a");
    // Own process group, so that stop() ends the script and the kubectl/jq it is running, and nothing else.
    this.proc = spawn("bash", [this.script], {
      detached: true,
      env: { ...process.env, KUBECONFIG: this.kubeconfig },
      stdio: ["ignore", fd, fd],
    });
    fs.closeSync(fd);
  }

  stop(): void {
    const pid = this.proc?.pid;
    if (pid === undefined || this.proc?.exitCode !== null) return;
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      /* already gone */
    }
    this.proc = undefined;
  }
}

/**
 * The kinds `standin-controllers.sh` (../shared/tools/e2e-helpers) frees from `foregroundDeletion`, as its
 * `kubectl get` lists them (plural.group).
 */
export const SHARED_FOREGROUND_KINDS = [
  "secrets",
  "configmaps",
  "serviceaccounts",
  "daemonsets.apps",
  "deployments.apps",
  "cronjobs.batch",
  "networkpolicies.networking.k8s.io",
  "clusterroles.rbac.authorization.k8s.io",
  "clusterrolebindings.rbac.authorization.k8s.io",
  "namespaces",
];

/**
 * Kinds the program creates that the shared stand-in script does not free from `foregroundDeletion` (it lists the
 * kinds of its own project): without a garbage collector, their deletes wait until pulumi-kubernetes gives up.
 * Seen: with the Kyverno chart in E2E_CHARTS_DIR, `pulumi destroy` of dev stalled on the three ClusterPolicies.
 */
export const EXTRA_FOREGROUND_KINDS = [
  "/apis/kyverno.io/v1/clusterpolicies",
  "/apis/networking.k8s.io/v1/ingresses",
  "/apis/rbac.authorization.k8s.io/v1/roles",
  "/apis/rbac.authorization.k8s.io/v1/rolebindings",
  "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies",
  "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings",
];

/** The merge patch that drops `foregroundDeletion` from an object being deleted, or undefined when none is due. */
export function foregroundRelease(o: KObj): { metadata: { finalizers: string[] } } | undefined {
  const finalizers = (o?.metadata?.finalizers ?? []) as string[];
  if (!o?.metadata?.deletionTimestamp || !finalizers.includes("foregroundDeletion")) return undefined;
  return { metadata: { finalizers: finalizers.filter((f) => f !== "foregroundDeletion") } };
}

/** The REST path of one object listed from a cluster-wide `list` path (namespaced kinds get their namespace). */
export function objectPath(list: string, o: KObj): string {
  const ns = o.metadata?.namespace ? `/namespaces/${o.metadata.namespace as string}` : "";
  return `${list.replace(/\/([^/]+)$/, `${ns}/$1`)}/${o.metadata.name as string}`;
}

/**
 * Does for {@link EXTRA_FOREGROUND_KINDS} what the garbage collector does for an object without dependents: once
 * it is being deleted in the foreground, removes the `foregroundDeletion` finalizer. Polls every second.
 */
export class ForegroundFinalizer {
  private timer?: NodeJS.Timeout;
  readonly released: string[] = [];

  constructor(private readonly kube: Kube) {}

  start(): void {
    const sweep = async (p: string) => {
      const r = await this.kube.api.request("GET", p);
      if (r.status !== 200) return; // kind not served (CRD absent)
      for (const o of (JSON.parse(r.body) as { items?: KObj[] }).items ?? []) {
        const patch = foregroundRelease(o);
        if (!patch) continue;
        const res = await this.kube.api.request("PATCH", objectPath(p, o), {
          body: JSON.stringify(patch),
          headers: { "Content-Type": "application/merge-patch+json" },
        });
        // List items carry no kind: the list path names it.
        if (res.status >= 200 && res.status < 300)
          this.released.push(`${p.split("/").pop()} ${o.metadata.name as string}`);
      }
    };
    const tick = async () => {
      // The API server may be gone (clean-up) or busy: the next tick tries again.
      for (const p of EXTRA_FOREGROUND_KINDS) await sweep(p).catch(() => undefined);
      if (this.timer) this.timer = setTimeout(() => void tick(), 1000);
    };
    this.timer = setTimeout(() => void tick(), 1000);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** The API server's host name in a kubeconfig (current context). */
export function apiServerHost(kubeconfig: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { KubeConfig } = require("@kubernetes/client-node") as typeof import("@kubernetes/client-node");
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return new URL(kc.getCurrentCluster()?.server ?? "https://127.0.0.1").hostname;
}

/** A KubeApi from a kubeconfig file (the drill's HTTP client). */
export async function kubeFromFile(kubeconfig: string): Promise<KubeApi> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { KubeConfig } = require("@kubernetes/client-node") as typeof import("@kubernetes/client-node");
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`${kubeconfig} has no current cluster`);
  const opts: { ca?: Buffer; cert?: Buffer; key?: Buffer; headers?: Record<string, string> } = {};
  await kc.applyToHTTPSOptions(opts as Parameters<typeof kc.applyToHTTPSOptions>[0]);
  return new HttpKube({
    server: cluster.server,
    ca: opts.ca,
    cert: opts.cert,
    key: opts.key,
    headers: opts.headers,
    rejectUnauthorized: !cluster.skipTLSVerify,
  });
}

export type KObj = any;

/** Typed-enough reads of the live API server. */
export class Kube {
  constructor(readonly api: KubeApi) {}

  /** GET a path; undefined on 404 (KObj is `any`). */
  async get(p: string): Promise<KObj> {
    const r = await this.api.request("GET", p);
    if (r.status === 404) return undefined;
    if (r.status < 200 || r.status > 299)
      throw new Error(`GET ${p} → HTTP ${r.status}: ${r.body.slice(0, 300)}`);
    return JSON.parse(r.body);
  }

  async list(p: string): Promise<KObj[]> {
    return ((await kubeJson<KObj>(this.api, "GET", p)).items ?? []) as KObj[];
  }

  async secret(ns: string, name: string): Promise<Record<string, string> | undefined> {
    const s = await this.get(`/api/v1/namespaces/${ns}/secrets/${name}`);
    if (!s) return undefined;
    return Object.fromEntries(
      Object.entries((s.data ?? {}) as Record<string, string>).map(([k, v]) => [
        k,
        Buffer.from(v, "base64").toString("utf8"),
      ]),
    );
  }

  async configMap(ns: string, name: string): Promise<Record<string, string> | undefined> {
    const c = await this.get(`/api/v1/namespaces/${ns}/configmaps/${name}`);
    return c ? ((c.data ?? {}) as Record<string, string>) : undefined;
  }

  async namespaceExists(ns: string): Promise<boolean> {
    return (await this.get(`/api/v1/namespaces/${ns}`)) !== undefined;
  }

  async nodeCount(): Promise<number> {
    return (await this.list("/api/v1/nodes")).length;
  }

  /** Waits until none of `namespaces` exists (terminating ones are finalized by the stand-in controllers). */
  async waitNamespacesGone(namespaces: string[], timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left: string[] = [];
      for (const ns of namespaces) if (await this.namespaceExists(ns)) left.push(ns);
      if (left.length === 0 || Date.now() > deadline) return left;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** Harbor core's HARBOR_ADMIN_PASSWORD in `ns` (literal, or from the Secret its env names). */
export async function harborAdminPassword(kube: Kube, ns: string): Promise<string> {
  const deps = await kube.list(`/apis/apps/v1/namespaces/${ns}/deployments`);
  for (const d of deps)
    for (const c of (d.spec?.template?.spec?.containers ?? []) as KObj[])
      for (const e of (c.env ?? []) as KObj[]) {
        if (e.name !== "HARBOR_ADMIN_PASSWORD") continue;
        if (typeof e.value === "string") return e.value as string;
        const ref = e.valueFrom?.secretKeyRef;
        if (ref) {
          const sec = await kube.secret(ns, ref.name as string);
          const v = sec?.[ref.key as string];
          if (v === undefined)
            throw new Error(
              `HARBOR_ADMIN_PASSWORD of ${d.metadata.name}: Secret ${ref.name} has no key ${ref.key}`,
            );
          return v;
        }
      }
  throw new Error(`no Deployment in namespace ${ns} sets HARBOR_ADMIN_PASSWORD`);
}
