/**
 * Workspaces for a run whose ingress stand-in listens on its own loopback address (127.0.0.x, x ≥ 2): the
 * stacks' hosts resolve there through the built loopback-address.js preload, so the run can serve their port-less
 * https URLs on port 443 beside another run on 127.0.0.1. Also: a second project (the example app) on the same
 * file backend, sharing the passphrase so its StackReference can read the platform stack's secret outputs.
 */
import * as net from "net";
import * as path from "path";
import { Report } from "./report";
import { Settings } from "./settings";
import { PulumiWorkspace } from "./workspace";

const PRELOAD = path.join(__dirname, "loopback-address.js");

/** A free 127.0.0.x (x ≥ 2) with nothing on `port`: run-private, so a run beside another one gets no EADDRINUSE. */
export async function freeLoopbackAddress(port: number): Promise<string> {
  const free = (addr: string) =>
    new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once("error", () => resolve(false));
      s.listen(port, addr, () => s.close(() => resolve(true)));
    });
  for (let i = 0; i < 100; i++) {
    const addr = `127.0.0.${2 + Math.floor(Math.random() * 252)}`;
    if (await free(addr)) return addr;
  }
  throw new Error(`no 127.0.0.x address with port ${port} free`);
}

/** The shared workspace with the stacks' hosts on this run's loopback address (and, optionally, another passphrase). */
export class LoopbackWorkspace extends PulumiWorkspace {
  constructor(
    s: Settings,
    tmp: string,
    kubeconfig: string,
    report: Report,
    directHosts: string[],
    private readonly address: string,
    private readonly sharedPassphrase?: string,
  ) {
    super(s, tmp, kubeconfig, report, directHosts);
  }

  override env(): NodeJS.ProcessEnv {
    const e = super.env();
    return {
      ...e,
      NODE_OPTIONS: `--require ${PRELOAD}`,
      E2E_LOOPBACK_ADDRESS: this.address,
      NO_PROXY: `${e.NO_PROXY ?? ""},${this.address}`,
      ...(this.sharedPassphrase ? { PULUMI_CONFIG_PASSPHRASE: this.sharedPassphrase } : {}),
    };
  }

  /**
   * The example app as its own scratch project (built program in dist/, Pulumi.yaml from examples/app with
   * `main` pointing at the build), logged in to `backend`.
   */
  async initApp(appDir: string, backend: string): Promise<string> {
    this.makeDirs();
    const name = this.writeBuiltProject(path.join(appDir, "Pulumi.yaml"), "dist/examples/app/index.js");
    await this.login(backend);
    return name;
  }
}

/** `report`, with every `pulumi` command's stack column prefixed by `label` (two projects share stack names). */
export function labelled(report: Report, label: string): Report {
  const r = Object.create(report) as Report;
  r.command = (stack, command, code, ms) => report.command(`${label} ${stack}`, command, code, ms);
  return r;
}
