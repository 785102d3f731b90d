import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { pemBundle, pemSha256, renderHostsToml } from "../../components/tls";
import { ROOT } from "../harness";
import { CA_EXT, chain, issue, LEAF_EXT, openssl, selfSignedCa, verify } from "./openssl";
import { scratchDir } from "../harness/scratch";

const SCRIPT = path.join(ROOT, "scripts", "install-registry-ca.sh");
const HOST = "registry.example.com";

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

function script(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Result {
  const r = spawnSync("bash", [SCRIPT, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    input,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file below `dir`, relative, sorted. */
function files(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort();
}

describe("tls: scripts/install-registry-ca.sh (real CA from openssl)", () => {
  let dir: string;
  let c: ReturnType<typeof chain>;
  let bundleFile: string;
  let bundle: string;
  const rootDir = (name: string) => {
    const d = path.join(dir, name);
    fs.mkdirSync(d, { recursive: true });
    return d;
  };
  before(() => {
    dir = scratchDir("install-ca");
    c = chain(dir, [HOST]);
    bundle = c.root.certPem + c.intermediate.certPem;
    bundleFile = path.join(dir, "bundle.pem");
    fs.writeFileSync(bundleFile, bundle);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("installs for containerd and docker; a second run reports unchanged and rewrites nothing", () => {
    const root = rootDir("both");
    const first = script(["--host", HOST, "--ca-file", bundleFile, "--root", root]);
    assert.strictEqual(first.status, 0, first.stderr);
    assert.deepStrictEqual(files(root), [
      `etc/containerd/certs.d/${HOST}/ca.crt`,
      `etc/containerd/certs.d/${HOST}/hosts.toml`,
      `etc/docker/certs.d/${HOST}/ca.crt`,
    ]);
    const ca = path.join(root, "etc/containerd/certs.d", HOST, "ca.crt");
    assert.strictEqual(fs.readFileSync(ca, "utf8"), bundle);
    assert.strictEqual(
      fs.readFileSync(path.join(root, "etc/docker/certs.d", HOST, "ca.crt"), "utf8"),
      bundle,
    );
    assert.strictEqual(fs.statSync(ca).mode & 0o777, 0o644);
    assert.match(
      first.stdout,
      /installed the CA for registry\.example\.com from .* \(2 certificate\(s\), sha256 [0-9a-f]{64}\)/,
    );

    const mtime = fs.statSync(ca).mtimeMs;
    const second = script(["--host", HOST, "--ca-file", bundleFile, "--root", root]);
    assert.strictEqual(second.status, 0, second.stderr);
    assert.match(
      second.stdout,
      /unchanged: the CA for registry\.example\.com is already installed .*; nothing to do/,
    );
    assert.strictEqual((second.stdout.match(/^install-registry-ca\.sh: unchanged: \//gm) ?? []).length, 3);
    assert.ok(!/wrote:/.test(second.stdout));
    assert.strictEqual(fs.statSync(ca).mtimeMs, mtime);
  });

  it("writes the same hosts.toml as NodeTrust and a ca.crt whose sha256 is the stack's registryCaSha256", () => {
    const root = rootDir("parity");
    const crlf = path.join(dir, "crlf.pem");
    fs.writeFileSync(crlf, bundle.replace(/\n/g, "\r\n"));
    const r = script([
      "--host",
      `${HOST}:5443`,
      "--ca-file",
      crlf,
      "--root",
      root,
      "--runtime",
      "containerd",
    ]);
    assert.strictEqual(r.status, 0, r.stderr);
    const d = path.join(root, "etc/containerd/certs.d", `${HOST}:5443`);
    assert.strictEqual(fs.readFileSync(path.join(d, "hosts.toml"), "utf8"), renderHostsToml(`${HOST}:5443`));
    const installed = fs.readFileSync(path.join(d, "ca.crt"), "utf8");
    assert.strictEqual(installed, pemBundle(bundle));
    assert.ok(r.stdout.includes(`sha256 ${pemSha256(pemBundle(bundle))}`));
    assert.deepStrictEqual(files(root), [
      `etc/containerd/certs.d/${HOST}:5443/ca.crt`,
      `etc/containerd/certs.d/${HOST}:5443/hosts.toml`,
    ]);
  });

  it("openssl verify trusts the registry's server certificate with the installed bundle", () => {
    const root = rootDir("verify");
    assert.strictEqual(
      script(["--host", HOST, "--ca-file", bundleFile, "--root", root, "--runtime", "docker"]).status,
      0,
    );
    const installed = path.join(root, "etc/docker/certs.d", HOST, "ca.crt");
    const ok = verify(dir, installed, c.leaf.certFile);
    assert.ok(ok.ok, ok.out);
    assert.match(ok.out, /leaf\.pem: OK/);
    // A certificate from another CA is not trusted by what was installed.
    const otherDir = fs.mkdtempSync(path.join(dir, "other-"));
    const rogue = issue(otherDir, "rogue", selfSignedCa(otherDir, "rogue-ca", CA_EXT()), LEAF_EXT([HOST]));
    assert.ok(!verify(dir, installed, rogue.certFile).ok);
  });

  it("a CA rotation rewrites ca.crt and says so", () => {
    const root = rootDir("rotate");
    assert.strictEqual(script(["--host", HOST, "--ca-file", c.root.certFile, "--root", root]).status, 0);
    const r = script(["--host", HOST, "--ca-file", bundleFile, "--root", root]);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /wrote: .*containerd\/certs\.d\/registry\.example\.com\/ca\.crt/);
    assert.match(r.stdout, /unchanged: .*hosts\.toml/);
    assert.strictEqual(
      fs.readFileSync(path.join(root, "etc/containerd/certs.d", HOST, "ca.crt"), "utf8"),
      bundle,
    );
  });

  it("rejects a bad PEM with status 65 and writes nothing", () => {
    const root = rootDir("bad");
    const cases: [string, RegExp][] = [
      ["not a certificate at all\n", /contains no PEM certificate/],
      [
        "-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n",
        /certificate 1 is not a valid X\.509 certificate/,
      ],
      [c.root.certPem + c.root.certPem.replace(/\n-----END CERTIFICATE-----\n$/, "\n"), /not terminated/],
      [c.root.certPem + c.root.keyPem, /contains a private key; refusing to install it/],
    ];
    for (const [text, why] of cases) {
      const f = path.join(dir, "bad.pem");
      fs.writeFileSync(f, text);
      const r = script(["--host", HOST, "--ca-file", f, "--root", root]);
      assert.strictEqual(r.status, 65, `${why}: ${r.stderr}`);
      assert.match(r.stderr, why);
      assert.deepStrictEqual(files(root), []);
    }
  });

  it("rejects an expired CA with status 65", () => {
    const root = rootDir("expired-root");
    const work = fs.mkdtempSync(path.join(dir, "expired-"));
    openssl(
      ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"].concat([
        "-keyout",
        "k.pem",
        "-out",
        "r.csr",
        "-subj",
        "/CN=old",
      ]),
      work,
    );
    openssl(["x509", "-req", "-in", "r.csr", "-key", "k.pem", "-out", "c.pem", "-days", "-1"], work);
    const r = script(["--host", HOST, "--ca-file", path.join(work, "c.pem"), "--root", root]);
    assert.strictEqual(r.status, 65, r.stderr);
    assert.match(r.stderr, /certificate 1 \(CN=old\) expired on/);
    assert.deepStrictEqual(files(root), []);
  });

  it("usage errors exit 64 with the usage text", () => {
    const cases: [string[], RegExp][] = [
      [["--ca-file", bundleFile], /--host is required/],
      [["--host", HOST], /one of --ca-file or --stack is required/],
      [["--host", HOST, "--ca-file", bundleFile, "--stack", "dev"], /either --ca-file or --stack, not both/],
      [["--host", "../../etc", "--ca-file", bundleFile], /--host: found '..\/..\/etc'/],
      // Ports as isRegistryHostName (NodeTrust) takes them: 1-65535, no leading zero.
      [["--host", `${HOST}:0`, "--ca-file", bundleFile], /--host: found '.*:0'/],
      [["--host", `${HOST}:99999`, "--ca-file", bundleFile], /--host: found '.*:99999'/],
      [["--host", `${HOST}:05000`, "--ca-file", bundleFile], /--host: found '.*:05000'/],
      [["--host", HOST, "--ca-file", bundleFile, "--runtime", "cri-o"], /--runtime: found 'cri-o'/],
      [["--host", HOST, "--ca-file", bundleFile, "--root", path.join(dir, "missing")], /is not a directory/],
      [["--host"], /--host needs a value/],
      [["--frobnicate"], /unknown argument: --frobnicate/],
    ];
    for (const [args, why] of cases) {
      const r = script(args);
      assert.strictEqual(r.status, 64, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, why);
      assert.match(r.stderr, /^usage: install-registry-ca\.sh --host/m);
    }
    const help = script(["--help"]);
    assert.strictEqual(help.status, 0);
    assert.match(help.stdout, /--runtime <name>/);
  });

  it("--stack reads `pulumi stack output caBundlePem --stack <stack>`", () => {
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin, { recursive: true });
    const log = path.join(dir, "pulumi.log");
    fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\necho "$@" >> "${log}"\ncat "${bundleFile}"\n`, {
      mode: 0o755,
    });
    const root = rootDir("stack");
    const r = script(["--host", HOST, "--stack", "prod-apne2", "--root", root, "--cwd", "/srv/platform"], {
      PATH: `${bin}:${process.env.PATH ?? ""}`,
    });
    assert.strictEqual(r.status, 0, r.stderr);
    assert.strictEqual(
      fs.readFileSync(log, "utf8"),
      "stack output caBundlePem --stack prod-apne2 --cwd /srv/platform\n",
    );
    assert.match(r.stdout, /from stack prod-apne2/);
    assert.strictEqual(
      fs.readFileSync(path.join(root, "etc/docker/certs.d", HOST, "ca.crt"), "utf8"),
      bundle,
    );

    fs.writeFileSync(
      path.join(bin, "pulumi"),
      "#!/bin/sh\necho 'error: no stack named nope' >&2\nexit 255\n",
      { mode: 0o755 },
    );
    const failed = script(["--host", HOST, "--stack", "nope", "--root", rootDir("stack-fail")], {
      PATH: `${bin}:${process.env.PATH ?? ""}`,
    });
    assert.strictEqual(failed.status, 1);
    assert.match(
      failed.stderr,
      /pulumi stack output caBundlePem --stack nope failed: error: no stack named nope/,
    );
    assert.deepStrictEqual(files(path.join(dir, "stack-fail")), []);
  });

  it("--restart with --root restarts nothing and says so", () => {
    const r = script(["--host", HOST, "--ca-file", bundleFile, "--root", rootDir("restart"), "--restart"]);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /not restarting containerd: --root is set/);
    assert.match(r.stdout, /not restarting docker: --root is set/);
  });
});
