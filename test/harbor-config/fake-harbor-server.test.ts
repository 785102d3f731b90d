/** The standalone fake Harbor (support/fake-harbor-server.ts) that end-to-end tests start as a process. */
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { projectCrud } from "../../components/harbor-config/crud";
import { HarborClient } from "../../components/harbor-config/client";
import { testPki } from "./support/tls";
import { scratchDir } from "../harness/scratch";

const SERVER = path.join(__dirname, "support", "fake-harbor-server.js");

interface Started {
  child: ChildProcess;
  info: { url: string; username: string; password: string; pid: number; caFile?: string };
}

function startServer(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Started> {
  const child = spawn(process.execPath, [SERVER, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      const line = out.split("\n")[0];
      if (out.includes("\n")) resolve({ child, info: JSON.parse(line) as Started["info"] });
    });
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on("exit", (code) => resolve(code)));
}

describe("harbor-config: the fake Harbor as a standalone process", function () {
  this.timeout(60_000);
  const dir = scratchDir("fake-harbor-server");
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("with its own CA (--ca-out): prints its URL, serves the Harbor API over TLS, stops on SIGTERM", async () => {
    const caOut = path.join(dir, "ca.pem");
    const { child, info } = await startServer(["--ca-out", caOut, "--password", "Pw-For-E2e"]);
    try {
      assert.match(info.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      assert.deepStrictEqual([info.username, info.password, info.caFile], ["admin", "Pw-For-E2e", caOut]);
      const conn = {
        url: info.url,
        username: "admin",
        password: "Pw-For-E2e",
        caPem: fs.readFileSync(caOut, "utf8"),
      };
      await projectCrud.create(new HarborClient(conn), {
        kind: "harbor:Project",
        connection: conn,
        name: "e2e",
        public: false,
        scanOnPush: true,
        preventVulnerable: true,
        severity: "high",
        cosign: false,
        quotaGiB: -1,
      });
      const state = (
        await new HarborClient(conn).request<{ projects: string[] }>({
          method: "GET",
          path: "/../../__fake/state",
        })
      ).body;
      assert.deepStrictEqual(state.projects, ["e2e"]);
    } finally {
      const exited = exitCode(child);
      child.kill("SIGTERM");
      assert.strictEqual(await exited, 0);
    }
  });

  it("with a given certificate and key (environment)", async () => {
    const pki = testPki();
    fs.writeFileSync(path.join(dir, "tls.crt"), pki.serverCertPem);
    fs.writeFileSync(path.join(dir, "tls.key"), pki.serverKeyPem);
    const { child, info } = await startServer([], {
      FAKE_HARBOR_CERT: path.join(dir, "tls.crt"),
      FAKE_HARBOR_KEY: path.join(dir, "tls.key"),
    });
    try {
      const conn = { url: info.url, username: info.username, password: info.password, caPem: pki.caPem };
      assert.strictEqual(await new HarborClient(conn).find("/projects/none", undefined), undefined);
    } finally {
      const exited = exitCode(child);
      child.kill("SIGTERM");
      assert.strictEqual(await exited, 0);
    }
  });

  it("bad arguments exit 2 with the usage", async () => {
    const child = spawn(process.execPath, [SERVER, "--cert", "x"], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    assert.strictEqual(await exitCode(child), 2);
    assert.match(err, /--cert and --key go together/);
  });
});
