/**
 * An OCI registry for Helm charts on loopback (what the onprem example stack names: `charts.<chart>.oci`): the
 * CNCF `distribution` registry (built into ${TOOLS_BIN:-/tmp/tools-bin}) over TLS from a CA made for the run, the
 * chart archives pushed with `helm push`. The kubernetes provider, a Go program, trusts the CA through
 * `SSL_CERT_FILE` (the system bundle plus this CA; {@link OciChartRegistry.trustFile}).
 */
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { CA_EXT, issue, selfSignedCa } from "../../tls/openssl";
import {
  distributionConfig,
  freePort,
  REGISTRY_BIN,
  RegistryProcess,
} from "../../access/support/registry-lab";
import { runOk } from "./proc";

const SYSTEM_BUNDLES = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"];

/** Whether the run can serve charts over OCI (the registry binary is built), as `.ci/run` builds it. */
export function ociChartsAvailable(registryBin = REGISTRY_BIN): boolean {
  return fs.existsSync(registryBin);
}

export class OciChartRegistry {
  /** `oci://127.0.0.1:<port>/charts`: where the charts were pushed (the config's `charts.<chart>.oci`). */
  url = "";
  /** The CA the registry's certificate chains to. */
  caFile = "";
  /** The system CA bundle plus {@link caFile}: the `SSL_CERT_FILE` of the engine's plugins. */
  trustFile = "";
  private proc?: RegistryProcess;

  constructor(
    private readonly dir: string,
    private readonly registryBin: string,
    private readonly helmBin: string,
  ) {}

  async start(archives: string[]): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true });
    const root = selfSignedCa(this.dir, "oci-charts-ca", CA_EXT(0), 2);
    const leaf = issue(this.dir, "oci-charts", root, [
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature",
      "extendedKeyUsage=serverAuth",
      "subjectAltName=IP:127.0.0.1",
    ]);
    this.caFile = root.certFile;
    const system = SYSTEM_BUNDLES.find((f) => fs.existsSync(f));
    this.trustFile = path.join(this.dir, "trust.pem");
    fs.writeFileSync(this.trustFile, `${system ? fs.readFileSync(system, "utf8") : ""}\n${root.certPem}`);
    const port = await freePort();
    const config = path.join(this.dir, "config.yml");
    fs.writeFileSync(
      config,
      distributionConfig({
        rootDir: path.join(this.dir, "data"),
        port,
        // info: the request log shows which charts the releases pulled.
        logLevel: "info",
        tls: { certificate: leaf.certFile, key: leaf.keyFile },
      }),
    );
    // All of the output: pulls() reads the request log.
    this.proc = new RegistryProcess(config, Infinity, this.registryBin);
    await this.proc.waitReady(`127.0.0.1:${port}`, () => listening(port), 15_000, 100);
    this.url = `oci://127.0.0.1:${port}/charts`;
    for (const a of archives)
      await runOk(this.helmBin, ["push", a, this.url, "--ca-file", this.caFile], { timeoutMs: 120_000 });
    this.proc.output = "";
  }

  /** The charts pulled since the pushes (`<chart>:<version>`, from the registry's request log). */
  pulls(): string[] {
    const out: string[] = [];
    for (const m of (this.proc?.output ?? "").matchAll(
      /"GET \/v2\/charts\/([^/]+)\/manifests\/([^ "]+) HTTP/g,
    ))
      out.push(`${m[1]}:${m[2]}`);
    return out;
  }

  stop(): void {
    this.proc?.proc.kill("SIGTERM");
    this.proc = undefined;
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = net.connect(port, "127.0.0.1", () => {
      s.end();
      resolve(true);
    });
    s.on("error", () => resolve(false));
  });
}
