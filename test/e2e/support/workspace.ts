/**
 * A scratch Pulumi project in a temporary directory: Pulumi.yaml pointing at the built program (dist/ and
 * node_modules symlinked from the repository), a file state backend, a passphrase secrets provider, and the
 * environment every `pulumi` command of the run gets (plugins first on PATH, the loopback DNS preload for
 * the program and the dynamic providers, offline switches, unusable AWS credentials).
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { failure, run, RunResult, shellQuote } from "./proc";
import { Report } from "./report";
import { Settings } from "./settings";

export const NAMESPACE = "registry-platform";

/** Names the loopback DNS preload resolves to 127.0.0.1: the example stacks' hosts. */
export const LOOPBACK_DOMAINS = ".example.internal,.corp.internal,.example.com";

export interface CliOptions {
  stack?: string;
  /** Indices into args whose values are secret: shown as [secret] in logs, results and errors. */
  secretArgs?: number[];
  /** Written to the command's stdin. */
  input?: string;
  timeoutMs?: number;
}

export class PulumiWorkspace {
  readonly projectDir: string;
  readonly stateDir: string;
  readonly homeDir: string;
  readonly logDir: string;
  readonly passphrase: string;
  private seq = 0;
  /** Set for every command after the defaults, e.g. `SSL_CERT_FILE` when a plugin must trust a run's own CA. */
  readonly extraEnv: Record<string, string> = {};
  /** Set by `init({ checkout: true })` (and kept by `onCluster`): Node keeps the project's linked paths. */
  private checkout = false;
  /** Values set with setSecret: replaced by [secret] in every output kept or shown. */
  private readonly secretValues = new Set<string>();

  constructor(
    private readonly s: Settings,
    tmp: string,
    private readonly kubeconfig: string,
    private readonly report: Report,
    /** Hosts the engine and its plugins must reach directly (the API server of a cluster you gave). */
    private readonly directHosts: string[] = [],
    /** The secrets passphrase; default a new random one. */
    passphrase?: string,
  ) {
    this.passphrase = passphrase ?? randomBytes(18).toString("base64url");
    this.projectDir = path.join(tmp, "project");
    this.stateDir = path.join(tmp, "state");
    this.homeDir = path.join(tmp, "pulumi-home");
    this.logDir = path.join(s.reportDir, "logs");
  }

  /**
   * The same project, backend, Pulumi home and passphrase, with another cluster's kubeconfig for every command: a
   * stack deployed to a second API server that reads another stack of the backend (a primary and its replica).
   */
  onCluster(kubeconfig: string, directHosts: string[]): PulumiWorkspace {
    const w = new PulumiWorkspace(
      this.s,
      path.dirname(this.projectDir),
      kubeconfig,
      this.report,
      directHosts,
      this.passphrase,
    );
    Object.assign(w.extraEnv, this.extraEnv);
    w.checkout = this.checkout;
    return w;
  }

  env(): NodeJS.ProcessEnv {
    const e: NodeJS.ProcessEnv = { ...process.env };
    for (const k of Object.keys(e))
      if (/^(PULUMI_|AWS_)/.test(k) || k === "KUBECONFIG" || k === "NODE_OPTIONS") delete e[k];
    return {
      ...e,
      PATH: [this.s.pluginDir, path.dirname(process.execPath), process.env.PATH].filter(Boolean).join(":"),
      PULUMI_HOME: this.homeDir,
      // The kubernetes provider writes a kubeconfig file (with the cluster's token) to the temp folder for each
      // Helm operation and leaves it there: about 90 per e2e run. In the scratch directory they go with it.
      TMPDIR: path.join(this.homeDir, "tmp"),
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_CONFIG_PASSPHRASE: this.passphrase,
      KUBECONFIG: this.kubeconfig,
      // The program and the dynamic-provider processes resolve the stacks' example hosts to 127.0.0.1 (the
      // production examples' too: registry.apne1.example.com).
      NODE_OPTIONS: [
        `--require ${path.join(this.s.toolsDir!, "e2e-helpers", "loopback-dns.js")}`,
        ...(this.checkout ? ["--preserve-symlinks", "--preserve-symlinks-main"] : []),
      ].join(" "),
      E2E_LOOPBACK_DOMAINS: LOOPBACK_DOMAINS,
      // Anything that still tries a public host fails on loopback at once.
      HTTPS_PROXY: "http://127.0.0.1:9",
      HTTP_PROXY: "http://127.0.0.1:9",
      NO_PROXY: ["127.0.0.1", "localhost", ...this.directHosts].join(","),
      // A real AWS provider (instead of the stand-in) cannot reach any account with these.
      AWS_ACCESS_KEY_ID: "AKIAE2ENOTAREALKEY00",
      AWS_SECRET_ACCESS_KEY: "e2e-not-a-real-secret-key-0000000000000000",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      ...this.extraEnv,
    };
  }

  /**
   * Writes the scratch project and logs in. With `checkout`, the project stands for a checkout whose compiled
   * program runs from a subdirectory (`main: program/index.js`, which loads `../dist/index.js`), in every process
   * the engine starts: `bin/` is linked beside `dist/`, and Node keeps the linked paths (`--preserve-symlinks`), so
   * the program finds its package inside the project directory. It then gives the paths under it relative to its
   * working directory, the directory of `main`, where the engine also starts its plugins (the Harbor release's
   * post-renderer, `../bin/…`, which the Kubernetes provider resolves from there). Only for this project layout: its
   * node_modules is the repository's, so each package still loads once.
   */
  async init(o: { checkout?: boolean } = {}): Promise<void> {
    this.makeDirs();
    let main = "dist/index.js";
    if (o.checkout) {
      this.checkout = true;
      main = "program/index.js";
      fs.mkdirSync(path.join(this.projectDir, "program"));
      fs.writeFileSync(path.join(this.projectDir, main), 'module.exports = require("../dist/index.js");\n');
    }
    this.writeBuiltProject(path.join(this.s.root, "Pulumi.yaml"), main);
    if (o.checkout) fs.symlinkSync(path.join(this.s.root, "bin"), path.join(this.projectDir, "bin"));
    await this.login();
  }

  /**
   * The scratch project runs the built program: `dist/` and `node_modules` linked from the repository, its
   * package.json, and a Pulumi.yaml with the name and description of `pulumiYaml` and `main` in `dist/`. Returns the
   * project name.
   */
  protected writeBuiltProject(pulumiYaml: string, main: string): string {
    fs.symlinkSync(path.join(this.s.root, "dist"), path.join(this.projectDir, "dist"));
    fs.symlinkSync(path.join(this.s.root, "node_modules"), path.join(this.projectDir, "node_modules"));
    fs.copyFileSync(path.join(this.s.root, "package.json"), path.join(this.projectDir, "package.json"));
    const project = parse(fs.readFileSync(pulumiYaml, "utf8")) as Record<string, unknown>;
    fs.writeFileSync(
      path.join(this.projectDir, "Pulumi.yaml"),
      stringify({
        name: project.name,
        description: `${String(project.description)} (end-to-end scratch copy: the built program in dist/)`,
        runtime: { name: "nodejs", options: { typescript: false } },
        main,
      }),
    );
    return project.name as string;
  }

  /** The project, state, Pulumi home and log directories (the log directory emptied). */
  makeDirs(): void {
    for (const d of [
      this.projectDir,
      this.stateDir,
      this.homeDir,
      path.join(this.homeDir, "tmp"),
      this.logDir,
    ])
      fs.mkdirSync(d, { recursive: true });
    for (const f of fs.readdirSync(this.logDir)) fs.rmSync(path.join(this.logDir, f), { force: true });
  }

  /** `pulumi login` to a file backend: this workspace's state directory, or another workspace's. */
  async login(backend = this.stateDir): Promise<void> {
    const r = await this.cli(["login", `file://${backend}`]);
    if (r.code !== 0) throw new Error(failure(r));
  }

  /** Runs `pulumi args` in the project (with `--stack` when given); logged, timed, never throws. */
  async cli(args: string[], o: CliOptions = {}): Promise<RunResult> {
    const full = [...args, ...(o.stack ? ["--stack", o.stack] : []), "--non-interactive"];
    const shown = [
      "pulumi",
      ...full.map((a, i) => (o.secretArgs?.includes(i) ? "[secret]" : shellQuote(a))),
    ].join(" ");
    const raw = await run(this.s.pulumiBin!, full, {
      cwd: this.projectDir,
      env: this.env(),
      timeoutMs: o.timeoutMs ?? 600_000,
      display: shown,
      input: o.input,
    });
    const r = { ...raw, stdout: this.scrub(raw.stdout), stderr: this.scrub(raw.stderr) };
    const n = String(++this.seq).padStart(2, "0");
    const label = `${o.stack ?? "-"}-${args.slice(0, 2).join("-")}`.replace(/[^A-Za-z0-9_.-]/g, "_");
    fs.writeFileSync(
      path.join(this.logDir, `${n}-${label}.log`),
      `$ ${shown}\n# exit ${r.code}, ${r.ms} ms\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}\n`,
    );
    this.report.command(o.stack ?? "-", shown, r.code, r.ms);
    return r;
  }

  private scrub(text: string): string {
    let t = text;
    for (const v of this.secretValues) {
      t = t.split(v).join("[secret]");
      // A multi-line value may be printed line by line.
      for (const line of v.split("\n")) if (line.length >= 16) t = t.split(line).join("[secret]");
    }
    return t;
  }

  /** Like {@link cli}; a non-zero exit throws with the output's tail. */
  async cliOk(args: string[], o: CliOptions = {}): Promise<RunResult> {
    const r = await this.cli(args, o);
    if (r.code !== 0) throw new Error(failure(r));
    return r;
  }

  stackFile(stack: string): string {
    return path.join(this.projectDir, `Pulumi.${stack}.yaml`);
  }

  /** `pulumi stack init`, then the stack's config written next to the salt that init chose. */
  async initStack(stack: string, config: Record<string, unknown>): Promise<void> {
    await this.cliOk(["stack", "init", stack]);
    const file = this.stackFile(stack);
    const initial = (fs.existsSync(file) ? parse(fs.readFileSync(file, "utf8")) : {}) as Record<
      string,
      unknown
    >;
    fs.writeFileSync(file, stringify({ ...initial, config }));
  }

  /**
   * `pulumi config set --secret`, the value on stdin (never in argv, where `ps` or an error would show it).
   * `key` without a namespace is this program's (`registry-platform:`).
   */
  async setSecret(stack: string, key: string, value: string): Promise<void> {
    this.secretValues.add(value);
    const full = key.includes(":") ? key : `${NAMESPACE}:${key}`;
    await this.cliOk(["config", "set", "--secret", full], { stack, input: value });
  }

  /** The text of `pulumi stack export`. */
  async exportText(stack: string): Promise<string> {
    return (await this.cliOk(["stack", "export"], { stack })).stdout;
  }

  /** The stack's resources in state (`pulumi stack export`). */
  async resources(stack: string): Promise<{ urn: string; type: string; protect?: boolean }[]> {
    const d = JSON.parse(await this.exportText(stack)) as {
      deployment?: { resources?: { urn: string; type: string }[] };
    };
    return d.deployment?.resources ?? [];
  }

  async outputs(stack: string, showSecrets: boolean): Promise<Record<string, unknown>> {
    const r = await this.cliOk(["stack", "output", "--json", ...(showSecrets ? ["--show-secrets"] : [])], {
      stack,
    });
    return JSON.parse(r.stdout) as Record<string, unknown>;
  }
}
