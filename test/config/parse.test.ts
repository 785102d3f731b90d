import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../config";
import { runProgram, runProgramFailing, stackFile, stackValue, stackWith } from "../harness";
import { configIssues, parsedConfig } from "../harness/config";

describe("config: every stack in stacks/ parses", () => {
  for (const s of ["dev", "prod-apne2", "prod-apne1", "onprem"]) {
    it(s, () => {
      const c = parsedConfig(stackFile(s), s);
      assert.strictEqual(c.stack, s);
    });
  }

  it("dev resolves environment defaults: GOVERNANCE 7 days, unprotected, 1 replica, names from project-stack", () => {
    const c = parsedConfig(stackFile("dev"), "dev");
    assert.deepStrictEqual(c.storage.backupRetention, { mode: "GOVERNANCE", days: 7 });
    assert.strictEqual(c.protect, false);
    assert.strictEqual(c.isProduction, false);
    assert.strictEqual(c.harbor.replicas, 1);
    assert.strictEqual(c.storage.registryBucket, "registry-platform-dev-registry");
    assert.strictEqual(c.storage.backupBucket, "registry-platform-dev-backup");
    assert.strictEqual(c.storage.forceDestroy, true);
    assert.strictEqual(c.storage.recoveryWindowDays, 7);
    assert.strictEqual(c.storage.abortMultipartDays, 7);
  });

  it("prod resolves COMPLIANCE, protect, 2 replicas, NetworkPolicy, and keeps the DB password secret", async () => {
    const c = parsedConfig(stackFile("prod-apne2"), "prod-apne2");
    assert.deepStrictEqual(c.storage.backupRetention, { mode: "COMPLIANCE", days: 35 });
    assert.strictEqual(c.protect, true);
    assert.strictEqual(c.harbor.replicas, 2);
    assert.strictEqual(c.harbor.networkPolicy, true);
    assert.ok(c.secrets.harborDatabasePassword);
    assert.strictEqual(await pulumi.isSecret(c.secrets.harborDatabasePassword), true);
    assert.ok(pulumi.Output.isInstance(c.secrets.harborDatabasePassword));
  });

  it("prod defaults the lock mode to COMPLIANCE and 30 days when unset", () => {
    const c = parsedConfig(stackWith("prod-apne2", { storage: { provider: "aws" } }), "p");
    assert.deepStrictEqual(c.storage.backupRetention, { mode: "COMPLIANCE", days: 30 });
  });
});

describe("config: bad input is rejected with the key, the value found and what is allowed", () => {
  const table: { name: string; changes: Record<string, unknown>; base?: string; expect: RegExp[] }[] = [
    {
      name: "unknown environment",
      changes: { environment: "production" },
      expect: [/^registry-platform:environment \| "production" \| one of "dev", "staging", "prod"$/],
    },
    {
      name: "missing host",
      changes: { host: undefined },
      expect: [/^registry-platform:host \| nothing \(the key is required\) \| a value of type string$/],
    },
    {
      name: "host not a DNS name",
      changes: { host: "Reg_Istry" },
      expect: [/^registry-platform:host \| "Reg_Istry" \| a lowercase DNS name/],
    },
    {
      name: "unknown top-level key",
      changes: { colour: "blue" },
      expect: [
        /^registry-platform:colour \| an unknown key \| one of the keys environment, region, role, host/,
      ],
    },
    {
      name: "typo in a nested key",
      changes: { storage: { provider: "aws", recoveryWindowDay: 3 } },
      expect: [
        /^registry-platform:storage.recoveryWindowDay \| an unknown key \| one of the keys provider, endpoint,.*recoveryWindowDays/,
      ],
    },
    {
      name: "storage provider not supported",
      changes: { storage: { provider: "gcs" } },
      expect: [/^registry-platform:storage.provider \| "gcs" \| one of "aws", "s3-compatible"$/],
    },
    {
      name: "recovery window not positive",
      changes: { storage: { recoveryWindowDays: 0 } },
      expect: [/^registry-platform:storage.recoveryWindowDays \| 0 \| a number > 0$/],
    },
    {
      name: "lock mode typo",
      changes: { storage: { backupRetention: { mode: "COMPLIANT" } } },
      expect: [
        /^registry-platform:storage.backupRetention.mode \| "COMPLIANT" \| one of "GOVERNANCE", "COMPLIANCE"$/,
      ],
    },
    {
      name: "prod retention below 7 days",
      base: "prod-apne2",
      changes: { storage: { backupRetention: { days: 3 } } },
      expect: [
        /^registry-platform:storage.backupRetention.days \| 3 \| a whole number >= 7 when environment is "prod"/,
      ],
    },
    {
      name: "prod with GOVERNANCE",
      base: "prod-apne2",
      changes: { storage: { backupRetention: { mode: "GOVERNANCE" } } },
      expect: [/storage.backupRetention.mode \| "GOVERNANCE" \| "COMPLIANCE" when environment is "prod"/],
    },
    {
      name: "prod unprotected",
      base: "prod-apne2",
      changes: { protect: false },
      expect: [/^registry-platform:protect \| false \| true \(or unset\) when environment is "prod"$/],
    },
    {
      name: "forceDestroy outside dev",
      base: "prod-apne2",
      changes: { storage: { forceDestroy: true } },
      expect: [
        /storage.forceDestroy \| true \| false; forceDestroy is only allowed when environment is "dev"/,
      ],
    },
    {
      name: "s3-compatible without endpoint or credentials",
      base: "onprem",
      changes: { storage: { provider: "s3-compatible" }, s3AccessKey: undefined },
      expect: [
        /storage.endpoint \| nothing \| an http\(s\) URL when storage.provider is "s3-compatible"/,
        /^registry-platform:s3AccessKey \| nothing \| a secret/,
      ],
    },
    {
      name: "two projects whose pull Secrets share a name in one namespace",
      changes: {
        harborConfig: {
          projects: [
            { name: "team-a", pullSecretNamespaces: ["apps"] },
            { name: "team_a", pullSecretNamespaces: ["apps"] },
          ],
        },
      },
      expect: [
        /^registry-platform:harborConfig.projects\[1\].name \| "team_a" \| a name whose pull Secret is not harbor-team-a-pull, which "team-a" already writes into namespace apps$/,
      ],
    },
    {
      name: "production metrics without a Prometheus namespace (the metrics port would admit every namespace)",
      base: "prod-apne2",
      changes: {
        harbor: {
          ...stackValue("prod-apne2", "harbor"),
          metrics: { enabled: true, serviceMonitor: true },
        },
      },
      expect: [
        /^registry-platform:harbor.metrics.prometheusNamespace \| nothing \| a namespace name when environment is "prod" and harbor.metrics.enabled is true/,
      ],
    },
    {
      name: "archive transition keys on s3-compatible (the transition is set on AWS only)",
      base: "onprem",
      changes: {
        storage: {
          ...stackValue("onprem", "storage"),
          archive: { prefix: "archive/", storageClass: "STANDARD_IA", transitionAfterDays: 60 },
        },
      },
      expect: [
        /^registry-platform:storage.archive.storageClass \| "STANDARD_IA" \| nothing when storage.provider is "s3-compatible"/,
        /^registry-platform:storage.archive.transitionAfterDays \| 60 \| nothing when storage.provider is "s3-compatible"/,
      ],
    },
    {
      name: "endpoint on aws",
      changes: { storage: { endpoint: "https://minio.local:9000" } },
      expect: [/storage.endpoint \| "https:\/\/minio.local:9000" \| nothing when storage.provider is "aws"/],
    },
    {
      name: "encryption off on aws",
      changes: { storage: { encryption: false } },
      expect: [/^registry-platform:storage.encryption \| false \| true when storage.provider is "aws"/],
    },
    {
      name: "region not an AWS region on aws",
      changes: { region: "dc1" },
      expect: [/^registry-platform:region \| "dc1" \| an AWS region code/],
    },
    {
      name: "secret stored in plain text",
      changes: { harborAdminPassword: "hunter2hunter2" },
      expect: [
        /^registry-platform:harborAdminPassword \| a value stored in plain text \| a secret \(stored encrypted\): set it again with --secret$/,
      ],
    },
    {
      name: "plain key stored as a secret",
      changes: { harbor: { database: { host: { secure: "v1:x" } } } },
      expect: [
        /^registry-platform:harbor \| a value stored as a secret \| plain config; secrets have keys of their own/,
      ],
    },
    {
      name: "external DB without host or password",
      changes: { harbor: { database: { type: "external" } } },
      expect: [
        /harbor.database.host \| nothing \| a host name when harbor.database.type is "external"/,
        /harborDatabasePassword \| nothing \| a secret/,
      ],
    },
    {
      name: "prod with one replica",
      base: "prod-apne2",
      changes: { harbor: { replicas: 1, database: { type: "external", host: "db" } } },
      expect: [/harbor.replicas \| 1 \| a whole number >= 2 when environment is "prod"/],
    },
    {
      name: "an IP address as host, AWS tags AWS refuses (reserved aws: prefix, characters)",
      changes: { host: "10.0.0.5", tags: { "aws:owner": "x", team: "a#b", ok: "fine" } },
      expect: [
        /^registry-platform:host \| "10.0.0.5" \| a lowercase DNS name such as registry.example.com, not an IP address$/,
        /^registry-platform:tags.aws:owner \| the key "aws:owner" \| a key not starting with aws: \(reserved by AWS\)$/,
        /^registry-platform:tags.team \| "a#b" \| letters, digits, spaces and _ . : \/ = \+ - @$/,
      ],
    },
    {
      name: "settings nothing would use: an internal Redis's addr, a drill CronJob without Velero",
      changes: { harbor: { redis: { addr: "redis:6379" } }, velero: { enabled: false, drillCronJob: true } },
      expect: [
        /^registry-platform:harbor.redis.addr \| "redis:6379" \| nothing when harbor.redis.type is "internal"$/,
        /^registry-platform:velero.drillCronJob \| true \| false \(or unset\) when velero.enabled is false$/,
      ],
    },
    {
      name: "prod without the NetworkPolicy (SPEC R3.8) or with an unencrypted external database",
      base: "prod-apne2",
      changes: {
        harbor: { networkPolicy: false, database: { type: "external", host: "db", sslmode: "disable" } },
      },
      expect: [
        /^registry-platform:harbor.database.sslmode \| "disable" \| require, verify-ca or verify-full when environment is "prod"/,
        /^registry-platform:harbor.networkPolicy \| false \| true \(or unset\) when environment is "prod"$/,
      ],
    },
    {
      // The chart's nginx reads its certificate once at start; a renewal by cert-manager changes nothing Pulumi
      // sees, so no pod restarts and nginx would serve the old certificate past its expiry.
      name: "a LoadBalancer (the chart's nginx serves TLS) with a cert-manager certificate",
      changes: {
        harbor: { expose: "loadBalancer" },
        tls: {
          mode: "cert-manager",
          certManager: { issuerName: "letsencrypt", issuerKind: "ClusterIssuer" },
        },
      },
      expect: [
        /^registry-platform:harbor.expose \| "loadBalancer" \| "ingress" when tls.mode is "cert-manager"/,
      ],
    },
    {
      name: "byo-intermediate without PEMs and key",
      changes: { tls: { mode: "byo-intermediate" } },
      expect: [
        /tls.intermediateCertPem \| nothing \| one PEM certificate/,
        /tls.rootCertPem \| nothing/,
        /tlsIntermediateKeyPem \| nothing \| a secret/,
      ],
    },
    {
      name: "intermediate PEM that is not a certificate",
      changes: {
        tls: {
          mode: "byo-intermediate",
          intermediateCertPem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        },
      },
      expect: [/tls.intermediateCertPem \| the certificate is a PEM block of type PRIVATE KEY \|/],
    },
    {
      name: "server certificate valid too long",
      changes: { tls: { serverValidityDays: 398 } },
      expect: [/tls.serverValidityDays \| 398 \| a number <= 397$/],
    },
    {
      name: "server certificate outliving a one-year intermediate",
      changes: { tls: { intermediateValidityYears: 1, serverValidityDays: 397 } },
      expect: [
        /^registry-platform:tls.serverValidityDays \| 397 \| at most 182 days, half the intermediate's life/,
      ],
    },
    {
      // The intermediate renews serverValidityDays before it expires: after its first day, every `up` replaced it.
      name: "server certificate living longer than half a one-year intermediate",
      changes: { tls: { intermediateValidityYears: 1, serverValidityDays: 364 } },
      expect: [
        /^registry-platform:tls.serverValidityDays \| 364 \| at most 182 days, half the intermediate's life \(tls.intermediateValidityYears × 365 = 365\)/,
      ],
    },
    {
      name: "cert-manager with an intermediate PEM",
      changes: {
        tls: {
          mode: "cert-manager",
          certManager: { issuerName: "ca" },
          intermediateCertPem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        },
      },
      expect: [
        /^registry-platform:tls.mode \| "cert-manager" \| "byo-intermediate" or "byo-certificate" when intermediate or server PEMs/,
      ],
    },
    {
      name: "cert-manager without issuer",
      changes: { tls: { mode: "cert-manager" } },
      expect: [/tls.certManager \| nothing \| \{ issuerName, issuerKind \} when tls.mode is "cert-manager"/],
    },
    {
      name: "offline Trivy without a DB mirror",
      changes: { harbor: { trivy: { offline: true } } },
      expect: [/harbor.trivy.dbRepository \| nothing \| an OCI repository/],
    },
    {
      name: "unknown time zone",
      changes: { velero: { timezone: "Mars/Olympus" } },
      expect: [/^registry-platform:velero.timezone \| "Mars\/Olympus" \| an IANA time zone/],
    },
    {
      name: "schedule typo",
      changes: { velero: { schedules: { daily: "0 25 * * *" } } },
      expect: [/^registry-platform:velero.schedules.daily \| "0 25 \* \* \*" \| a 5-field cron expression/],
    },
    {
      name: "duplicate project names",
      changes: { harborConfig: { projects: [{ name: "a" }, { name: "a" }] } },
      expect: [
        /harborConfig.projects\[1\].name \| "a" \| a name not already used by registry-platform:harborConfig.projects\[0\]/,
      ],
    },
  ];
  for (const t of table) {
    it(t.name, async () => {
      const sc = stackWith(t.base ?? "dev", t.changes);
      const { error, registrations } = await runProgramFailing(t.base ?? "dev", sc);
      assert.ok(error instanceof ConfigError, String(error));
      assert.deepStrictEqual(registrations, [], "no resource may be registered on invalid config");
      const found = configIssues(sc);
      for (const re of t.expect)
        assert.ok(
          found.some((f) => re.test(f)),
          `no issue matches ${re}; got:\n${found.join("\n")}`,
        );
    });
  }

  it("storage.archive.prefix alone is accepted on s3-compatible (Velero's archive location uses it)", () => {
    const storage = { ...stackValue("onprem", "storage"), archive: { prefix: "long-term/" } };
    const c = parsedConfig(stackWith("onprem", { storage }), "onprem");
    assert.strictEqual(c.storage.archive.prefix, "long-term/");
  });

  it("reports every problem at once", () => {
    const found = configIssues(
      stackWith("dev", {
        environment: "qa",
        host: "BAD",
        storage: { provider: "x", recoveryWindowDays: -3 },
      }),
    );
    assert.ok(found.length >= 4, found.join("\n"));
  });

  it("never echoes a secret value, even when it is misplaced", () => {
    const found = configIssues(
      stackWith("dev", { harborAdminPassword: "S3cr3t-Value-123", harbor: { replicas: { secure: "v1:x" } } }),
    );
    assert.ok(!found.join("\n").includes("S3cr3t-Value-123"));
    assert.ok(!found.join("\n").includes("offline-synth-secret-placeholder"));
  });
});

describe("config: invalid config registers nothing", () => {
  it("the program throws one ConfigError before any resource", async () => {
    await assert.rejects(
      () => runProgram("dev", stackWith("dev", { environment: "qa", storage: { provider: "gcs" } })),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError, String(e));
        assert.strictEqual(e.issues.length, 2);
        return true;
      },
    );
  });
});
