/**
 * The start and end of an end-to-end run, shared by platform.e2e.ts and app.e2e.ts: the precondition check
 * (a missing piece fails the run before anything starts, naming the command that provides it), the scratch
 * directory, the private kube-apiserver (unless E2E_KUBECONFIG names a cluster) and the clean-up list that
 * undoes each piece of the set-up, newest first, at the end of the run.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PrivateCluster, startPrivateCluster } from "./cluster";
import { Report } from "./report";
import { Settings } from "./settings";

export interface Cleanup {
  name: string;
  fn: () => Promise<void> | void;
}

export class RunSetup {
  /** Clean-up steps, newest first; registered as each piece of the set-up starts. */
  private readonly cleanups: Cleanup[] = [];
  /** True once the preconditions passed: only then is the report worth writing. */
  ranChecks = false;

  /** `label` prefixes the run's console lines ("e2e", "e2e app"). */
  constructor(
    private readonly label: string,
    private readonly report: Report,
    private readonly settings: Settings,
  ) {}

  /** Registers a clean-up step; the steps run newest first. */
  cleanup(name: string, fn: Cleanup["fn"]): void {
    this.cleanups.unshift({ name, fn });
  }

  /**
   * Fails the run (nothing started) when `problems` is not empty; else makes the scratch directory (named
   * `tmpPrefix`…, removed at clean-up unless E2E_KEEP) and `reportDir`. Returns the scratch directory.
   */
  begin(problems: string[], tmpPrefix: string, reportDir: string): string {
    if (problems.length) {
      const msg =
        `end-to-end preconditions not met (nothing was run; fix these, then npm run e2e again):\n` +
        problems.map((p) => `  - ${p}`).join("\n");
      console.error(msg);
      throw new Error(msg);
    }
    this.ranChecks = true;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
    this.cleanup("remove the scratch directory", () => {
      if (this.settings.keep) console.log(`    ${this.label}: kept ${tmp}`);
      else fs.rmSync(tmp, { recursive: true, force: true });
    });
    fs.mkdirSync(reportDir, { recursive: true });
    return tmp;
  }

  /** The cluster's kubeconfig: E2E_KUBECONFIG's, or that of a private etcd + kube-apiserver started in `tmp`. */
  async cluster(tmp: string): Promise<{ kubeconfig: string; cluster?: PrivateCluster }> {
    if (this.settings.kubeconfig) return { kubeconfig: this.settings.kubeconfig };
    const c = await this.report.phase("start private etcd + kube-apiserver (shared start.sh)", () =>
      startPrivateCluster(this.settings, tmp),
    );
    this.cleanup("stop the private kube-apiserver + etcd (shared stop.sh)", () =>
      this.settings.keep ? console.log(`    ${this.label}: kept the cluster, RUN=${c.runDir}`) : c.stop(),
    );
    return { kubeconfig: c.kubeconfig, cluster: c };
  }

  /** Runs the clean-up steps, each a report phase; a failed step is logged and the next one runs. */
  async cleanUp(): Promise<void> {
    for (const c of this.cleanups) {
      try {
        await this.report.phase(c.name, async () => {
          await c.fn();
        });
      } catch (e) {
        console.error(`    ${this.label} clean-up "${c.name}" failed: ${(e as Error).message}`);
      }
    }
  }
}
