import * as assert from "assert";
import {
  irsaTrustPolicy,
  kmsStatement,
  logBucketPolicy,
  oidcIssuerOf,
  PolicyDocument,
  registryIamPolicy,
  tlsOnlyBucketPolicy,
  veleroIamPolicy,
} from "../../components/storage";

const ARN = "arn:aws:s3:::acme-registry";
const KEY = "arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ALIAS = "arn:aws:kms:ap-northeast-2:123456789012:alias/registry-platform";
const OIDC =
  "arn:aws:iam::123456789012:oidc-provider/oidc.eks.ap-northeast-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const ISSUER = "oidc.eks.ap-northeast-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";

/** Every (action, resource) pair an Allow statement grants. */
function grants(doc: PolicyDocument): string[] {
  const list = (x: string | string[] | undefined) => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
  return doc.Statement.filter((s) => s.Effect === "Allow").flatMap((s) =>
    list(s.Action).flatMap((a) => list(s.Resource).map((r) => `${a} ${r}`)),
  );
}

describe("storage policies: TLS-only bucket policies (R1.3)", () => {
  it("denies every S3 action on the bucket and its objects without TLS, exactly", () => {
    assert.strictEqual(
      JSON.stringify(tlsOnlyBucketPolicy(ARN)),
      '{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*",' +
        '"Action":"s3:*","Resource":["arn:aws:s3:::acme-registry","arn:aws:s3:::acme-registry/*"],' +
        '"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}',
    );
  });

  it("log bucket: TLS only + log delivery by the logging service for our buckets and account only", () => {
    assert.deepStrictEqual(
      logBucketPolicy({
        logBucketArn: "arn:aws:s3:::acme-logs",
        sourceBucketArns: [ARN, "arn:aws:s3:::acme-backup"],
        accountId: "123456789012",
      }),
      {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: ["arn:aws:s3:::acme-logs", "arn:aws:s3:::acme-logs/*"],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
          {
            Sid: "AllowS3ServerAccessLogDelivery",
            Effect: "Allow",
            Principal: { Service: "logging.s3.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: "arn:aws:s3:::acme-logs/*",
            Condition: {
              ArnLike: { "aws:SourceArn": [ARN, "arn:aws:s3:::acme-backup"] },
              StringEquals: { "aws:SourceAccount": "123456789012" },
            },
          },
        ],
      },
    );
  });
});

describe("storage policies: least-privilege IAM (R1.4)", () => {
  it("registry: listing on the bucket ARN, object + multipart actions on arn/*, nothing else", () => {
    const doc = registryIamPolicy({ bucketArn: ARN });
    assert.deepStrictEqual(doc, {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "RegistryBucket",
          Effect: "Allow",
          Action: ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"],
          Resource: ARN,
        },
        {
          Sid: "RegistryObjects",
          Effect: "Allow",
          Action: [
            "s3:GetObject",
            "s3:PutObject",
            "s3:DeleteObject",
            "s3:ListMultipartUploadParts",
            "s3:AbortMultipartUpload",
          ],
          Resource: `${ARN}/*`,
        },
      ],
    });
    for (const g of grants(doc)) {
      assert.ok(!g.split(" ")[0].includes("*"), `no wildcard action: ${g}`);
      assert.ok(g.endsWith(` ${ARN}`) || g.endsWith(` ${ARN}/*`), `only the registry bucket: ${g}`);
    }
  });

  it("registry with a customer key ARN: KMS use through S3 in the region, on that key only", () => {
    const doc = registryIamPolicy({ bucketArn: ARN, kms: { kmsKeyArn: KEY, region: "ap-northeast-2" } });
    assert.deepStrictEqual(doc.Statement[2], {
      Sid: "UseBucketKmsKey",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: KEY,
      Condition: { StringEquals: { "kms:ViaService": "s3.ap-northeast-2.amazonaws.com" } },
    });
  });

  it("a KMS alias ARN is matched through kms:ResourceAliases (an alias is no resource for Decrypt)", () => {
    assert.deepStrictEqual(kmsStatement(ALIAS, "ap-northeast-2"), {
      Sid: "UseBucketKmsKey",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: {
        StringEquals: { "kms:ViaService": "s3.ap-northeast-2.amazonaws.com" },
        "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/registry-platform" },
      },
    });
    assert.deepStrictEqual(
      kmsStatement("arn:aws-cn:kms:cn-north-1:123456789012:key/k1", "cn-north-1").Condition,
      { StringEquals: { "kms:ViaService": "s3.cn-north-1.amazonaws.com.cn" } },
    );
    assert.throws(() => kmsStatement("alias/registry-platform", "ap-northeast-2"), /kmsKeyArn: found/);
  });

  it("velero without snapshots: backup bucket only, no EC2 action at all", () => {
    const bucket = "arn:aws:s3:::acme-backup";
    const doc = veleroIamPolicy({ bucketArn: bucket, snapshots: false });
    assert.deepStrictEqual(grants(doc).sort(), [
      `s3:AbortMultipartUpload ${bucket}/*`,
      `s3:DeleteObject ${bucket}/*`,
      `s3:GetObject ${bucket}/*`,
      `s3:ListBucket ${bucket}`,
      `s3:ListMultipartUploadParts ${bucket}/*`,
      `s3:PutObject ${bucket}/*`,
    ]);
    assert.ok(!JSON.stringify(doc).includes("ec2:"));
  });

  it("velero with snapshots: adds exactly the EBS snapshot actions", () => {
    const doc = veleroIamPolicy({ bucketArn: "arn:aws:s3:::b", snapshots: true });
    assert.deepStrictEqual(doc.Statement[doc.Statement.length - 1], {
      Sid: "VeleroEbsSnapshots",
      Effect: "Allow",
      Action: [
        "ec2:DescribeVolumes",
        "ec2:DescribeSnapshots",
        "ec2:CreateTags",
        "ec2:CreateVolume",
        "ec2:CreateSnapshot",
        "ec2:DeleteSnapshot",
      ],
      Resource: "*",
    });
    assert.strictEqual(doc.Statement.length, 3);
  });
});

describe("storage policies: IRSA trust policy (R1.4)", () => {
  it("derives the issuer from the OIDC provider ARN", () => {
    assert.strictEqual(oidcIssuerOf(OIDC), ISSUER);
  });

  it("lets only velero's service account assume the role, with audience sts.amazonaws.com", () => {
    assert.deepStrictEqual(
      irsaTrustPolicy({ oidcProviderArn: OIDC, namespace: "velero", serviceAccount: "velero" }),
      {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "VeleroServiceAccount",
            Effect: "Allow",
            Principal: { Federated: OIDC },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: {
                [`${ISSUER}:sub`]: "system:serviceaccount:velero:velero",
                [`${ISSUER}:aud`]: "sts.amazonaws.com",
              },
            },
          },
        ],
      },
    );
  });

  it("refuses a malformed OIDC provider ARN or service account", () => {
    assert.throws(
      () =>
        irsaTrustPolicy({
          oidcProviderArn: "arn:aws:iam::123:role/x",
          namespace: "velero",
          serviceAccount: "v",
        }),
      /irsa\.oidcProviderArn: found "arn:aws:iam::123:role\/x"/,
    );
    assert.throws(
      () => irsaTrustPolicy({ oidcProviderArn: OIDC, namespace: "Velero", serviceAccount: "velero" }),
      /irsa\.namespace: found "Velero"/,
    );
  });
});
