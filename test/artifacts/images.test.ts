/**
 * Image references and the mirror rewrite (pure).
 */
import * as assert from "assert";
import {
  hostOf,
  isPublicHost,
  isUnderMirror,
  mirrorImageRef,
  mirrorRepository,
  splitImageRef,
} from "../../components/artifacts";

const D = "sha256:" + "ab".repeat(32);

describe("artifacts: image references", () => {
  it("parses host, path, tag and digest; Docker Hub's implicit host and library/ made explicit", () => {
    assert.deepStrictEqual(splitImageRef("busybox"), { host: "docker.io", path: "library/busybox" });
    assert.deepStrictEqual(splitImageRef("velero/velero:v1.18.1"), {
      host: "docker.io",
      path: "velero/velero",
      tag: "v1.18.1",
    });
    assert.deepStrictEqual(splitImageRef(`registry.k8s.io/pause:3.10@${D}`), {
      host: "registry.k8s.io",
      path: "pause",
      tag: "3.10",
      digest: D,
    });
    assert.deepStrictEqual(splitImageRef(`localhost:5000/a/b@${D}`), {
      host: "localhost:5000",
      path: "a/b",
      digest: D,
    });
    assert.throws(() => splitImageRef("a@sha256:short"), /the digest is not sha256:<64 hex>/);
    assert.throws(() => splitImageRef("a//b"), /not an image reference/);
  });

  it("rewrites under the mirror keeping path, tag and digest; leaves references already under it", () => {
    const m = "mirror.example.internal:5000/platform";
    assert.strictEqual(
      mirrorImageRef(`docker.io/library/busybox:1.37.0@${D}`, m),
      `${m}/library/busybox:1.37.0@${D}`,
    );
    assert.strictEqual(mirrorImageRef(`registry.k8s.io/pause:3.10@${D}`, m), `${m}/pause:3.10@${D}`);
    assert.strictEqual(
      mirrorImageRef("velero/velero-plugin-for-aws:v1.14.3", m),
      `${m}/velero/velero-plugin-for-aws:v1.14.3`,
    );
    assert.strictEqual(mirrorImageRef(`${m}/drill:1@${D}`, m), `${m}/drill:1@${D}`);
    assert.strictEqual(mirrorImageRef(`docker.io/a/b:1`, undefined), "docker.io/a/b:1");
    assert.strictEqual(
      mirrorRepository("docker.io/goharbor/harbor-core", `${m}/`),
      `${m}/goharbor/harbor-core`,
    );
    assert.strictEqual(mirrorRepository("docker.io/goharbor/harbor-core"), "docker.io/goharbor/harbor-core");
    // A path merely starting like the mirror is not under it.
    assert.ok(!isUnderMirror("mirror.example.internal:5000/platformx/a", m));
    assert.ok(isUnderMirror(`${m}/a`, m));
  });

  it("hosts of references, OCI references and URLs; the well-known public ones", () => {
    assert.strictEqual(hostOf("busybox:1"), "docker.io");
    assert.strictEqual(hostOf("mirror.internal:5000"), "mirror.internal");
    assert.strictEqual(hostOf("goharbor/harbor-core"), "docker.io");
    assert.strictEqual(hostOf("Mirror.Example.Internal:5000/p"), "mirror.example.internal");
    assert.strictEqual(hostOf("oci://ghcr.io/org/charts"), "ghcr.io");
    assert.strictEqual(hostOf("https://helm.goharbor.io"), "helm.goharbor.io");
    for (const h of [
      "docker.io",
      "registry.k8s.io",
      "ghcr.io",
      "quay.io",
      "mirror.gcr.io",
      "eu.gcr.io",
      "x.github.io",
    ])
      assert.ok(isPublicHost(h), h);
    for (const h of ["mirror.dc1.corp.internal", "127.0.0.1", "localhost", "registry.example.internal"])
      assert.ok(!isPublicHost(h), h);
  });
});
