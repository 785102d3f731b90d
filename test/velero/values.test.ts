import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import {
  awsCredentialsIni,
  cronWithTimezone,
  harborDbDumpHook,
  locationPrefix,
  scheduleNames,
  veleroAlertRules,
  veleroValues,
  ValuesInputs,
} from "../../components/velero";
import { ROOT } from "../harness";
import { images } from "../../components/versions";

const FIXTURES = path.join(ROOT, "test", "fixtures", "velero");
const schema = JSON.parse(fs.readFileSync(path.join(FIXTURES, "values.schema.json"), "utf8"));
const chartDefaults = JSON.parse(fs.readFileSync(path.join(FIXTURES, "chart-defaults.json"), "utf8"));

/** Helm's coalescing of user values over chart defaults: maps merge, everything else replaces. */
function helmMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  const isMap = (x: unknown): x is Record<string, unknown> =>
    typeof x === "object" && x !== null && !Array.isArray(x);
  if (isMap(base) && isMap(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) {
      if (v === null) delete out[k];
      else out[k] = helmMerge(base[k], v);
    }
    return out;
  }
  return over;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);

function schemaErrors(values: unknown): string[] {
  const merged = helmMerge(chartDefaults, JSON.parse(JSON.stringify(values)));
  return validate(merged) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

const base: ValuesInputs = {
  backupBucket: "registry-platform-dev-backup",
  region: "ap-northeast-2",
  archivePrefix: "archive/",
  storage: { kind: "aws" },
  credentials: { kind: "secret", secretName: "velero-credentials" },
  serviceMonitor: false,
  prometheusRule: false,
  timezone: "Asia/Seoul",
  schedules: { daily: "0 7 * * *", weekly: "0 7 * * 0", monthly: "0 7 1 * *" },
  harborNamespace: "harbor",
  harborDatabase: "internal",
  backupMode: "fs-kopia",
};

const PEM = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";

describe("velero values: backup storage locations", () => {
  it("are a list of two: default on the bucket's velero/ prefix, archive on the archive prefix", () => {
    const v = veleroValues(base);
    const bsl = v.configuration.backupStorageLocation;
    assert.ok(Array.isArray(bsl), "the list form: the legacy map form renders nothing");
    assert.deepStrictEqual(bsl, [
      {
        name: "default",
        provider: "aws",
        bucket: "registry-platform-dev-backup",
        prefix: "velero",
        default: true,
        accessMode: "ReadWrite",
        validationFrequency: "1m",
        config: { region: "ap-northeast-2" },
      },
      {
        name: "archive",
        provider: "aws",
        bucket: "registry-platform-dev-backup",
        prefix: "archive",
        default: false,
        accessMode: "ReadWrite",
        validationFrequency: "1m",
        config: { region: "ap-northeast-2" },
      },
    ]);
    assert.strictEqual(v.configuration.defaultBackupStorageLocation, "default");
    assert.deepStrictEqual(v.configuration.volumeSnapshotLocation, []);
    assert.strictEqual(v.snapshotsEnabled, false);
  });

  it("S3-compatible: s3Url, path style, checksumAlgorithm empty and the CA bundle base64-encoded", () => {
    const v = veleroValues({
      ...base,
      region: "us-east-1",
      storage: { kind: "s3-compatible", endpoint: "https://minio.dc1.corp.internal:9000", caBundlePem: PEM },
    });
    for (const l of v.configuration.backupStorageLocation) {
      assert.deepStrictEqual(l.config, {
        region: "us-east-1",
        s3Url: "https://minio.dc1.corp.internal:9000",
        s3ForcePathStyle: "true",
        checksumAlgorithm: "",
      });
      assert.strictEqual(l.caCert, Buffer.from(PEM).toString("base64"));
    }
  });

  it("AWS keeps the plugin's default checksum (object lock needs an integrity header) and has no caCert", () => {
    const l = veleroValues(base).configuration.backupStorageLocation[0];
    assert.ok(!("checksumAlgorithm" in l.config));
    assert.ok(!("caCert" in l));
  });

  it("rejects an archive prefix that is empty or inside the default location", () => {
    assert.strictEqual(locationPrefix("/long-term/monthly/"), "long-term/monthly");
    assert.throws(() => locationPrefix("/"), /must not be empty/);
    assert.throws(() => locationPrefix("velero/archive/"), /overlaps the default location/);
  });
});

describe("velero values: images, credentials, node agent, metrics", () => {
  it("pins the Velero image by digest and the AWS plugin init container by tag v1.14.3", () => {
    const v = veleroValues(base);
    assert.deepStrictEqual(v.image, {
      repository: "docker.io/velero/velero",
      tag: "v1.18.1",
      digest: "sha256:11459094b1b21ec7c817b08f8067d9e89380835547915cac9c4132ff05b55b90",
      pullPolicy: "IfNotPresent",
    });
    assert.deepStrictEqual(v.initContainers, [
      {
        name: "velero-plugin-for-aws",
        image: "docker.io/velero/velero-plugin-for-aws:v1.14.3",
        imagePullPolicy: "IfNotPresent",
        volumeMounts: [{ mountPath: "/target", name: "plugins" }],
      },
    ]);
  });

  it("static keys use an existing secret; IRSA annotates the service account and uses no secret", () => {
    const s = veleroValues(base);
    assert.deepStrictEqual(s.credentials, { useSecret: true, existingSecret: "velero-credentials" });
    assert.strictEqual(s.serviceAccount.server.annotations, null);
    assert.ok(!("podSecurityContext" in s));
    const arn = "arn:aws:iam::123456789012:role/velero";
    const i = veleroValues({ ...base, credentials: { kind: "irsa", roleArn: arn } });
    assert.deepStrictEqual(i.credentials, { useSecret: false });
    assert.deepStrictEqual(i.serviceAccount.server.annotations, { "eks.amazonaws.com/role-arn": arn });
    assert.strictEqual(i.serviceAccount.server.name, "velero-server");
    assert.deepStrictEqual(i.podSecurityContext, { fsGroup: 65534 });
  });

  it("fs-kopia: node agent + kopia + fs backup by default; csi-datamover: CSI + data movement", () => {
    const fsv = veleroValues(base);
    assert.strictEqual(fsv.deployNodeAgent, true);
    assert.strictEqual(fsv.configuration.uploaderType, "kopia");
    assert.strictEqual(fsv.configuration.defaultVolumesToFsBackup, true);
    assert.strictEqual(fsv.configuration.features, "");
    const csi = veleroValues({ ...base, backupMode: "csi-datamover" });
    assert.strictEqual(csi.deployNodeAgent, true);
    assert.strictEqual(csi.configuration.features, "EnableCSI");
    assert.strictEqual(csi.configuration.defaultSnapshotMoveData, true);
    assert.strictEqual(csi.configuration.defaultVolumesToFsBackup, false);
    assert.deepStrictEqual(
      [csi.schedules.daily.template.snapshotVolumes, csi.schedules.daily.template.snapshotMoveData],
      [true, true],
    );
  });

  it("ServiceMonitor and PrometheusRule follow their flags, without CRD autodetection", () => {
    const off = veleroValues(base);
    assert.strictEqual(off.metrics.enabled, true);
    assert.deepStrictEqual(
      [
        off.metrics.serviceMonitor.enabled,
        off.metrics.prometheusRule.enabled,
        off.metrics.prometheusRule.spec,
      ],
      [false, false, []],
    );
    const on = veleroValues({ ...base, serviceMonitor: true, prometheusRule: true });
    assert.deepStrictEqual(
      [
        on.metrics.serviceMonitor.enabled,
        on.metrics.serviceMonitor.autodetect,
        on.metrics.prometheusRule.enabled,
      ],
      [true, false, true],
    );
    assert.strictEqual(on.metrics.prometheusRule.spec.length, 9);
  });
});

describe("velero values: schedules (SPEC R5.4)", () => {
  const s = veleroValues(base).schedules;

  it("daily 07:00, weekly Sunday, monthly on the 1st, in the configured time zone", () => {
    assert.strictEqual(s.daily.schedule, "CRON_TZ=Asia/Seoul 0 7 * * *");
    assert.strictEqual(s.weekly.schedule, "CRON_TZ=Asia/Seoul 0 7 * * 0");
    assert.strictEqual(s.monthly.schedule, "CRON_TZ=Asia/Seoul 0 7 1 * *");
  });

  it("ttl 7d / 35d / 365d; default location for daily and weekly, archive for monthly", () => {
    assert.deepStrictEqual(
      [s.daily, s.weekly, s.monthly].map((x) => [x.template.ttl, x.template.storageLocation]),
      [
        ["168h0m0s", "default"],
        ["840h0m0s", "default"],
        ["8760h0m0s", "archive"],
      ],
    );
  });

  it("back up the registry namespace only, with volumes, and skip the run at creation time", () => {
    for (const x of [s.daily, s.weekly, s.monthly]) {
      assert.deepStrictEqual(x.template.includedNamespaces, ["harbor"]);
      assert.strictEqual(x.template.defaultVolumesToFsBackup, true);
      assert.strictEqual(x.skipImmediately, true);
      assert.strictEqual(x.useOwnerReferencesInBackup, false);
      assert.strictEqual(x.disabled, false);
    }
  });

  it("weekly and monthly dump Harbor's PostgreSQL onto the database PVC first; daily does not", () => {
    assert.strictEqual(s.daily.template.hooks, undefined);
    for (const x of [s.weekly, s.monthly]) {
      const [hook] = x.template.hooks!.resources;
      assert.deepStrictEqual(hook.includedNamespaces, ["harbor"]);
      assert.deepStrictEqual(hook.labelSelector, { matchLabels: { app: "harbor", component: "database" } });
      // The hook's script: test/velero/dump-hook.test.ts, and run for real in pg-dump-hook.real.ts.
      assert.deepStrictEqual(hook, harborDbDumpHook("harbor"));
    }
  });

  it("external database: no hook (managed snapshots cover PostgreSQL)", () => {
    const e = veleroValues({ ...base, harborDatabase: "external" }).schedules;
    assert.deepStrictEqual([e.weekly.template.hooks, e.monthly.template.hooks], [undefined, undefined]);
  });

  it("the hook names the configured Harbor namespace", () => {
    assert.deepStrictEqual(harborDbDumpHook("registry").includedNamespaces, ["registry"]);
  });

  it("refuses a cron that is not 5 fields or a time zone that is not a name", () => {
    assert.throws(() => cronWithTimezone("UTC", "0 0 7 * * *"), /5-field/);
    assert.throws(() => cronWithTimezone("UTC 0 7 * * *", "0 7 * * *"), /not a time zone/);
  });
});

describe("velero values: alert rules", () => {
  const rules = veleroAlertRules(scheduleNames());
  const byName = Object.fromEntries(rules.map((r) => [r.alert, r]));

  it("alert on failed and partially failed backups of our schedules", () => {
    assert.strictEqual(
      byName.VeleroBackupFailed.expr,
      'increase(velero_backup_failure_total{schedule=~"velero-daily|velero-weekly|velero-monthly"}[1h]) > 0',
    );
    assert.match(byName.VeleroBackupPartiallyFailed.expr, /velero_backup_partial_failure_total/);
  });

  it("alert on backups that fail validation (e.g. an Unavailable location): Velero counts them apart", () => {
    // Velero 1.18 counts a FailedValidation backup (BSL Unavailable, location missing, bad schedule spec) only
    // in velero_backup_validation_failure_total, never in velero_backup_failure_total.
    const r = byName.VeleroBackupFailedValidation;
    assert.ok(r, Object.keys(byName).join(", "));
    assert.strictEqual(
      r.expr,
      'increase(velero_backup_validation_failure_total{schedule=~"velero-daily|velero-weekly|velero-monthly"}[1h]) > 0',
    );
    assert.strictEqual(r.labels.severity, "critical");
    assert.strictEqual(r.for, "0m");
  });

  it("alert when a schedule's last success is older than its period + slack, or missing that long", () => {
    assert.strictEqual(
      byName.VeleroDailyBackupTooOld.expr,
      '(time() - velero_backup_last_successful_timestamp{schedule="velero-daily"}) > 108000',
    );
    assert.strictEqual(
      byName.VeleroWeeklyBackupTooOld.expr,
      '(time() - velero_backup_last_successful_timestamp{schedule="velero-weekly"}) > 648000',
    );
    assert.strictEqual(
      byName.VeleroMonthlyBackupTooOld.expr,
      '(time() - velero_backup_last_successful_timestamp{schedule="velero-monthly"}) > 2764800',
    );
    assert.strictEqual(
      byName.VeleroMonthlyBackupMissing.expr,
      'absent(velero_backup_last_successful_timestamp{schedule="velero-monthly"})',
    );
    assert.strictEqual(byName.VeleroMonthlyBackupMissing.for, "2764800s");
    for (const r of rules) assert.ok(["critical", "warning"].includes(r.labels.severity));
  });
});

describe("velero values: the chart's JSON schema (chart 12.1.0, merged over its defaults)", () => {
  const cases: [string, ValuesInputs][] = [
    ["aws + static keys + fs-kopia", base],
    [
      "s3-compatible + private CA + csi-datamover + monitoring",
      {
        ...base,
        storage: { kind: "s3-compatible", endpoint: "https://minio.local:9000", caBundlePem: PEM },
        backupMode: "csi-datamover",
        serviceMonitor: true,
        prometheusRule: true,
      },
    ],
    [
      "image mirror + credentials checksum annotation",
      { ...base, imageMirror: "mirror.example.internal/platform", credentialsChecksum: "ab".repeat(32) },
    ],
    [
      "aws + IRSA + external database",
      {
        ...base,
        credentials: { kind: "irsa", roleArn: "arn:aws:iam::1:role/v" },
        harborDatabase: "external",
      },
    ],
  ];
  for (const [name, inputs] of cases)
    it(`validates: ${name}`, () => {
      assert.deepStrictEqual(schemaErrors(veleroValues(inputs)), []);
    });

  it("the schema catches the legacy map form of backupStorageLocation (so the list check means something)", () => {
    const v = veleroValues(base) as unknown as { configuration: Record<string, unknown> };
    v.configuration.backupStorageLocation = { name: "default", provider: "aws", bucket: "b" };
    assert.ok(
      schemaErrors(v).some((e) => e.startsWith("/configuration/backupStorageLocation must be array")),
      schemaErrors(v).join("\n"),
    );
  });
});

describe("velero values: images and hooks", () => {
  it("server (by digest) and plugin under the mirror; no hook needs the chart's kubectl image", () => {
    const v = veleroValues({ ...base, imageMirror: "mirror.example.internal/platform" });
    assert.deepStrictEqual(
      [v.image.repository, v.image.tag, v.image.digest],
      ["mirror.example.internal/platform/velero/velero", "v1.18.1", images.velero.digest],
    );
    assert.strictEqual(
      v.initContainers[0].image,
      "mirror.example.internal/platform/velero/velero-plugin-for-aws:v1.14.3",
    );
    // upgradeCRDs runs the Velero image; cleanUpCRDs and namespace labels (the kubectl Jobs) stay off.
    assert.deepStrictEqual([v.upgradeCRDs, v.cleanUpCRDs], [true, false]);
    assert.strictEqual((v as unknown as Record<string, unknown>).namespace, undefined);
    assert.strictEqual(veleroValues(base).podAnnotations, undefined);
  });
});

describe("velero values: the credentials file", () => {
  it("is an AWS ini profile", () => {
    assert.strictEqual(
      awsCredentialsIni("AKIAEXAMPLE", "s3cr3t/key"),
      "[default]\naws_access_key_id=AKIAEXAMPLE\naws_secret_access_key=s3cr3t/key\n",
    );
  });
  it("refuses empty or multi-line keys without echoing them", () => {
    assert.throws(
      () => awsCredentialsIni("AKIA", "line1\nline2"),
      (e: Error) =>
        /secret access key is empty or spans lines/.test(e.message) && !e.message.includes("line1"),
    );
    assert.throws(() => awsCredentialsIni("", "x"), /access key id/);
  });
});
