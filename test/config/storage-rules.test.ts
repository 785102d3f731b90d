/**
 * Storage config the schema and the cross-key rules used to accept although S3 (or the storage's own
 * semantics) refuses it (audit 3 of the storage area): each is a config error naming the key, the value found
 * and what is allowed, before any resource is registered.
 */
import * as assert from "assert";
import { stackValue, stackWith } from "../harness";
import { configIssues, parsedConfig, withSecret } from "../harness/config";

const has = (lines: string[], re: RegExp) =>
  assert.ok(
    lines.some((l) => re.test(l)),
    `no issue matches ${re}; got:\n${lines.join("\n")}`,
  );

/** The dev stack on an S3-compatible endpoint, with its credentials set as secrets. */
function devOnS3Compatible(storage: Record<string, unknown>) {
  const sc = stackWith("dev", {
    region: "dc1",
    storage: { provider: "s3-compatible", endpoint: "https://minio.dc1.example.internal:9000", ...storage },
  });
  return withSecret(withSecret(sc, "s3AccessKey", "AKIAEXAMPLE"), "s3SecretKey", "example-secret-key");
}

describe("config: storage input S3 refuses at create/first write is a config error", () => {
  it("a namePrefix that gives the default bucket names a reserved S3 prefix (xn--, sthree-)", () => {
    for (const prefix of ["xn--registry", "sthree-platform"]) {
      const lines = configIssues(stackWith("dev", { namePrefix: prefix }));
      for (const k of ["registryBucket", "backupBucket", "logBucket"])
        has(
          lines,
          new RegExp(
            `^registry-platform:storage\\.${k} \\| "${prefix}-[a-z]+" \\| an S3 bucket name: .*no reserved prefix .*\\(derived from namePrefix: change namePrefix or set storage\\.${k}\\)$`,
          ),
        );
    }
  });

  it("on s3-compatible the unused log bucket name is not checked (storage.logBucket may not be set there)", () => {
    const lines = configIssues({
      ...devOnS3Compatible({}),
      config: { ...devOnS3Compatible({}).config, "registry-platform:namePrefix": "xn--registry" },
    });
    has(lines, /^registry-platform:storage\.registryBucket \| "xn--registry-registry"/);
    assert.ok(!lines.some((l) => l.includes("storage.logBucket")), lines.join("\n"));
  });

  it("an explicit bucket name still wins over a namePrefix S3 would refuse", () => {
    const c = parsedConfig(
      stackWith("dev", {
        namePrefix: "xn--registry",
        storage: {
          ...stackValue("dev", "storage"),
          registryBucket: "acme-registry",
          backupBucket: "acme-backup",
          logBucket: "acme-logs",
        },
      }),
    );
    assert.strictEqual(c.storage.registryBucket, "acme-registry");
  });

  it("storage.kmsKeyArn in another region than the stack's (S3 cannot use it; uploads would fail)", () => {
    const lines = configIssues(
      stackWith("dev", {
        storage: { ...stackValue("dev", "storage"), kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/abc" },
      }),
    );
    has(
      lines,
      /^registry-platform:storage\.kmsKeyArn \| "arn:aws:kms:us-east-1:123456789012:key\/abc" \| a KMS key or alias ARN in region "ap-northeast-2" \(the buckets' region; S3 only uses a key of the bucket's region\)$/,
    );
  });

  it("storage.oidcProviderArn of an EKS cluster in another region (a copy from another region's stack file)", () => {
    const other = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.ap-northeast-2.amazonaws.com/id/EXAMPLE";
    const lines = configIssues(
      stackWith("prod-apne1", {
        storage: { ...stackValue("prod-apne1", "storage"), oidcProviderArn: other },
      }),
    );
    has(
      lines,
      /^registry-platform:storage\.oidcProviderArn \| "arn:aws:iam::123456789012:oidc-provider\/oidc\.eks\.ap-northeast-2\.[^|]+ \| the OIDC provider of an EKS cluster in region "ap-northeast-1" \(oidc\.eks\.ap-northeast-1\.amazonaws\.com; Velero runs in this region's cluster\)$/,
    );
    // The stack's own provider, and an issuer that is not EKS's (no region in it), are accepted.
    for (const arn of [
      "arn:aws:iam::123456789012:oidc-provider/oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE",
      "arn:aws:iam::123456789012:oidc-provider/token.actions.example.com",
    ])
      assert.strictEqual(
        parsedConfig(
          stackWith("prod-apne1", {
            storage: { ...stackValue("prod-apne1", "storage"), oidcProviderArn: arn },
          }),
        ).storage.oidcProviderArn,
        arn,
      );
  });

  it("a kmsKeyArn in the stack's region is accepted", () => {
    const c = parsedConfig(
      stackWith("dev", {
        storage: {
          ...stackValue("dev", "storage"),
          kmsKeyArn: "arn:aws:kms:ap-northeast-2:123456789012:alias/registry",
        },
      }),
    );
    assert.strictEqual(c.storage.kmsKeyArn, "arn:aws:kms:ap-northeast-2:123456789012:alias/registry");
  });

  it("storage.endpointUsesPlatformCa with a plain http endpoint (no certificate to verify)", () => {
    const lines = configIssues(
      devOnS3Compatible({ endpoint: "http://minio.dc1.example.internal:9000", endpointUsesPlatformCa: true }),
    );
    has(
      lines,
      /^registry-platform:storage\.endpointUsesPlatformCa \| true \| false when storage\.endpoint is a plain http URL \(no TLS, so no certificate for the platform CA to verify\); or an https storage\.endpoint$/,
    );
  });

  it("production refuses a plain http storage.endpoint; dev still takes one (the TLS-only policy is skipped there)", () => {
    const http = "http://minio.dc1.corp.internal:9000";
    const lines = configIssues(
      stackWith("onprem", {
        storage: { ...stackValue("onprem", "storage"), endpoint: http, endpointUsesPlatformCa: false },
      }),
    );
    has(
      lines,
      /^registry-platform:storage\.endpoint \| "http:\/\/minio\.dc1\.corp\.internal:9000" \| an https URL when environment is "prod" \(over plain http the buckets cannot deny requests without TLS, SPEC R1\.3/,
    );
    const dev = parsedConfig(
      devOnS3Compatible({ endpoint: "http://minio.dc1.example.internal:9000" }),
      "dev",
    );
    assert.strictEqual(dev.storage.endpoint, "http://minio.dc1.example.internal:9000");
  });

  // Keys the other provider would use: silently ignored before, like archive.storageClass was (audit 3).
  it("storage.signingRegion on aws (the buckets live in registry-platform:region)", () => {
    const lines = configIssues(
      stackWith("dev", { storage: { ...stackValue("dev", "storage"), signingRegion: "eu-west-1" } }),
    );
    has(
      lines,
      /^registry-platform:storage\.signingRegion \| "eu-west-1" \| nothing when storage\.provider is "aws" \(the buckets are created in registry-platform:region\)$/,
    );
  });

  it("storage.abortMultipartDays and storage.logBucket on s3-compatible (AWS-only lifecycle rule and log bucket)", () => {
    const lines = configIssues(devOnS3Compatible({ abortMultipartDays: 3, logBucket: "acme-logs" }));
    has(
      lines,
      /^registry-platform:storage\.abortMultipartDays \| 3 \| nothing when storage\.provider is "s3-compatible" \(the platform sets the abort-multipart lifecycle rule on AWS only/,
    );
    has(
      lines,
      /^registry-platform:storage\.logBucket \| "acme-logs" \| nothing when storage\.provider is "s3-compatible" \(server access logging and its log bucket are AWS only\)$/,
    );
  });

  it("the defaults of those keys pass on both providers", () => {
    assert.strictEqual(parsedConfig(stackWith("dev", {})).storage.signingRegion, "us-east-1");
    const c = parsedConfig(devOnS3Compatible({ signingRegion: "dc1" }));
    assert.strictEqual(c.storage.abortMultipartDays, 7);
    assert.strictEqual(c.storage.signingRegion, "dc1");
  });
});

describe("config: tags the buckets and IAM resources could not carry", () => {
  it("more than 46 tags (AWS allows 50 per bucket, IAM user and role; the platform adds 4)", () => {
    const tags = Object.fromEntries(Array.from({ length: 47 }, (_, i) => [`team-${i}`, "x"]));
    const lines = configIssues(stackWith("dev", { tags }));
    has(
      lines,
      /^registry-platform:tags \| .* \| at most 46 tags \(AWS allows 50 per bucket, IAM user and role; the platform adds 4: registry-platform\/env, \/region, \/stack, \/component\)$/,
    );
    const ok = Object.fromEntries(Array.from({ length: 46 }, (_, i) => [`team-${i}`, "x"]));
    assert.strictEqual(Object.keys(parsedConfig(stackWith("dev", { tags: ok })).tags).length, 46);
  });

  it("a tag key under registry-platform/ (the platform's own tags would silently replace it)", () => {
    const lines = configIssues(stackWith("dev", { tags: { "registry-platform/env": "production" } }));
    has(
      lines,
      /^registry-platform:tags\["registry-platform\/env"\]|^registry-platform:tags\.registry-platform\/env/,
    );
    has(lines, /a key not starting with registry-platform\/ \(the platform's own tags\)/);
  });
});
