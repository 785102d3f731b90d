/**
 * S3 replication of the backup bucket (SPEC R6.3): the pure role policies and rules.
 */
import * as assert from "assert";
import {
  DESTINATION_OBJECT_ACTIONS,
  ReplicationDestination,
  replicationRolePolicy,
  replicationRules,
  replicationTrustPolicy,
  SOURCE_OBJECT_ACTIONS,
  SourceBucket,
} from "../../components/replication/s3";

const SRC: SourceBucket = {
  bucketArn: "arn:aws:s3:::src-backup",
  region: "ap-northeast-2",
  accountId: "111122223333",
  kms: true,
  kmsKeyArn: "arn:aws:kms:ap-northeast-2:111122223333:key/1111",
};
const dest = (name: string, extra: Partial<ReplicationDestination> = {}): ReplicationDestination => ({
  name,
  stack: `organization/registry-platform/${name}`,
  bucketArn: `arn:aws:s3:::${name}-backup`,
  accountId: "111122223333",
  region: "ap-northeast-1",
  kmsKeyArn: `arn:aws:kms:ap-northeast-1:111122223333:key/${name}`,
  replicationTime: false,
  ...extra,
});

describe("replication: S3 replication rules", () => {
  it("one rule per peer: whole bucket, delete markers off, KMS objects re-encrypted with the peer key, metrics on", () => {
    const rules = replicationRules(SRC, [
      dest("a"),
      dest("b", { replicationTime: true, storageClass: "STANDARD_IA" }),
    ]);
    assert.deepStrictEqual(rules[0], {
      id: "to-a",
      status: "Enabled",
      priority: 1,
      filter: { prefix: "" },
      deleteMarkerReplication: { status: "Disabled" },
      sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
      destination: {
        bucket: "arn:aws:s3:::a-backup",
        encryptionConfiguration: { replicaKmsKeyId: "arn:aws:kms:ap-northeast-1:111122223333:key/a" },
        metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
      },
    });
    assert.strictEqual(rules[1].priority, 2);
    assert.deepStrictEqual(rules[1].destination.replicationTime, {
      status: "Enabled",
      time: { minutes: 15 },
    });
    assert.strictEqual(rules[1].destination.storageClass, "STANDARD_IA");
    assert.strictEqual(rules[0].destination.replicationTime, undefined);
  });

  it("an SSE-S3 source replicates without KMS settings", () => {
    const [rule] = replicationRules({ ...SRC, kms: false, kmsKeyArn: undefined }, [
      dest("a", { kmsKeyArn: undefined }),
    ]);
    assert.strictEqual(rule.sourceSelectionCriteria, undefined);
    assert.strictEqual(rule.destination.encryptionConfiguration, undefined);
  });

  it("refuses a KMS source without a destination key, a second account and duplicate names", () => {
    assert.throws(
      () => replicationRules(SRC, [dest("a", { kmsKeyArn: undefined })]),
      /destination a needs a KMS key/,
    );
    assert.throws(
      () => replicationRules(SRC, [dest("a", { accountId: "999999999999" })]),
      /peer stack organization\/registry-platform\/a: its backup bucket belongs to account 999999999999, this stack runs in 111122223333; S3 replication is set up within one account only/,
    );
    assert.throws(() => replicationRules(SRC, [dest("a"), dest("a")]), /two destinations named a/);
  });
});

describe("replication: the replication role", () => {
  it("trust: only S3, only for the source bucket of this account", () => {
    assert.deepStrictEqual(replicationTrustPolicy(SRC).Statement, [
      {
        Sid: "S3ReplicationOfSourceBucket",
        Effect: "Allow",
        Principal: { Service: "s3.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": "111122223333" },
          ArnLike: { "aws:SourceArn": "arn:aws:s3:::src-backup" },
        },
      },
    ]);
  });

  it("permissions: exactly the replication actions on exactly the source and peer ARNs; no delete", () => {
    const doc = replicationRolePolicy(SRC, [dest("a"), dest("b")]);
    const byActionResource = doc.Statement.map((s) => [s.Sid, s.Action, s.Resource]);
    assert.deepStrictEqual(byActionResource, [
      ["SourceBucket", ["s3:GetReplicationConfiguration", "s3:ListBucket"], "arn:aws:s3:::src-backup"],
      ["SourceObjectVersions", [...SOURCE_OBJECT_ACTIONS], "arn:aws:s3:::src-backup/*"],
      [
        "ReplicateIntoPeerBuckets",
        [...DESTINATION_OBJECT_ACTIONS],
        ["arn:aws:s3:::a-backup/*", "arn:aws:s3:::b-backup/*"],
      ],
      ["DecryptSourceObjects", ["kms:Decrypt"], SRC.kmsKeyArn],
      [
        "EncryptReplicasForA",
        ["kms:Encrypt", "kms:GenerateDataKey"],
        "arn:aws:kms:ap-northeast-1:111122223333:key/a",
      ],
      [
        "EncryptReplicasForB",
        ["kms:Encrypt", "kms:GenerateDataKey"],
        "arn:aws:kms:ap-northeast-1:111122223333:key/b",
      ],
    ]);
    assert.deepStrictEqual([...DESTINATION_OBJECT_ACTIONS], ["s3:ReplicateObject", "s3:ReplicateTags"]);
    assert.deepStrictEqual(
      [...SOURCE_OBJECT_ACTIONS],
      [
        "s3:GetObjectVersionForReplication",
        "s3:GetObjectVersionAcl",
        "s3:GetObjectVersionTagging",
        "s3:GetObjectRetention",
        "s3:GetObjectLegalHold",
      ],
    );
    const actions = doc.Statement.flatMap((s) => s.Action);
    for (const a of actions) assert.ok(!/Delete|\*/.test(a), `unexpected action ${a}`);
    for (const s of doc.Statement) assert.strictEqual(s.Effect, "Allow");
  });

  it("KMS statements: through S3 in the key's region, for that bucket's objects only; aliases by kms:ResourceAliases", () => {
    const doc = replicationRolePolicy(
      { ...SRC, kmsKeyArn: "arn:aws:kms:ap-northeast-2:111122223333:alias/reg" },
      [dest("a")],
    );
    const decrypt = doc.Statement.find((s) => s.Sid === "DecryptSourceObjects")!;
    assert.deepStrictEqual(decrypt.Resource, "*");
    assert.deepStrictEqual(decrypt.Condition, {
      StringEquals: { "kms:ViaService": "s3.ap-northeast-2.amazonaws.com" },
      StringLike: {
        "kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::src-backup", "arn:aws:s3:::src-backup/*"],
      },
      "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/reg" },
    });
    const encrypt = doc.Statement.find((s) => s.Sid === "EncryptReplicasForA")!;
    assert.deepStrictEqual(encrypt.Condition, {
      StringEquals: { "kms:ViaService": "s3.ap-northeast-1.amazonaws.com" },
      StringLike: {
        "kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::a-backup", "arn:aws:s3:::a-backup/*"],
      },
    });
  });

  it("AWS-managed keys need no statement; an SSE-S3 source none at all", () => {
    const managed = replicationRolePolicy({ ...SRC, kmsKeyArn: undefined }, [
      dest("a", { kmsKeyArn: "arn:aws:kms:ap-northeast-1:111122223333:alias/aws/s3" }),
    ]);
    assert.deepStrictEqual(
      managed.Statement.map((s) => s.Sid),
      ["SourceBucket", "SourceObjectVersions", "ReplicateIntoPeerBuckets"],
    );
    const plain = replicationRolePolicy({ ...SRC, kms: false, kmsKeyArn: undefined }, [dest("a")]);
    assert.ok(!JSON.stringify(plain).includes("kms:"));
  });
});
