/**
 * The in-cluster restore drill as its CronJob runs it: the pod's service account (token and CA) and service
 * host read without a Kubernetes client package, and the CLI run from `dist/` with the package's production
 * dependencies alone, which is what the drill image holds (components/velero/README.md). Before, the drill
 * loaded the Pulumi SDK (through the config schema) and @kubernetes/client-node, both dev/peer dependencies a
 * `npm ci --omit=dev` image lacks: every in-cluster drill would have failed at start.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as https from "https";
import type { AddressInfo } from "net";
import * as path from "path";
import { inClusterKube } from "../../tools/drill/cli";
import { ROOT, stackRun } from "../harness";
import { placePackages, readLock, runtimeClosure } from "../package/consumer";
import { verifyPki } from "../verify/support/pki";
import { FakeKube, TOKEN } from "./fake-kube";
import { scratchDir } from "../harness/scratch";

describe("restore drill in a pod", function () {
  this.timeout(60_000);

  it("reads the service account's token and CA and the service host and port, as a pod has them", async () => {
    const pki = verifyPki();
    const seen: string[] = [];
    const server = https.createServer({ key: pki.good.keyPem, cert: pki.good.chainPem }, (req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      res.setHeader("content-type", "application/json");
      res.end("{}");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const dir = scratchDir("drill-sa");
    try {
      fs.writeFileSync(path.join(dir, "token"), "sa-token-1\n");
      fs.writeFileSync(path.join(dir, "ca.crt"), pki.bundlePem);
      const port = String((server.address() as AddressInfo).port);
      const kube = inClusterKube(
        { KUBERNETES_SERVICE_HOST: "127.0.0.1", KUBERNETES_SERVICE_PORT: port },
        dir,
      );
      const r = await kube.request("GET", "/api/v1/namespaces/velero");
      assert.strictEqual(r.status, 200);
      assert.deepStrictEqual(seen, ["GET /api/v1/namespaces/velero Bearer sa-token-1"]);
      // Not in a pod, or no token mounted: an input error that says which.
      assert.throws(
        () => inClusterKube({}, dir),
        /KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set/,
      );
      fs.rmSync(path.join(dir, "token"));
      assert.throws(
        () => inClusterKube({ KUBERNETES_SERVICE_HOST: "127.0.0.1", KUBERNETES_SERVICE_PORT: port }, dir),
        new RegExp(`${path.join(dir, "token")}: no such file`),
      );
    } finally {
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs with the CronJob's arguments from dist/ and the production dependencies alone (the drill image)", async () => {
    // The image: the built library and tools, and `npm ci --omit=dev` (the package's `dependencies`; the peers
    // are dev dependencies of this repository). Copied or hard-linked, not symlinked: Node would resolve a
    // symlink back to this checkout's node_modules.
    const image = scratchDir("drill-image");
    const fake = new FakeKube({ restore: "complete" });
    try {
      for (const d of ["tools", "components", "config"])
        fs.cpSync(path.join(ROOT, "dist", d), path.join(image, "dist", d), { recursive: true });
      const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
        dependencies: Record<string, string>;
      };
      // The dependencies and everything they need at run time, as the lockfile resolves them (hard links).
      placePackages(image, runtimeClosure(readLock(), Object.keys(pkg.dependencies)));
      fs.writeFileSync(
        path.join(image, "package.json"),
        JSON.stringify({ name: "drill-image", private: true }),
      );
      // What the run below proves it does without: the image cannot resolve them.
      for (const absent of ["@pulumi/pulumi", "@kubernetes/client-node"])
        assert.throws(() => require.resolve(absent, { paths: [path.join(image, "dist", "tools", "drill")] }));

      // The CronJob prod-apne2 registers, its arguments as they are, with short waits.
      const rec = await stackRun("prod-apne2");
      const container = rec.inputs(rec.one("kubernetes:batch/v1:CronJob")).spec.jobTemplate.spec.template.spec
        .containers[0];
      assert.deepStrictEqual(container.command, ["node", "dist/tools/drill/cli.js"]);
      const args = [
        ...(container.args as string[]),
        ...["--poll-interval", "20ms", "--restore-timeout", "400ms", "--ready-timeout", "2s"],
      ];
      assert.ok(args.includes("--in-cluster"), args.join(" "));

      await fake.start();
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const cli = require(
        path.join(image, "dist", "tools", "drill", "cli.js"),
      ) as typeof import("../../tools/drill/cli");
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const kubeMod = require(
        path.join(image, "dist", "tools", "drill", "kube.js"),
      ) as typeof import("../../tools/drill/kube");
      let out = "";
      let err = "";
      const code = await cli.main(
        args,
        { stdout: (s) => (out += s), stderr: (s) => (err += s) },
        // The service account's view of the fake API server (inClusterKube is tested above).
        () =>
          Promise.resolve(
            new kubeMod.HttpKube({
              server: `http://127.0.0.1:${fake.port}`,
              headers: { Authorization: `Bearer ${TOKEN}` },
            }),
          ),
      );
      assert.strictEqual(code, 0, out + err);
      assert.strictEqual((JSON.parse(out) as { result: string }).result, "pass");
    } finally {
      await fake.stop();
      fs.rmSync(image, { recursive: true, force: true });
    }
  });
});
