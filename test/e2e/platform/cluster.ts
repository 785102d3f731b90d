/**
 * Platform e2e, per stack: the live cluster after `pulumi up`. Every reference a pod template makes resolves
 * and Pod Security admits every pod (k8s-check.py), Velero's Schedules and backup storage locations, the
 * node-trust DaemonSet + ConfigMap, and (production stacks) the NetworkPolicies around Harbor.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Kube, KObj } from "../support/cluster";
import { failure, run } from "../support/proc";
import { holdsRootCa } from "../support/output";
import { durationHours } from "../support/stacks";
import { NAMESPACE } from "../support/workspace";
import { StackContext } from "./context";

async function podTemplates(
  kube: Kube,
  ns: string,
): Promise<{ name: string; labels: Record<string, string> }[]> {
  const out: { name: string; labels: Record<string, string> }[] = [];
  for (const kind of ["deployments", "statefulsets"])
    for (const w of await kube.list(`/apis/apps/v1/namespaces/${ns}/${kind}`))
      out.push({ name: `${kind}/${w.metadata.name}`, labels: w.spec.template.metadata?.labels ?? {} });
  return out;
}

/** Kubernetes label-selector semantics (matchLabels + matchExpressions). */
function selects(sel: KObj, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries((sel?.matchLabels ?? {}) as Record<string, string>))
    if (labels[k] !== v) return false;
  for (const e of (sel?.matchExpressions ?? []) as KObj[]) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const v = labels[e.key as string];
    const ok =
      e.operator === "In"
        ? has && (e.values as string[]).includes(v)
        : e.operator === "NotIn"
          ? !has || !(e.values as string[]).includes(v)
          : e.operator === "Exists"
            ? has
            : !has;
    if (!ok) return false;
  }
  return true;
}

/** Registers the live-cluster checks of `ctx.stack`. */
export function clusterChecks(ctx: StackContext): void {
  const { stack, plan, settings, report, need } = ctx;
  const I = () => ctx.infra.get();

  it("every Secret/ConfigMap/key/PVC/ServiceAccount a pod template names exists; Pod Security admits every pod (k8s-check.py --admission)", async function () {
    need("up");
    const r = await run(
      "python3",
      [
        path.join(settings.toolsDir!, "e2e-helpers", "k8s-check.py"),
        "--namespaces",
        [plan.harborNamespace, plan.veleroNamespace, plan.systemNamespace, "default"].join(","),
        "--admission",
      ],
      { env: { ...process.env, KUBECONFIG: I().kubeconfig }, timeoutMs: 180_000 },
    );
    fs.writeFileSync(path.join(settings.reportDir, `${stack}-k8s-check.txt`), r.stdout + r.stderr);
    const refs = /(\d+) references checked/.exec(r.stdout)?.[1];
    const pods = (r.stdout.match(/: accepted/g) ?? []).length;
    report.note(`${refs ?? "?"} references checked, ${pods} pod templates admitted`);
    assert.strictEqual(r.code, 0, failure(r));
    assert.ok(Number(refs) > 0 && pods > 0, "k8s-check found no pod templates");
  });

  it("Harbor core's keys are in the forms it reads: the token-service key PKCS#1, the secret key 16 characters", async function () {
    need("up");
    const secrets = await I().kube.list(`/api/v1/namespaces/${plan.harborNamespace}/secrets`);
    const named = (suffix: string) => {
      const s = secrets.find((x) => (x.metadata.name as string).endsWith(suffix));
      assert.ok(s, `no Secret *${suffix} in ${plan.harborNamespace}`);
      return I().kube.secret(plan.harborNamespace, s.metadata.name as string);
    };
    const token = (await named("-token-service"))!;
    // Real Harbor v2.15.1's core refuses a PKCS#8 key at the first token ("unable to get PrivateKey from PEM type:
    // PRIVATE KEY"): every docker login and pull then fails with 500.
    assert.match(token["tls.key"], /^-----BEGIN RSA PRIVATE KEY-----\n/);
    assert.match(token["tls.crt"], /^-----BEGIN CERTIFICATE-----\n/);
    assert.strictEqual((await named("-secret-key"))!.secretKey.length, 16);
  });

  it("Velero Schedules, backup storage locations (bucket, region; S3-compatible: s3Url, path style, empty checksumAlgorithm, CA) and the pg_dump hook are the seed's", async function () {
    need("up");
    const { kube } = I();
    const outs = await I().ws.outputs(stack, false);
    const schedules = await kube.list(`/apis/velero.io/v1/namespaces/${plan.veleroNamespace}/schedules`);
    const byKind = new Map<string, KObj>();
    for (const s of schedules) {
      const kind =
        (s.metadata?.labels?.["registry-platform/backup"] as string | undefined) ??
        /-(daily|weekly|monthly)$/.exec(s.metadata.name as string)?.[1];
      if (kind) byKind.set(kind, s);
    }
    assert.deepStrictEqual([...byKind.keys()].sort(), ["daily", "monthly", "weekly"]);
    for (const [kind, want] of Object.entries(plan.schedules)) {
      const s = byKind.get(kind);
      const t = s.spec.template;
      assert.strictEqual(s.spec.schedule, want.cron, `${kind} cron`);
      assert.strictEqual(durationHours(t.ttl as string), want.ttlHours, `${kind} ttl`);
      assert.strictEqual(t.storageLocation, want.location, `${kind} location`);
      assert.deepStrictEqual(t.includedNamespaces, [plan.harborNamespace], `${kind} namespaces`);
      const hooks = (t.hooks?.resources ?? []) as KObj[];
      if (want.dumpHook) {
        assert.strictEqual(hooks.length, 1, `${kind}: one pre-backup hook`);
        const h = hooks[0];
        assert.deepStrictEqual(h.includedNamespaces, [plan.harborNamespace]);
        const cmd = (h.pre?.[0]?.exec?.command ?? []).join(" ");
        assert.match(cmd, /pg_dump/, `${kind}: the hook dumps PostgreSQL`);
        assert.strictEqual(h.pre[0].exec.onError, "Fail", `${kind}: a failed dump fails the backup`);
      } else assert.strictEqual(hooks.length, 0, `${kind}: no hook`);
    }
    const bsls = await kube.list(
      `/apis/velero.io/v1/namespaces/${plan.veleroNamespace}/backupstoragelocations`,
    );
    const names = bsls.map((b) => b.metadata.name as string).sort();
    assert.deepStrictEqual(names, ["archive", "default"]);
    const endpoint = typeof outs.storageEndpoint === "string" ? outs.storageEndpoint : undefined;
    const platformCa = (plan.config[`${NAMESPACE}:storage`] as KObj)?.endpointUsesPlatformCa === true;
    for (const b of bsls) {
      const at = `BackupStorageLocation ${b.metadata.name}`;
      assert.strictEqual(b.spec.objectStorage.bucket, outs.backupBucket, `${at}: backup bucket`);
      const config = (b.spec.config ?? {}) as Record<string, string>;
      assert.strictEqual(config.region, outs.storageRegion, `${at}: region`);
      if (endpoint === undefined) assert.strictEqual(config.s3Url, undefined, `${at}: no s3Url on AWS`);
      else {
        // SPEC R5.1, as the chart rendered it: the endpoint, path-style, and no checksum header (empty, not absent).
        assert.strictEqual(config.s3Url, endpoint, `${at}: s3Url`);
        assert.strictEqual(config.s3ForcePathStyle, "true", `${at}: s3ForcePathStyle`);
        assert.strictEqual(config.checksumAlgorithm, "", `${at}: checksumAlgorithm ""`);
        const ca = Buffer.from(
          (b.spec.objectStorage.caCert as string | undefined) ?? "",
          "base64",
        ).toString();
        if (platformCa)
          assert.ok(
            holdsRootCa(ca, outs.caBundlePem as string),
            `${at}: caCert holds the platform's root CA`,
          );
      }
    }
    assert.strictEqual(bsls.find((b) => b.metadata.name === "default").spec.default, true);
    report.note(
      Object.entries(plan.schedules)
        .map(
          ([k, v]) =>
            `${k} \`${v.cron}\` ttl ${v.ttlHours}h → ${v.location}${v.dumpHook ? " + pg_dump" : ""}`,
        )
        .join("; "),
    );
  });

  it("node-trust DaemonSet and ConfigMap carry the CA bundle and a hosts.toml per registry host", async function () {
    need("up");
    const { kube } = I();
    const outs = await I().ws.outputs(stack, false);
    const dss = await kube.list(`/apis/apps/v1/namespaces/${plan.systemNamespace}/daemonsets`);
    assert.strictEqual(dss.length, 1, `one DaemonSet in ${plan.systemNamespace}`);
    const ds = dss[0];
    const vol = ((ds.spec.template.spec.volumes ?? []) as KObj[]).find((v) => v.configMap);
    assert.ok(vol, "the DaemonSet mounts a ConfigMap");
    const cm = await kube.configMap(plan.systemNamespace, vol.configMap.name as string);
    assert.ok(cm, `ConfigMap ${vol.configMap.name} exists`);
    assert.strictEqual(cm["ca.crt"], outs.caBundlePem, "the ConfigMap's ca.crt is the caBundlePem output");
    for (const h of [plan.host, ...plan.extraSans])
      assert.ok(
        Object.entries(cm).some(([k, v]) => k.includes(h.replace(/:/g, "_")) && v.includes(`https://${h}`)),
        `a hosts.toml for ${h}`,
      );
    const ann = JSON.stringify(ds.spec.template.metadata?.annotations ?? {});
    assert.ok(
      ann.includes(outs.registryCaSha256 as string),
      "the pod template carries the CA bundle's sha256",
    );
    report.note(`${ds.metadata.name}: ${Object.keys(cm).length} ConfigMap keys`);
  });

  if (plan.production)
    it("NetworkPolicies guard Harbor's namespace (production stack)", async function () {
      need("up");
      const nps = await I().kube.list(
        `/apis/networking.k8s.io/v1/namespaces/${plan.harborNamespace}/networkpolicies`,
      );
      assert.ok(nps.length > 0, `no NetworkPolicy in ${plan.harborNamespace}`);
      const ingressPolicies = nps.filter((p) => (p.spec.policyTypes ?? ["Ingress"]).includes("Ingress"));
      // Every Harbor pod is selected by an Ingress policy (so only what a policy allows reaches it) ...
      const templates = await podTemplates(I().kube, plan.harborNamespace);
      assert.ok(templates.length > 0, "no workloads in Harbor's namespace");
      const open = templates.filter(
        (t) => !ingressPolicies.some((p) => selects(p.spec.podSelector, t.labels)),
      );
      assert.deepStrictEqual(
        open.map((t) => t.name),
        [],
        "pods no Ingress NetworkPolicy selects (open to all)",
      );
      // ... and no rule lets everyone in (an ingress rule without `from`).
      const allowAll = ingressPolicies.filter((p) => ((p.spec.ingress ?? []) as KObj[]).some((r) => !r.from));
      assert.deepStrictEqual(
        allowAll.map((p) => p.metadata.name),
        [],
        "policies with an allow-from-anywhere rule",
      );
      report.note(
        `${nps.length} policies (${nps.map((p) => p.metadata.name).join(", ")}) isolate all ${templates.length} pod templates`,
      );
    });

  if (plan.drill)
    it("the restore drill's account may delete only namespaces labelled as its scratch (admission policy, impersonated)", async function () {
      need("up");
      // The account the CronJob runs as, read from the live cluster.
      const cronJobs = await I().kube.list(`/apis/batch/v1/namespaces/${plan.veleroNamespace}/cronjobs`);
      const accounts = cronJobs.map(
        (c) => c.spec.jobTemplate.spec.template.spec.serviceAccountName as string,
      );
      assert.strictEqual(accounts.length, 1, `CronJobs in ${plan.veleroNamespace}: ${accounts.join(", ")}`);
      const as = `system:serviceaccount:${plan.veleroNamespace}:${accounts[0]}`;
      const kubectl = (...args: string[]) => run("kubectl", ["--kubeconfig", I().kubeconfig, ...args]);
      // Server-side dry runs: admission decides as for a real delete, and nothing is deleted either way.
      const harbor = await kubectl(
        "--as",
        as,
        "delete",
        "namespace",
        plan.harborNamespace,
        "--dry-run=server",
      );
      assert.notStrictEqual(harbor.code, 0, `the drill's account could delete ${plan.harborNamespace}`);
      // Denied by the policy, not by RBAC: the ClusterRole does allow namespace deletes.
      assert.match(
        harbor.stderr,
        /the restore drill may delete only its scratch namespaces/,
        failure(harbor),
      );
      const scratch = `e2e-drill-scratch-${process.pid}`;
      const create = await kubectl("create", "namespace", scratch);
      assert.strictEqual(create.code, 0, failure(create));
      try {
        const unlabelled = await kubectl("--as", as, "delete", "namespace", scratch, "--dry-run=server");
        assert.notStrictEqual(unlabelled.code, 0, "an unlabelled namespace was deletable");
        const label = await kubectl("label", "namespace", scratch, "registry-platform/drill=true");
        assert.strictEqual(label.code, 0, failure(label));
        const labelled = await kubectl("--as", as, "delete", "namespace", scratch, "--dry-run=server");
        assert.strictEqual(labelled.code, 0, failure(labelled));
      } finally {
        await kubectl("delete", "namespace", scratch, "--wait=false");
      }
      report.note(
        `${as}: ${plan.harborNamespace} denied by the policy; a labelled scratch namespace admitted`,
      );
    });
}
