/**
 * The checksum behind the pods' rollout annotations (pure), and the provider arguments.
 */
import * as assert from "assert";
import { createHmac } from "crypto";
import { kubernetesProviderArgs } from "../../components/providers";
import { dataChecksum } from "../../components/providers/rollout";

describe("providers: kubernetes provider arguments", () => {
  it("server-side apply, and Secrets and ConfigMaps mutable in place", () => {
    assert.deepStrictEqual(kubernetesProviderArgs({ context: "c" }), {
      context: "c",
      enableServerSideApply: true,
      enableSecretMutable: true,
      enableConfigMapMutable: true,
    });
  });
});

describe("providers: data checksums", () => {
  it("is an HMAC-SHA256 under the key: other key, other checksum; no plain sha256 of the data", () => {
    const a = dataChecksum("k1", { "s/password": "hunter2" });
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.notStrictEqual(dataChecksum("k2", { "s/password": "hunter2" }), a);
    assert.strictEqual(a, createHmac("sha256", "k1").update("10:s/password7:hunter2").digest("hex"));
  });

  it("independent of entry order; any change of a name or value changes it; no ambiguous encodings", () => {
    const base = dataChecksum("k", { a: "1", b: "2" });
    assert.strictEqual(dataChecksum("k", { b: "2", a: "1" }), base);
    assert.notStrictEqual(dataChecksum("k", { a: "1", b: "3" }), base);
    assert.notStrictEqual(dataChecksum("k", { a: "1", c: "2" }), base);
    assert.notStrictEqual(dataChecksum("k", { a: "12", b: "" }), dataChecksum("k", { a: "1", b: "2" }));
    assert.notStrictEqual(dataChecksum("k", { ab: "" }), dataChecksum("k", { a: "b" }));
    assert.throws(() => dataChecksum("", {}), /the key must not be empty/);
  });
});
