/**
 * A stand-in for the Deployment controller and the kubelet on the private API server (no controller-manager,
 * no nodes), for the namespaces it is given: per Deployment, a ReplicaSet it owns (revision 1, every replica
 * ready) and the Deployment's revision annotation and status as after a finished rollout (Available,
 * Progressing/NewReplicaSetAvailable). That is what pulumi-kubernetes' Deployment await waits for; without it
 * every `pulumi up` of a Deployment waits 10 minutes and fails. ReplicaSets whose Deployment is gone are
 * deleted (the garbage collector's part). One rollout per Deployment: a later spec change is not rolled.
 */
import { Kube, KObj } from "./cluster";

const REVISION = "deployment.kubernetes.io/revision";
const MERGE = { headers: { "Content-Type": "application/merge-patch+json" } };

export class DeploymentStandIn {
  private timer?: NodeJS.Timeout;
  private busy = false;
  readonly events: string[] = [];

  constructor(
    private readonly kube: Kube,
    private readonly namespaces: string[],
  ) {}

  start(intervalMs = 1000): void {
    this.timer = setInterval(() => void this.tick(), intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (const ns of this.namespaces) await this.reconcile(ns);
    } catch (e) {
      this.events.push(`deployment stand-in: ${(e as Error).message.split("\n")[0]}`);
    } finally {
      this.busy = false;
    }
  }

  private async patch(path: string, body: unknown): Promise<void> {
    const r = await this.kube.api.request("PATCH", path, { body, ...MERGE });
    if (r.status < 200 || r.status > 299)
      throw new Error(`PATCH ${path} → HTTP ${r.status}: ${r.body.slice(0, 200)}`);
  }

  private async reconcile(ns: string): Promise<void> {
    if (!(await this.kube.namespaceExists(ns))) return;
    const base = `/apis/apps/v1/namespaces/${ns}`;
    const deployments = await this.kube.list(`${base}/deployments`);
    const live = new Set(
      deployments.filter((d) => !d.metadata.deletionTimestamp).map((d) => d.metadata.uid as string),
    );
    for (const rs of await this.kube.list(`${base}/replicasets`)) {
      const owner = ((rs.metadata.ownerReferences ?? []) as KObj[]).find((o) => o.kind === "Deployment");
      if (owner && !live.has(owner.uid as string) && !rs.metadata.deletionTimestamp) {
        await this.kube.api.request("DELETE", `${base}/replicasets/${rs.metadata.name as string}`);
        this.events.push(`deleted ReplicaSet ${ns}/${rs.metadata.name as string} (its Deployment is gone)`);
      }
    }
    for (const d of deployments) {
      if (d.metadata.deletionTimestamp) continue;
      const name = d.metadata.name as string;
      const done =
        d.metadata.annotations?.[REVISION] === "1" && d.status?.observedGeneration === d.metadata.generation;
      if (done) continue;
      const n = (d.spec.replicas ?? 1) as number;
      const rsName = `${name}-standin`;
      const hash = { "pod-template-hash": "standin" };
      if (!(await this.kube.get(`${base}/replicasets/${rsName}`))) {
        const r = await this.kube.api.request("POST", `${base}/replicasets`, {
          body: {
            apiVersion: "apps/v1",
            kind: "ReplicaSet",
            metadata: {
              name: rsName,
              namespace: ns,
              labels: { ...(d.spec.template.metadata?.labels ?? {}), ...hash },
              annotations: { [REVISION]: "1" },
              ownerReferences: [
                { apiVersion: "apps/v1", kind: "Deployment", name, uid: d.metadata.uid, controller: true },
              ],
            },
            spec: {
              replicas: n,
              selector: { matchLabels: { ...(d.spec.selector?.matchLabels ?? {}), ...hash } },
              template: {
                ...d.spec.template,
                metadata: {
                  ...(d.spec.template.metadata ?? {}),
                  labels: { ...(d.spec.template.metadata?.labels ?? {}), ...hash },
                },
              },
            },
          },
        });
        if (r.status !== 201)
          throw new Error(`create ReplicaSet ${ns}/${rsName} → HTTP ${r.status}: ${r.body.slice(0, 200)}`);
      }
      await this.patch(`${base}/replicasets/${rsName}/status`, {
        status: {
          replicas: n,
          fullyLabeledReplicas: n,
          readyReplicas: n,
          availableReplicas: n,
          observedGeneration: 1,
        },
      });
      await this.patch(`${base}/deployments/${name}`, { metadata: { annotations: { [REVISION]: "1" } } });
      const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
      const cond = (type: string, reason: string, message: string) => ({
        type,
        status: "True",
        reason,
        message,
        lastUpdateTime: now,
        lastTransitionTime: now,
      });
      await this.patch(`${base}/deployments/${name}/status`, {
        status: {
          observedGeneration: d.metadata.generation,
          replicas: n,
          updatedReplicas: n,
          readyReplicas: n,
          availableReplicas: n,
          conditions: [
            cond("Available", "MinimumReplicasAvailable", "Deployment has minimum availability."),
            cond(
              "Progressing",
              "NewReplicaSetAvailable",
              `ReplicaSet "${rsName}" has successfully progressed.`,
            ),
          ],
        },
      });
      this.events.push(`rolled out Deployment ${ns}/${name} (${n} replicas, ReplicaSet ${rsName})`);
    }
  }
}
