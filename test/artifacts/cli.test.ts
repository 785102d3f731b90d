/**
 * `npm run images -- --stack <name> [--json]`: the listing of every image, Trivy database and chart to mirror.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { platformImages } from "../../components/artifacts/platform";
import { main } from "../../tools/images/cli";
import { ImagesReport } from "../../tools/images/report";
import { parsedConfig } from "../harness/config";
import { ROOT, stackFile } from "../harness";
import { scratchDir } from "../harness/scratch";

function run(argv: string[]): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const code = main(argv, { write: (s: string) => (out += s) }, { write: (s: string) => (err += s) });
  return { code, out, err };
}

describe("npm run images", () => {
  it("--json: every image the stack deploys, the Trivy databases and the charts with their sha256", () => {
    const r = run(["--stack", "onprem", "--json"]);
    assert.strictEqual(r.code, 0, r.err);
    const rep = JSON.parse(r.out) as ImagesReport;
    assert.strictEqual(rep.stack, "onprem");
    assert.strictEqual(rep.airGapped, true);
    assert.strictEqual(rep.mirror, "mirror.dc1.corp.internal/platform");
    assert.deepStrictEqual(rep.images, platformImages(parsedConfig(stackFile("onprem"), "onprem")));
    assert.strictEqual(rep.images.length, 22);
    assert.deepStrictEqual(
      [...new Set(rep.images.map((i) => i.component))],
      ["harbor", "velero", "policy", "node-trust"],
    );
    for (const i of rep.images) assert.ok(i.image.startsWith("mirror.dc1.corp.internal/platform/"), i.image);
    assert.deepStrictEqual(
      rep.images
        .filter((i) => i.source.includes("@"))
        .map((i) => i.source.split("@")[1] === i.image.split("@")[1]),
      [true, true, true, true],
    );
    assert.deepStrictEqual(
      rep.databases.map((d) => d.target),
      [
        "registry.dc1.corp.internal/mirror/aquasec/trivy-db:2",
        "registry.dc1.corp.internal/mirror/aquasec/trivy-java-db:1",
      ],
    );
    assert.deepStrictEqual(
      rep.charts.map((c) => [c.name, c.version, c.sha256, c.kind, c.location]),
      [
        [
          "harbor",
          "1.19.1",
          "893253e1f849d3c3c8827d030b08c91a5267a60ce86cbad8ef14359b37def04d",
          "oci",
          "oci://mirror.dc1.corp.internal/charts/harbor",
        ],
        [
          "velero",
          "12.1.0",
          "1ab80a78c7af567c66aaeaad512b824a344e32882be45b829267d0b1fef785fd",
          "oci",
          "oci://mirror.dc1.corp.internal/charts/velero",
        ],
        ["kyverno", "3.9.0", undefined, "oci", "oci://mirror.dc1.corp.internal/charts/kyverno"],
      ],
    );
  });

  it("text: one line per image, source -> target, and each chart with its digest and push command", () => {
    const r = run(["--stack", "onprem"]);
    assert.strictEqual(r.code, 0, r.err);
    assert.match(
      r.out,
      /^stack onprem: 22 images, 2 Trivy databases, 3 charts; image mirror mirror\.dc1\.corp\.internal\/platform; air-gapped$/m,
    );
    assert.match(
      r.out,
      /^ {2}registry\.k8s\.io\/pause:3\.10@sha256:[0-9a-f]{64} +-> {2}mirror\.dc1\.corp\.internal\/platform\/pause:3\.10@sha256:[0-9a-f]{64} +\[node-trust: pause container\]$/m,
    );
    // The drill image is already under the mirror (the stack file says so): listed, not copied.
    assert.match(
      r.out,
      /^ {2}mirror\.dc1\.corp\.internal\/platform\/registry-drill:v0\.1\.0@sha256:0{63}1 +-> {2}\(pulled from there\) +\[velero: restore drill CronJob\]$/m,
    );
    assert.match(r.out, /helm push harbor-1\.19\.1\.tgz oci:\/\/mirror\.dc1\.corp\.internal\/charts\)$/m);
    const dev = run(["--stack", "dev"]);
    assert.match(dev.out, /; no image mirror$/m);
    assert.match(dev.out, /docker\.io\/goharbor\/harbor-core:v2\.15\.1 +-> {2}\(pulled from there\)/);
  });

  it("needs no secrets: a stack file without them still lists", () => {
    const dir = scratchDir("images-cli");
    try {
      const doc = parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.onprem.yaml"), "utf8")) as {
        config: Record<string, unknown>;
      };
      for (const k of Object.keys(doc.config))
        if (typeof doc.config[k] === "object" && doc.config[k] !== null && "secure" in doc.config[k])
          delete doc.config[k];
      const file = path.join(dir, "Pulumi.onprem.yaml");
      fs.writeFileSync(file, stringify(doc));
      const r = run(["--stack", "onprem", "--config-file", file, "--json"]);
      assert.strictEqual(r.code, 0, r.err);
      assert.strictEqual((JSON.parse(r.out) as ImagesReport).images.length, 22);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("invalid config exits 2 naming every problem; bad arguments exit 64", () => {
    const dir = scratchDir("images-cli");
    try {
      const file = path.join(dir, "s.yaml");
      fs.writeFileSync(
        file,
        stringify({
          config: {
            "registry-platform:environment": "dev",
            "registry-platform:region": "ap-northeast-2",
            "registry-platform:host": "r.example.internal",
            "registry-platform:airGapped": true,
          },
        }),
      );
      const r = run(["--stack", "x", "--config-file", file]);
      assert.strictEqual(r.code, 2);
      assert.strictEqual(r.out, "");
      for (const k of ["images.mirror", "charts.harbor", "charts.velero", "harbor.trivy.offline"])
        assert.ok(r.err.includes(`registry-platform:${k}:`), `${k}\n${r.err}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.strictEqual(run([]).code, 64);
    assert.strictEqual(run(["--stack", "../x"]).code, 64);
    const nope = run(["--stack", "nope"]);
    assert.strictEqual(nope.code, 2);
    assert.match(
      nope.err,
      /no stack "nope": stacks\/Pulumi\.nope\.yaml does not exist \(stacks: dev, onprem, /,
    );
    assert.strictEqual(run(["--bogus"]).code, 64);
    assert.strictEqual(run(["--help"]).code, 0);
  });

  it("--config-file with an empty value is a usage error (it listed the --stack file instead)", () => {
    const r = run(["--stack", "dev", "--config-file", ""]);
    assert.strictEqual(r.code, 64);
    assert.strictEqual(r.out, "");
    assert.match(r.err, /^images: --config-file needs a value\nusage: images/);
  });
});
