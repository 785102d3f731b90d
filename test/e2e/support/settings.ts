/**
 * Where the end-to-end suite finds its real servers and tools, from the environment, and the precondition
 * check: every missing piece is reported at once with the exact command that provides it. Nothing is ever
 * skipped — a missing precondition fails the run.
 *
 * Environment (all optional):
 *   E2E_SHARED_DIR   the shared folder with tools/ and reference/charts/ (default: the first `shared/` with
 *                    tools/README.md in a parent directory of the repository, e.g. ../shared)
 *   PULUMI_BIN       the Pulumi CLI (default: `pulumi` on PATH, else ${TMPDIR:-/tmp}/real-engine/bin/pulumi)
 *   E2E_PLUGIN_DIR   directory with pulumi-language-nodejs and the pulumi-resource-* plugins, put first on PATH
 *                    (default: the Pulumi CLI's directory)
 *   E2E_KUBECONFIG   a kubeconfig of YOUR cluster to deploy to (default: a private kube-apiserver + etcd started
 *                    from ${TMPDIR:-/tmp}/real-k8s/bin for this run and stopped after it). KUBECONFIG is
 *                    deliberately not used, so that a run never deploys to the cluster your shell points at.
 *   E2E_K8S_BIN      directory with etcd and kube-apiserver (default ${TMPDIR:-/tmp}/real-k8s/bin)
 *   E2E_HELM_BIN     helm, for the loopback chart repository's index (default: helm on PATH, else
 *                    ${TMPDIR:-/tmp}/real-k8s/bin/helm)
 *   E2E_CHARTS_DIR   directory with harbor-<version>.tgz and velero-<version>.tgz (+ optional SHA256SUMS)
 *                    (default: <shared>/reference/charts)
 *   E2E_KEEP=1       keep the temporary directory and the private cluster for inspection
 *   E2E_REPORT_DIR   where the report (report.md, report.json, command logs) is written (default out/e2e)
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { versions } from "../../../components/versions";
import { run } from "./proc";

/** The repository root (this file is dist/test/e2e/support/settings.js once built). */
export const ROOT = path.resolve(__dirname, "..", "..", "..", "..");

const TMP = process.env.TMPDIR || "/tmp";

export interface Settings {
  root: string;
  sharedDir: string | undefined;
  toolsDir: string | undefined;
  pulumiBin: string | undefined;
  pluginDir: string | undefined;
  /** The user's cluster; undefined = start a private one from k8sBin. */
  kubeconfig: string | undefined;
  k8sBin: string;
  helmBin: string | undefined;
  chartsDir: string | undefined;
  ingressPort: number;
  keep: boolean;
  reportDir: string;
  charts: { harbor: string; velero: string; kyverno?: string };
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const f = path.join(dir, name);
    try {
      fs.accessSync(f, fs.constants.X_OK);
      if (fs.statSync(f).isFile()) return f;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

function executable(f: string): boolean {
  try {
    fs.accessSync(f, fs.constants.X_OK);
    return fs.statSync(f).isFile();
  } catch {
    return false;
  }
}

/** The first `shared/` holding tools/README.md in a parent directory of the repository. */
function findShared(root: string): string | undefined {
  let dir = path.dirname(root);
  for (;;) {
    const cand = path.join(dir, "shared");
    if (fs.existsSync(path.join(cand, "tools", "README.md"))) return cand;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const sharedDir = env.E2E_SHARED_DIR ? path.resolve(env.E2E_SHARED_DIR) : findShared(ROOT);
  const toolsDir = sharedDir ? path.join(sharedDir, "tools") : undefined;
  const builtPulumi = path.join(TMP, "real-engine", "bin", "pulumi");
  const pulumiBin = env.PULUMI_BIN
    ? path.resolve(env.PULUMI_BIN)
    : (onPath("pulumi") ?? (executable(builtPulumi) ? builtPulumi : undefined));
  const k8sBin = env.E2E_K8S_BIN ? path.resolve(env.E2E_K8S_BIN) : path.join(TMP, "real-k8s", "bin");
  const builtHelm = path.join(k8sBin, "helm");
  const chartsDir = env.E2E_CHARTS_DIR
    ? path.resolve(env.E2E_CHARTS_DIR)
    : sharedDir
      ? path.join(sharedDir, "reference", "charts")
      : undefined;
  return {
    root: ROOT,
    sharedDir,
    toolsDir,
    pulumiBin,
    pluginDir: env.E2E_PLUGIN_DIR
      ? path.resolve(env.E2E_PLUGIN_DIR)
      : pulumiBin
        ? path.dirname(pulumiBin)
        : undefined,
    kubeconfig: env.E2E_KUBECONFIG ? path.resolve(env.E2E_KUBECONFIG) : undefined,
    k8sBin,
    helmBin: env.E2E_HELM_BIN
      ? path.resolve(env.E2E_HELM_BIN)
      : (onPath("helm") ?? (executable(builtHelm) ? builtHelm : undefined)),
    chartsDir,
    // The stacks' Harbor URLs are https://<host> without a port.
    ingressPort: 443,
    keep: env.E2E_KEEP === "1" || env.E2E_KEEP === "true",
    reportDir: path.resolve(env.E2E_REPORT_DIR ?? path.join(ROOT, "out", "e2e")),
    charts: {
      harbor: `${versions.harbor.chartName}-${versions.harbor.chart}.tgz`,
      velero: `${versions.velero.chartName}-${versions.velero.chart}.tgz`,
      // Optional: with it the image policy (Kyverno) is deployed too, else the run turns policy off.
      kyverno: ((f) => (chartsDir && fs.existsSync(path.join(chartsDir, f)) ? f : undefined))(
        `${versions.kyverno.chartName}-${versions.kyverno.chart}.tgz`,
      ),
    },
  };
}

/** Plugins the program needs from the engine, and the build target that provides each. */
export const PLUGINS: [string, string][] = [
  ["pulumi-language-nodejs", "language"],
  ["pulumi-resource-kubernetes", "kubernetes"],
  ["pulumi-resource-tls", "standin"],
  ["pulumi-resource-random", "standin"],
  ["pulumi-resource-aws", "standin"],
  ["pulumi-resource-pulumi-nodejs", "dynamic"],
];

/** Shared helper scripts the suite runs. */
export const HELPERS = [
  "real-k8s/start.sh",
  "real-k8s/stop.sh",
  "e2e-helpers/standin-controllers.sh",
  "e2e-helpers/loopback-dns.js",
  "e2e-helpers/k8s-check.py",
];

/** sha256 of each archive in a SHA256SUMS file. */
export function readSha256Sums(dir: string): Record<string, string> {
  const f = path.join(dir, "SHA256SUMS");
  if (!fs.existsSync(f)) return {};
  const out: Record<string, string> = {};
  for (const line of fs.readFileSync(f, "utf8").split("\n")) {
    const m = /^([0-9a-f]{64})\s+\*?(\S+)$/.exec(line.trim());
    if (m) out[m[2]] = m[1];
  }
  return out;
}

/**
 * Why the end-to-end suite cannot run on this machine at all (no engine or no API server), or undefined.
 * .ci/run runs the suite exactly when this is undefined; every other missing piece then fails the run.
 */
export function missingServers(s: Settings): string | undefined {
  if (!s.pulumiBin) return "no Pulumi CLI (PULUMI_BIN, pulumi on PATH or the shared real-engine build)";
  const plugins = PLUGINS.map(([p]) => p).filter(
    (p) => !(s.pluginDir && executable(path.join(s.pluginDir, p))) && !onPath(p),
  );
  if (plugins.length) return `Pulumi CLI ${s.pulumiBin} found but not the plugins ${plugins.join(", ")}`;
  if (!s.kubeconfig) {
    const bins = ["etcd", "kube-apiserver"].filter((b) => !executable(path.join(s.k8sBin, b)));
    if (bins.length) return `no ${bins.join(" / ")} in ${s.k8sBin} and no E2E_KUBECONFIG`;
  }
  // The suite also needs the shared helpers and the pinned charts: a clone outside the folder that holds
  // ../shared (CI's clean clone, for one) skips the suite instead of failing its preflight.
  if (!s.toolsDir || !fs.existsSync(s.toolsDir))
    return `no shared tools folder (tools/ of ../shared) above ${s.root}; set E2E_SHARED_DIR`;
  if (!s.chartsDir || !fs.existsSync(s.chartsDir)) return "no chart directory; set E2E_CHARTS_DIR";
  return undefined;
}

/**
 * Every missing precondition, each with what to run. Empty = ready.
 */
export async function preflight(s: Settings): Promise<string[]> {
  const problems: string[] = [];
  const tools = s.toolsDir ?? "../shared/tools";
  const rel = (p: string) => path.join(tools, p);
  const engineLog = path.join(TMP, "build-engine.log");
  const k8sLog = path.join(TMP, "build-k8s.log");

  if (!s.toolsDir)
    problems.push(
      `the shared tools folder was not found in any parent directory of ${s.root}: set E2E_SHARED_DIR=<path to shared> (it holds tools/ and reference/charts/)`,
    );
  else
    for (const h of HELPERS)
      if (!fs.existsSync(rel(h))) problems.push(`missing helper ${rel(h)} (E2E_SHARED_DIR=${s.sharedDir})`);

  if (!s.pulumiBin)
    problems.push(
      `no Pulumi CLI (PULUMI_BIN unset, no pulumi on PATH, no ${path.join(TMP, "real-engine", "bin", "pulumi")}); build the real engine (~1 h cold): nohup ${rel("real-engine/build.sh")} > ${engineLog} 2>&1 &`,
    );
  else if (!executable(s.pulumiBin)) problems.push(`PULUMI_BIN=${s.pulumiBin} is not an executable file`);
  if (s.pluginDir) {
    const missing = PLUGINS.filter(([p]) => !executable(path.join(s.pluginDir!, p)) && !onPath(p));
    if (missing.length)
      problems.push(
        `missing engine plugin(s) ${missing.map(([p]) => p).join(", ")} (not in ${s.pluginDir} nor on PATH); build them: ${rel("real-engine/build.sh")} ${[...new Set(missing.map(([, t]) => t))].join(" ")}`,
      );
  }

  if (!s.kubeconfig) {
    const missing = ["etcd", "kube-apiserver"].filter((b) => !executable(path.join(s.k8sBin, b)));
    if (missing.length)
      problems.push(
        `no ${missing.join(" / ")} in ${s.k8sBin} for the private API server (or set E2E_KUBECONFIG=<your cluster's kubeconfig>); build (~30 min cold): nohup ${rel("real-k8s/build.sh")} ${missing.join(" ")} > ${k8sLog} 2>&1 &`,
      );
  } else if (!fs.existsSync(s.kubeconfig)) problems.push(`E2E_KUBECONFIG=${s.kubeconfig} does not exist`);

  if (!s.helmBin)
    problems.push(
      `no helm (E2E_HELM_BIN unset, none on PATH, none in ${s.k8sBin}); build it (~8 min): ${rel("real-k8s/build.sh")} helm`,
    );

  for (const [tool, how] of [
    ["kubectl", "install kubectl (apt-get install -y kubectl, or the upstream release binary)"],
    ["jq", "apt-get install -y jq"],
    ["python3", "apt-get install -y python3"],
    ["openssl", "apt-get install -y openssl"],
    ["bash", "apt-get install -y bash"],
    ["curl", "apt-get install -y curl"],
  ])
    if (!onPath(tool)) problems.push(`${tool} not on PATH (used by the shared helpers): ${how}`);

  if (!s.chartsDir)
    problems.push(
      `no chart directory: set E2E_CHARTS_DIR=<dir with ${s.charts.harbor} and ${s.charts.velero}>`,
    );
  else {
    const sums = readSha256Sums(s.chartsDir);
    for (const f of [s.charts.harbor, s.charts.velero]) {
      const p = path.join(s.chartsDir, f);
      if (!fs.existsSync(p))
        problems.push(
          `chart archive ${p} missing: set E2E_CHARTS_DIR to a directory holding it (helm pull ${f.replace(/-(\d[^-]*)\.tgz$/, " --version $1")} on a connected machine)`,
        );
      else if (sums[f]) {
        const got = createHash("sha256").update(fs.readFileSync(p)).digest("hex");
        if (got !== sums[f])
          problems.push(`chart archive ${p}: sha256 ${got} does not match SHA256SUMS (${sums[f]})`);
      }
    }
  }

  if (s.pulumiBin && executable(s.pulumiBin)) {
    const r = await run(s.pulumiBin, ["version"], { timeoutMs: 30_000 });
    if (r.code !== 0) problems.push(`\`${s.pulumiBin} version\` failed: ${r.stderr.trim()}`);
  }
  if (s.kubeconfig && fs.existsSync(s.kubeconfig)) {
    const r = await run("kubectl", ["--kubeconfig", s.kubeconfig, "get", "--raw", "/readyz"], {
      timeoutMs: 30_000,
    });
    if (r.code !== 0)
      problems.push(
        `the API server of E2E_KUBECONFIG=${s.kubeconfig} does not answer /readyz: ${r.stderr.trim()}`,
      );
  }
  if (os.userInfo().uid !== 0 && s.ingressPort < 1024)
    problems.push(
      `the ingress stand-in listens on 127.0.0.1:${s.ingressPort} (the stacks' https URLs have no port), which needs root or CAP_NET_BIND_SERVICE for node: sudo setcap cap_net_bind_service=+ep "$(command -v node)"`,
    );
  return problems;
}
