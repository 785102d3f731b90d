import * as assert from "assert";
import * as k8sProvider from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import { Velero, VeleroArgs } from "../../components/velero";
import { Recorded, runComponent } from "../harness";

const args: VeleroArgs = {
  namespace: "velero",
  backupBucket: "registry-platform-dev-backup",
  region: "ap-northeast-2",
  archivePrefix: "archive/",
  storage: { kind: "aws" },
  credentials: {
    kind: "static",
    accessKeyId: "AKIAEXAMPLEEXAMPLE12",
    secretAccessKey: pulumi.secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
  },
  backupMode: "fs-kopia",
  timezone: "Asia/Seoul",
  schedules: { daily: "0 7 * * *", weekly: "0 7 * * 0", monthly: "0 7 1 * *" },
  harborNamespace: "harbor",
  harborDatabase: { type: "internal" },
  serviceMonitor: true,
  prometheusRule: true,
  drillCronJob: false,
  drillSchedule: "0 5 1 */3 *",
};

async function run(a: VeleroArgs): Promise<{ rec: Recorded; out: Record<string, unknown> }> {
  let out: Record<string, unknown> = {};
  const rec = await runComponent(() => {
    const k = new k8sProvider.Provider("k", {});
    const v = new Velero("velero", a, { providers: { kubernetes: k } });
    out = { scheduleNames: v.scheduleNames, bsl: v.backupStorageLocations };
    return { namespace: v.namespace, release: v.release };
  });
  return { rec, out };
}

describe("Velero component on the mock engine: static keys, internal database", () => {
  let rec: Recorded;
  let out: Record<string, unknown>;
  before(async () => {
    ({ rec, out } = await run(args));
  });

  it("is a registry-platform:velero:Velero whose Kubernetes children all use the given provider", () => {
    const comp = rec.one("registry-platform:velero:Velero", "velero");
    for (const r of rec.all.filter((x) => x.custom && x.type !== "pulumi:providers:kubernetes")) {
      assert.strictEqual(rec.parentOf(r)?.urn, comp.urn, `${r.type} ${r.name} parent`);
      if (r.type.startsWith("kubernetes:"))
        assert.strictEqual(rec.providerOf(r)?.name, "k", `${r.type} ${r.name} provider`);
    }
    // The one other child: the key of the credentials checksum annotation.
    assert.deepStrictEqual(
      rec.all
        .filter((x) => x.custom && !x.type.startsWith("kubernetes:") && !x.type.startsWith("pulumi:"))
        .map((x) => [x.type, x.name]),
      [["random:index/randomPassword:RandomPassword", "velero-checksum-key"]],
    );
  });

  it("creates the namespace privileged for the node agent", () => {
    const ns = rec.inputs(rec.one("kubernetes:core/v1:Namespace", "velero-namespace"));
    assert.strictEqual(ns.metadata.name, "velero");
    assert.strictEqual(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "privileged");
  });

  it("puts the access key in a Secret as an AWS ini file, and the whole value is secret", () => {
    const reg = rec.one("kubernetes:core/v1:Secret", "velero-credentials");
    const s = rec.inputs(reg);
    assert.strictEqual(s.metadata.name, "velero-credentials");
    assert.strictEqual(s.metadata.namespace, "velero");
    assert.strictEqual(
      s.stringData.cloud,
      "[default]\naws_access_key_id=AKIAEXAMPLEEXAMPLE12\naws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    );
    assert.ok(
      rec.secrets(reg).some((p) => p === "stringData" || p === "stringData.cloud"),
      rec.secrets(reg).join(","),
    );
    assert.deepStrictEqual([...new Set(reg.additionalSecretOutputs)].sort(), ["data", "stringData"]);
  });

  it("installs the pinned chart into the namespace with the typed values", () => {
    const reg = rec.one("kubernetes:helm.sh/v3:Release", "velero-release");
    const r = rec.inputs(reg);
    assert.deepStrictEqual(
      [r.name, r.namespace, r.chart, r.version, r.repositoryOpts.repo, r.createNamespace],
      ["velero", "velero", "velero", "12.1.0", "https://vmware-tanzu.github.io/helm-charts", false],
    );
    const v = r.values;
    assert.ok(Array.isArray(v.configuration.backupStorageLocation));
    assert.deepStrictEqual(
      v.configuration.backupStorageLocation.map((l: { name: string; prefix: string; bucket: string }) => [
        l.name,
        l.prefix,
        l.bucket,
      ]),
      [
        ["default", "velero", "registry-platform-dev-backup"],
        ["archive", "archive", "registry-platform-dev-backup"],
      ],
    );
    assert.strictEqual(v.initContainers[0].image, "docker.io/velero/velero-plugin-for-aws:v1.14.3");
    assert.deepStrictEqual(v.credentials, { useSecret: true, existingSecret: "velero-credentials" });
    assert.strictEqual(v.schedules.weekly.schedule, "CRON_TZ=Asia/Seoul 0 7 * * 0");
    assert.strictEqual(v.schedules.monthly.template.storageLocation, "archive");
    assert.match(v.schedules.weekly.template.hooks.resources[0].pre[0].exec.command[2], /pg_dump/);
    assert.strictEqual(v.metrics.serviceMonitor.enabled, true);
    assert.strictEqual(v.metrics.prometheusRule.spec.length, 9);
    // The key never reaches the Helm values: only the Secret's name does.
    assert.ok(!JSON.stringify(v).includes("wJalrXUtnFEMI"));
    assert.deepStrictEqual(rec.secrets(reg), []);
  });

  it("nothing waits on Harbor: the release depends only on its namespace and credentials", () => {
    const reg = rec.one("kubernetes:helm.sh/v3:Release", "velero-release");
    const deps = reg.dependencies.map((u) => rec.byUrn(u).type).sort();
    assert.deepStrictEqual(deps, [
      "kubernetes:core/v1:Namespace",
      "kubernetes:core/v1:Secret",
      // The credentials checksum annotation's key.
      "random:index/randomPassword:RandomPassword",
    ]);
    assert.ok(!rec.all.some((r) => /harbor/i.test(r.type)));
  });

  it("no drill CronJob unless asked for", () => {
    assert.strictEqual(rec.byType("kubernetes:batch/v1:CronJob").length, 0);
  });

  it("exports the namespace, release, schedule and location names", () => {
    assert.deepStrictEqual(rec.outputs, { namespace: "velero", release: "velero" });
    assert.deepStrictEqual(out, {
      scheduleNames: { daily: "velero-daily", weekly: "velero-weekly", monthly: "velero-monthly" },
      bsl: { default: "default", archive: "archive" },
    });
  });
});

describe("Velero component on the mock engine: IRSA, S3-compatible, drill CronJob", () => {
  it("IRSA: no credentials Secret, role ARN on the service account", async () => {
    const { rec } = await run({
      ...args,
      credentials: { kind: "irsa", roleArn: pulumi.output("arn:aws:iam::123456789012:role/velero") },
    });
    assert.strictEqual(rec.byType("kubernetes:core/v1:Secret").length, 0);
    const v = rec.inputs(rec.one("kubernetes:helm.sh/v3:Release")).values;
    assert.deepStrictEqual(v.credentials, { useSecret: false });
    assert.deepStrictEqual(v.serviceAccount.server.annotations, {
      "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/velero",
    });
  });

  it("S3-compatible with the platform CA; drill CronJob with its image, schedule and time zone", async () => {
    const { rec } = await run({
      ...args,
      storage: {
        kind: "s3-compatible",
        endpoint: "https://minio.dc1.corp.internal:9000",
        caBundlePem: pulumi.output("-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n"),
      },
      drillCronJob: true,
      drillImage: `registry.dc1.corp.internal/platform/drill:1.0@sha256:${"a".repeat(64)}`,
      production: true,
    });
    const v = rec.inputs(rec.one("kubernetes:helm.sh/v3:Release")).values;
    assert.strictEqual(
      v.configuration.backupStorageLocation[0].caCert,
      Buffer.from("-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n").toString("base64"),
    );
    assert.strictEqual(v.configuration.backupStorageLocation[1].config.checksumAlgorithm, "");
    assert.strictEqual(rec.one("kubernetes:core/v1:Namespace").protect, true);
    const cron = rec.inputs(rec.one("kubernetes:batch/v1:CronJob"));
    assert.strictEqual(cron.spec.schedule, "0 5 1 */3 *");
    assert.strictEqual(cron.spec.timeZone, "Asia/Seoul");
    assert.strictEqual(cron.spec.concurrencyPolicy, "Forbid");
    const c = cron.spec.jobTemplate.spec.template.spec.containers[0];
    assert.match(c.image, /@sha256:a{64}$/);
    assert.deepStrictEqual(c.args, [
      "--in-cluster",
      "--velero-namespace",
      "velero",
      "--harbor-namespace",
      "harbor",
      "--admin-secret",
      "harbor-admin-password",
      "--admin-secret-key",
      "HARBOR_ADMIN_PASSWORD",
      "--json",
    ]);
    const role = rec.inputs(rec.one("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"));
    assert.ok(role.rules.some((r: { resources: string[] }) => r.resources.includes("services/proxy")));
    const binding = rec.one("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding");
    assert.strictEqual(rec.inputs(binding).subjects[0].name, "restore-drill");
    // Namespace deletes are cluster-wide in the ClusterRole: admission allows the drill's scratch namespaces only,
    // in place before the binding grants anything.
    const vap = rec.one("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy");
    const vapb = rec.one("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding");
    const spec = rec.inputs(vap).spec;
    assert.deepStrictEqual(spec.matchConstraints.resourceRules, [
      { apiGroups: [""], apiVersions: ["v1"], operations: ["DELETE"], resources: ["namespaces"] },
    ]);
    assert.deepStrictEqual(spec.matchConditions, [
      {
        name: "restore-drill-account",
        expression: 'request.userInfo.username == "system:serviceaccount:velero:restore-drill"',
      },
    ]);
    assert.strictEqual(
      spec.validations[0].expression,
      'has(oldObject.metadata.labels) && "registry-platform/drill" in oldObject.metadata.labels && oldObject.metadata.labels["registry-platform/drill"] == "true"',
    );
    assert.strictEqual(spec.failurePolicy, "Fail");
    assert.deepStrictEqual(rec.inputs(vapb).spec, {
      policyName: "velero-restore-drill-namespaces",
      validationActions: ["Deny"],
    });
    assert.ok(binding.dependencies.includes(vapb.urn), "the ClusterRoleBinding waits for the policy binding");
    for (const r of [vap, vapb]) assert.strictEqual(r.parent, rec.one("registry-platform:velero:Velero").urn);
  });

  it("drillCronJob without an image creates no CronJob", async () => {
    const { rec } = await run({ ...args, drillCronJob: true });
    assert.strictEqual(rec.byType("kubernetes:batch/v1:CronJob").length, 0);
    assert.strictEqual(rec.byType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole").length, 0);
    assert.strictEqual(
      rec.byType("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy").length,
      0,
    );
  });
});
