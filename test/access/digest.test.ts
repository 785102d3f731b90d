/**
 * The digest resolver's pure parts (the HTTP flow runs against the real distribution registry in
 * test/access/real/digest.real.ts, `npm run test:real`).
 */
import * as assert from "assert";
import { parseChallenge, referenceProblems, resolveDigest } from "../../components/access/digest";

describe("digest resolver: parsing and checks", () => {
  it("parses Bearer challenges with quoted and bare values", () => {
    assert.deepStrictEqual(
      parseChallenge(
        'Bearer realm="https://r.example.com/service/token",service="harbor-registry",scope="repository:a/b:pull"',
      ),
      {
        scheme: "bearer",
        params: {
          realm: "https://r.example.com/service/token",
          service: "harbor-registry",
          scope: "repository:a/b:pull",
        },
      },
    );
    assert.deepStrictEqual(parseChallenge('Basic realm="x"'), { scheme: "basic", params: { realm: "x" } });
    assert.deepStrictEqual(parseChallenge("Bearer realm=https://t/x,service=s"), {
      scheme: "bearer",
      params: { realm: "https://t/x", service: "s" },
    });
    assert.strictEqual(parseChallenge(undefined), undefined);
  });

  it("refuses malformed repositories and tags before any request, naming the image", async () => {
    assert.deepStrictEqual(referenceProblems("apps/web", "v1.2.3"), []);
    assert.deepStrictEqual(referenceProblems("apps/web", `sha256:${"0".repeat(64)}`), []);
    assert.deepStrictEqual(referenceProblems("Apps/web", ":x"), [
      'repository "Apps/web" is not a lowercase path (a-z, 0-9, . _ - separators, /)',
      'reference ":x" is neither a tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}) nor a sha256 digest',
    ]);
    await assert.rejects(
      resolveDigest({ host: "127.0.0.1:1", repository: "apps/web", reference: "bad tag" }),
      /^DigestError: 127\.0\.0\.1:1\/apps\/web:bad tag: reference "bad tag" is neither a tag/,
    );
  });

  it("a registry that cannot be reached: the image and the cause, after the retries", async () => {
    await assert.rejects(
      resolveDigest({
        host: "127.0.0.1:1",
        repository: "apps/web",
        reference: "v1",
        attempts: 2,
        timeoutMs: 2000,
      }),
      /^DigestError: 127\.0\.0\.1:1\/apps\/web:v1: HEAD https:\/\/127\.0\.0\.1:1\/v2\/apps\/web\/manifests\/v1 failed: connect ECONNREFUSED/,
    );
  });
});
