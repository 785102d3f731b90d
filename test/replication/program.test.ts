/**
 * Geo-replication through the whole program on the mock engine (SPEC R6): the replica publishes its contract,
 * the primary reads it with a StackReference per peer and replicates its backup bucket into each peer's.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { PeerStackOutputs } from "../../tools/synth/engine";
import { peersFromRuns, Recorded, runProgram, runProgramFailing, stackRun, stackWith } from "../harness";
import { APNE1, APNE3, apne3From, primaryConfig, twoPeers } from "./support/peers";

const REF = "pulumi:pulumi:StackReference";
const ROBOT = "harbor:SystemRobotAccount";
const DYN = "pulumi-nodejs:dynamic:Resource";

describe("replication: the replica (prod-apne1)", function () {
  this.timeout(120000);
  let rec: Recorded;
  before(async () => {
    rec = await stackRun("prod-apne1");
  });

  it("reads no peer and replicates nothing", () => {
    assert.deepStrictEqual(rec.byType(REF), []);
    const kinds = rec.byType(DYN).map((r) => rec.inputs(r).kind as string);
    assert.ok(!kinds.includes("harbor:ReplicationPolicy"));
    assert.deepStrictEqual(
      rec
        .byType(DYN)
        .filter((r) => rec.inputs(r).kind === "harbor:Registry")
        .map((r) => rec.inputs(r).type),
      ["docker-hub"],
    );
    assert.deepStrictEqual(rec.byType("aws:s3/bucketReplicationConfig:BucketReplicationConfig"), []);
    assert.strictEqual(rec.outputs.replicationPeers, undefined);
  });

  it("creates one system-level robot with push rights on exactly its projects, after them", () => {
    const robots = rec.byType(DYN).filter((r) => rec.inputs(r).kind === ROBOT);
    assert.strictEqual(robots.length, 1);
    const robot = robots[0];
    assert.strictEqual(robot.name, "registry-replication-target-robot");
    assert.strictEqual(rec.parentOf(robot)?.type, "registry-platform:replication:ReplicationTarget");
    const i = rec.inputs(robot);
    assert.strictEqual(i.name, "replication");
    const push = [
      { resource: "repository", action: "pull" },
      { resource: "repository", action: "push" },
      { resource: "artifact", action: "read" },
      { resource: "tag", action: "list" },
      { resource: "tag", action: "create" },
    ];
    assert.deepStrictEqual(i.permissions, [
      { project: "apps", access: push },
      { project: "platform", access: push },
    ]);
    assert.deepStrictEqual(rec.secrets(robot), ["connection"]);
    assert.ok(robot.additionalSecretOutputs.includes("secret"));
    // The projects exist first: the robot waits for every HarborConfig child (and the Harbor release).
    const project = rec.one(DYN, "registry-harbor-config-apps-project");
    assert.ok(robot.dependencies.includes(project.urn), "robot must depend on the projects");
  });

  it("publishes the contract: URL, CA, robot, projects, WORM backup bucket; the robot secret is a secret", () => {
    const t = rec.outputs.replicationTarget;
    assert.strictEqual(t.version, 1);
    assert.strictEqual(t.role, "replica");
    assert.strictEqual(t.registryUrl, "https://registry.apne1.example.com");
    assert.strictEqual(t.caBundlePem, rec.outputs.caBundlePem);
    // Primaries get the whole bundle; the replica's own Harbor API client (the robot's connection) trusts the root.
    const [rootBlock, ...rest] = String(t.caBundlePem).split(/(?<=-----END CERTIFICATE-----\n)/);
    assert.strictEqual(rest.length, 1, "root + intermediate");
    const robot = rec.byType(DYN).find((r) => rec.inputs(r).kind === ROBOT)!;
    assert.strictEqual(rec.inputs(robot).connection.caPem, rootBlock);
    assert.strictEqual(t.robotName, "robot$replication");
    assert.deepStrictEqual(t.projects, ["apps", "platform"]);
    assert.strictEqual(t.allowsDeletion, false);
    assert.deepStrictEqual(t.backupBucket, {
      provider: "aws",
      bucket: "registry-platform-prod-apne1-backup",
      bucketArn: "arn:aws:s3:::registry-platform-prod-apne1-backup",
      region: "ap-northeast-1",
      accountId: "123456789012",
      sseKms: true,
      kmsKeyArn: "arn:aws:kms:ap-northeast-1:123456789012:alias/registry-platform",
      versioning: "Enabled",
      objectLock: { mode: "COMPLIANCE", days: 35 },
    });
    assert.ok(rec.outputSecrets().includes("replicationRobotSecret"));
    assert.ok(!rec.outputSecrets().some((p) => p.startsWith("replicationTarget")));
    assert.match(rec.outputs.replicationRobotSecret, /^[A-Za-z0-9]{32}$/);
  });
});

describe("replication: a primary with two peers", function () {
  this.timeout(180000);
  let rec: Recorded;
  let apne1: Recorded;
  before(async () => {
    apne1 = await stackRun("prod-apne1");
    rec = await runProgram(
      "prod-apne2",
      stackWith("prod-apne2", twoPeers),
      false,
      peersFromRuns({ "prod-apne1": apne1, "prod-apne3": apne3From(apne1.asPeer()) }),
    );
  });

  it("reads each peer with one StackReference under the ReplicationPeers component", () => {
    const refs = rec.byType(REF);
    assert.deepStrictEqual(
      refs.map((r) => [r.name, rec.inputs(r).name, r.read, rec.parentOf(r)?.type]),
      [
        ["registry-replication-prod-apne1", APNE1, true, "registry-platform:replication:ReplicationPeers"],
        ["registry-replication-prod-apne3", APNE3, true, "registry-platform:replication:ReplicationPeers"],
      ],
    );
  });

  const kindOf = (kind: string) => rec.byType(DYN).filter((r) => rec.inputs(r).kind === kind);

  it("creates exactly one Harbor endpoint and one push policy per peer, with the peer's URL, CA and robot", () => {
    const endpoints = kindOf("harbor:Registry").filter((r) => rec.inputs(r).type === "harbor");
    const policies = kindOf("harbor:ReplicationPolicy");
    assert.deepStrictEqual(
      endpoints.map((e) => e.name),
      ["registry-harbor-replication-prod-apne1-endpoint", "registry-harbor-replication-prod-apne3-endpoint"],
    );
    assert.deepStrictEqual(
      policies.map((e) => e.name),
      ["registry-harbor-replication-to-prod-apne1", "registry-harbor-replication-to-prod-apne3"],
    );
    const apne3 = apne3From(apne1.asPeer()).outputs.replicationTarget as Record<string, any>;
    const expected = [
      [apne1.outputs.replicationTarget, apne1.outputs.replicationRobotSecret, "prod-apne1"],
      [apne3, "apne3-robot-secret", "prod-apne3"],
    ] as const;
    endpoints.forEach((e, i) => {
      const [t, secret, peer] = expected[i];
      const inputs = rec.inputs(e);
      assert.deepStrictEqual(
        {
          name: inputs.name,
          type: inputs.type,
          url: inputs.url,
          insecure: inputs.insecure,
          caCertificate: inputs.caCertificate,
          accessKey: inputs.accessKey,
          accessSecret: inputs.accessSecret,
        },
        {
          name: `peer-${peer}`,
          type: "harbor",
          url: t.registryUrl,
          insecure: false,
          caCertificate: t.caBundlePem,
          accessKey: t.robotName,
          accessSecret: secret,
        },
      );
      assert.deepStrictEqual(rec.secrets(e).sort(), ["connection", "spec.accessSecret"]);
      assert.strictEqual(rec.parentOf(e)?.type, "registry-platform:replication:HarborReplication");
    });
    const [p1, p3] = policies.map((p) => rec.inputs(p));
    assert.deepStrictEqual(
      { ...p1, connection: undefined, kind: undefined, __provider: undefined },
      {
        connection: undefined,
        kind: undefined,
        __provider: undefined,
        name: "to-prod-apne1",
        description: "Push apps, platform to organization/registry-platform/prod-apne1 (registry-platform)",
        destRegistryId: p1.destRegistryId,
        filters: { name: "{apps,platform}/**" },
        trigger: { type: "event_based" },
        deletion: false,
        override: true,
        enabled: true,
        speed: -1,
        copyByChunk: true,
        destNamespace: "",
        destNamespaceReplaceCount: 0,
      },
    );
    assert.deepStrictEqual(p3.filters, { name: "platform/**" });
    // A policy points at its peer's endpoint: Pulumi deletes it before the endpoint when the peer goes away.
    policies.forEach((p, i) => assert.ok(p.dependencies.includes(endpoints[i].urn)));
    assert.strictEqual(typeof p1.destRegistryId, "number");
  });

  it("Harbor resources wait for Harbor and its projects", () => {
    const project = rec.one(DYN, "registry-harbor-config-apps-project");
    for (const r of [
      ...kindOf("harbor:ReplicationPolicy"),
      ...kindOf("harbor:Registry").filter((x) => x.name.includes("replication")),
    ])
      assert.ok(r.dependencies.includes(project.urn), `${r.name} must wait for the projects`);
  });

  it("replicates the backup bucket into exactly the peers' buckets, re-encrypted with their keys", () => {
    const cfg = rec.inputs(rec.one("aws:s3/bucketReplicationConfig:BucketReplicationConfig"));
    const role = rec.one("aws:iam/role:Role", "registry-replication-backup-role");
    assert.strictEqual(cfg.bucket, "registry-platform-prod-apne2-backup");
    assert.match(cfg.role, /^arn:aws:iam::123456789012:role\/registry-replication-backup-role-[0-9a-f]{7}$/);
    assert.deepStrictEqual(
      cfg.rules.map((r: any) => [
        r.id,
        r.priority,
        r.destination.bucket,
        r.destination.encryptionConfiguration.replicaKmsKeyId,
        r.deleteMarkerReplication.status,
        r.destination.metrics.status,
        r.destination.replicationTime?.status,
      ]),
      [
        [
          "to-prod-apne1",
          1,
          "arn:aws:s3:::registry-platform-prod-apne1-backup",
          "arn:aws:kms:ap-northeast-1:123456789012:alias/registry-platform",
          "Disabled",
          "Enabled",
          undefined,
        ],
        [
          "to-prod-apne3",
          2,
          "arn:aws:s3:::registry-platform-prod-apne3-backup",
          "arn:aws:kms:ap-northeast-3:123456789012:key/apne3",
          "Disabled",
          "Enabled",
          "Enabled",
        ],
      ],
    );
    const policy = JSON.parse(
      rec.inputs(rec.one("aws:iam/rolePolicy:RolePolicy", "registry-replication-backup-role-policy")).policy,
    );
    const replicate = policy.Statement.find((s: any) => s.Sid === "ReplicateIntoPeerBuckets");
    assert.deepStrictEqual(replicate.Action, ["s3:ReplicateObject", "s3:ReplicateTags"]);
    assert.deepStrictEqual(replicate.Resource, [
      "arn:aws:s3:::registry-platform-prod-apne1-backup/*",
      "arn:aws:s3:::registry-platform-prod-apne3-backup/*",
    ]);
    const source = policy.Statement.filter((s: any) => s.Sid.startsWith("Source"));
    assert.deepStrictEqual(
      source.map((s: any) => s.Resource),
      [
        "arn:aws:s3:::registry-platform-prod-apne2-backup",
        "arn:aws:s3:::registry-platform-prod-apne2-backup/*",
      ],
    );
    const trust = JSON.parse(rec.inputs(role).assumeRolePolicy);
    assert.deepStrictEqual(trust.Statement[0].Condition.ArnLike, {
      "aws:SourceArn": "arn:aws:s3:::registry-platform-prod-apne2-backup",
    });
  });

  it("the replication configuration waits for the source bucket's versioning", () => {
    const cfg = rec.one("aws:s3/bucketReplicationConfig:BucketReplicationConfig");
    const versioning = rec.one(
      "aws:s3/bucketVersioning:BucketVersioning",
      "registry-storage-backup-versioning",
    );
    assert.ok(cfg.dependencies.includes(versioning.urn));
    assert.strictEqual(rec.providerOf(cfg)?.name, "registry-aws");
  });

  it("Harbor trusts its own CA and every peer's (caBundleSecretName); the portal's download stays its own CA", () => {
    const secret = (n: string) =>
      rec.inputs(rec.one("kubernetes:core/v1:Secret", n)).stringData["ca.crt"] as string;
    const trusted = secret("registry-harbor-trusted-ca-bundle-secret");
    const body = (pem: string) => pem.trim().split("\n").slice(1, 3).join("\n");
    assert.ok(trusted.includes(body(rec.outputs.caBundlePem)), "own CA");
    assert.ok(trusted.includes(body(apne1.outputs.caBundlePem)), "prod-apne1's CA");
    assert.ok(trusted.includes("QVBORTMgQ0E="), "prod-apne3's CA");
    // (The mock engine's prod-apne1 and prod-apne2 CAs are the same fake PEM: prod-apne3's tells them apart.)
    assert.ok(!secret("registry-harbor-ca-bundle-secret").includes("QVBORTMgQ0E="));
    const values = rec.inputs(rec.one("kubernetes:helm.sh/v3:Release", "registry-harbor-release")).values;
    assert.match(values.caBundleSecretName, /trusted-ca-bundle$/);
  });

  it("exports each peer's endpoint, policies and backup replication", () => {
    assert.deepStrictEqual(rec.outputs.replicationPeers, {
      "prod-apne1": {
        stack: APNE1,
        registryUrl: "https://registry.apne1.example.com",
        endpoint: "peer-prod-apne1",
        policies: ["to-prod-apne1"],
        projects: ["apps", "platform"],
        backupReplication: true,
      },
      "prod-apne3": {
        stack: APNE3,
        registryUrl: "https://registry.apne3.example.com",
        endpoint: "peer-prod-apne3",
        policies: ["to-prod-apne3"],
        projects: ["platform"],
        backupReplication: true,
      },
    });
    assert.strictEqual(rec.outputs.replicationTarget, undefined);
  });
});

describe("replication: what a primary refuses from a peer", function () {
  this.timeout(120000);
  let apne1: PeerStackOutputs;
  before(async () => {
    apne1 = (await stackRun("prod-apne1")).asPeer();
  });
  const primary = primaryConfig({ replication: { peers: [{ stack: APNE1, deletion: true }] } });

  it("a peer not deployed yet (no replication outputs): one error naming the peer stack, the output and the order", async () => {
    const { error } = await runProgramFailing(
      "prod-apne2",
      primary,
      peersFromRuns({ "prod-apne1": { outputs: { role: "primary" }, secretOutputNames: [] } }),
    );
    assert.ok(error instanceof pulumi.ResourceError, String(error));
    assert.strictEqual(
      error.message.replace(/^(error serializing property "[^"]+": )+/, ""),
      `peer stack ${APNE1}: it has no output "replicationTarget": deploy it before this stack ` +
        `(replicas before their primary): pulumi up --stack ${APNE1}`,
    );
    assert.strictEqual(error.resource?.constructor.name, "ReplicationPeers");
  });

  it("a peer with the target but without the robot's secret: the error names that output", async () => {
    const { error } = await runProgramFailing(
      "prod-apne2",
      primaryConfig({ replication: { peers: [{ stack: APNE1 }] } }),
      peersFromRuns({
        "prod-apne1": {
          outputs: { replicationTarget: apne1.outputs.replicationTarget },
          secretOutputNames: [],
        },
      }),
    );
    assert.match(
      String(error),
      /peer stack organization\/registry-platform\/prod-apne1: it has no output "replicationRobotSecret": deploy it before this stack/,
    );
  });

  it("a peer whose robot may not delete, lacking a project, fails naming the peer and each field", async () => {
    const t = apne1.outputs.replicationTarget as Record<string, any>;
    const { error } = await runProgramFailing(
      "prod-apne2",
      primary,
      peersFromRuns({
        "prod-apne1": {
          outputs: { ...apne1.outputs, replicationTarget: { ...t, projects: ["platform"] } },
          secretOutputNames: apne1.secretOutputNames,
        },
      }),
    );
    assert.match(String(error), /peer stack organization\/registry-platform\/prod-apne1: /);
    assert.match(String(error), /output replicationTarget.projects lacks "apps"/);
    assert.match(
      String(error),
      /output replicationTarget.allowsDeletion is false; replicating deletions needs/,
    );
  });

  it("a backup-replicating peer in this stack's own region fails: disaster recovery is cross-region", async () => {
    const t = apne1.outputs.replicationTarget as Record<string, any>;
    const sameRegion = { ...t, backupBucket: { ...t.backupBucket, region: "ap-northeast-2" } };
    const { error } = await runProgramFailing(
      "prod-apne2",
      primary,
      peersFromRuns({
        "prod-apne1": {
          outputs: { ...apne1.outputs, replicationTarget: sameRegion },
          secretOutputNames: apne1.secretOutputNames,
        },
      }),
    );
    assert.match(
      String(error),
      /peer stack organization\/registry-platform\/prod-apne1: .*output replicationTarget\.backupBucket\.region is "ap-northeast-2", this stack's region; backups replicate to a peer in another region/,
    );
  });
});
