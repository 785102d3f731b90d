/**
 * What the per-stack check groups of platform.e2e.ts (deploy, cluster, outputs, lifecycle) share: the run's
 * infrastructure (set up once by the root before-all hook), the stack's plan and the steps that have passed.
 * The groups only register mocha checks; platform.e2e.ts calls them in order inside one `describe` per stack.
 */
import { Issued } from "../../tls/openssl";
import { Kube, PrivateCluster, StandinControllers } from "../support/cluster";
import { LoopbackHelmRepo } from "../support/helm-repo";
import { OciChartRegistry, ociChartsAvailable } from "../support/oci-charts";
import { IngressStandIn } from "../support/ingress";
import { RunResult } from "../support/proc";
import { Report } from "../support/report";
import { ROOT, Settings } from "../support/settings";
import { loadStackPlan, requiredSecrets, StackPlan } from "../support/stacks";
import { PulumiWorkspace } from "../support/workspace";

/** The run's servers and scratch workspace. */
export interface Infra {
  tmp: string;
  kubeconfig: string;
  kube: Kube;
  cluster?: PrivateCluster;
  standins?: StandinControllers;
  ingress: IngressStandIn;
  repo: LoopbackHelmRepo;
  /** The OCI chart registry the onprem stack installs from, when the registry binary is built. */
  oci?: OciChartRegistry;
  ws: PulumiWorkspace;
  chartSha: Record<string, string>;
}

/** Holds the infrastructure once the root before-all hook has built it. */
export class InfraRef {
  value?: Infra;

  get(): Infra {
    if (!this.value) throw new Error("set-up did not complete (see the before-all hook)");
    return this.value;
  }
}

export type StackName = "dev" | "onprem" | "prod-apne1" | "prod-apne2";

/**
 * The stack deployed with an external Redis that has a password (no example stack has one; production's would be
 * ElastiCache or a managed Redis): `harbor.redis` and `harborRedisPassword` are set for the run, so that the Harbor
 * release runs its post-renderer on the real engine, and Helm `lookup` fills the chart's Redis URLs.
 */
export const EXTERNAL_REDIS: { stack: StackName; addr: string } = {
  stack: "prod-apne1",
  addr: "redis.apne1.example.internal:6379",
};

export interface StackContext {
  stack: StackName;
  plan: StackPlan;
  /** The secret config keys the stack requires. */
  secrets: string[];
  /** Where the stack's charts come from (a check title names it). */
  chartSource: string;
  settings: Settings;
  report: Report;
  infra: InfraRef;
  /** The site's CA made for a `byo-intermediate` stack (by the deploy group's before-all hook). */
  ca?: { root: Issued; intermediate: Issued };
  /**
   * Take the protected stack down after its checks (unprotect, destroy, delete the namespaces it retains): on your
   * own cluster, and on the private one when a later stack deploys to the same API server.
   */
  takeDown: boolean;
  /**
   * The external Redis password the deploy group gave the stack ({@link EXTERNAL_REDIS}); its post-renderer's
   * checks look for it in the live ConfigMaps.
   */
  redisPassword?: string;
  /** `tls.extraCaBundles` as deployed (the example's placeholder replaced by the deploy group's before-all hook). */
  extraCaBundles: string[];
  /** Records that a step passed ("secrets", "preview", "up", "destroy-refused"). */
  pass: (step: string) => void;
  /** Throws unless every step in `steps` passed. */
  need: (...steps: string[]) => void;
  /** `pulumi <args>` on the stack. */
  cli: (args: string[], timeoutMs?: number) => Promise<RunResult>;
  /** `pulumi <args>` on the stack; throws unless it exits 0. */
  cliOk: (args: string[], timeoutMs?: number) => Promise<RunResult>;
  /**
   * The text of `pulumi stack export` after `up`, exported once for every check that reads it (the checks between
   * `up` and the second `up` change no state).
   */
  stateAfterUp: () => Promise<string>;
}

/** The context of one stack's checks; no step has passed yet. */
export function stackContext(
  stack: StackName,
  shared: { settings: Settings; report: Report; infra: InfraRef; takeDown: boolean },
): StackContext {
  const plan = loadStackPlan(ROOT, stack);
  const done = new Set<string>();
  let exported: Promise<string> | undefined;
  return {
    stack,
    plan,
    secrets: requiredSecrets(plan),
    extraCaBundles: [],
    chartSource:
      stack === "dev"
        ? "local archive path + sha256"
        : stack === "onprem" && ociChartsAvailable()
          ? "OCI registry on loopback over TLS, Velero's from a Helm repository"
          : "Helm repository on loopback",
    ...shared,
    pass: (step) => done.add(step),
    need: (...steps) => {
      for (const s of steps) if (!done.has(s)) throw new Error(`not run: the "${s}" step did not pass`);
    },
    cli: (args, timeoutMs) => shared.infra.get().ws.cli(args, { stack, timeoutMs }),
    cliOk: (args, timeoutMs) => shared.infra.get().ws.cliOk(args, { stack, timeoutMs }),
    stateAfterUp: () => (exported ??= shared.infra.get().ws.exportText(stack)),
  };
}
