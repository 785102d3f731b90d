/**
 * A Helm chart repository on loopback: the chart archives copied into a directory, `helm repo index` over it,
 * served read-only over HTTP on 127.0.0.1 (what an air-gapped site's internal chart repository is).
 */
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as path from "path";
import { runOk } from "./proc";

export class LoopbackHelmRepo {
  url = "";
  /** Paths requested, for the report (proves the charts came from here). */
  readonly served: string[] = [];
  private server?: http.Server;

  constructor(
    private readonly dir: string,
    private readonly helmBin: string,
  ) {}

  async start(archives: string[]): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true });
    for (const a of archives) fs.copyFileSync(a, path.join(this.dir, path.basename(a)));
    this.server = http.createServer((req, res) => {
      const name = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname).replace(/^\/+/, "");
      const file = path.join(this.dir, name);
      if (req.method !== "GET" || name.includes("/") || !fs.existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      this.served.push(name);
      const body = fs.readFileSync(file);
      res.writeHead(200, {
        "Content-Type": name.endsWith(".yaml") ? "text/yaml" : "application/gzip",
        "Content-Length": String(body.length),
      });
      res.end(body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    await runOk(this.helmBin, ["repo", "index", this.dir, "--url", this.url], { timeoutMs: 60_000 });
  }

  async stop(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
