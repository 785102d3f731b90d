import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as k8sProvider from "@pulumi/kubernetes/provider";
import {
  CA_SHA_ANNOTATION,
  configVolumeItems,
  hostsTomlKey,
  NodeTrust,
  NodeTrustArgs,
  nodeTrustHosts,
  nodeTrustInstallScript,
  pemSha256,
  renderHostsToml,
} from "../../components/tls";
import { images } from "../../components/versions";
import { Recorded, runComponent } from "../harness";
import { scratchDir } from "../harness/scratch";

const CA1 = "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n";
const CA2 = "-----BEGIN CERTIFICATE-----\nREVG\n-----END CERTIFICATE-----\n";

const T = {
  ds: "kubernetes:apps/v1:DaemonSet",
  cm: "kubernetes:core/v1:ConfigMap",
  ns: "kubernetes:core/v1:Namespace",
};

async function run(args: Partial<NodeTrustArgs> = {}): Promise<Recorded> {
  return runComponent(() => {
    const p = new k8sProvider.Provider("p", {});
    const nt = new NodeTrust(
      "node-trust",
      { namespace: "registry-system", registryHost: "registry.example.com", caBundlePem: CA1, ...args },
      { providers: { kubernetes: p } },
    );
    return { caBundleSha256: nt.caBundleSha256, daemonSetName: nt.daemonSetName };
  });
}

describe("tls: containerd hosts.toml (pure)", () => {
  it("renders server, root ca and the host entry with pull/resolve/push and the CA path", () => {
    assert.strictEqual(
      renderHostsToml("registry.example.com"),
      [
        "# Written by registry-platform (NodeTrust / install-registry-ca.sh); local changes are overwritten.",
        'server = "https://registry.example.com"',
        'ca = "/etc/containerd/certs.d/registry.example.com/ca.crt"',
        "",
        '[host."https://registry.example.com"]',
        '  capabilities = ["pull", "resolve", "push"]',
        '  ca = "/etc/containerd/certs.d/registry.example.com/ca.crt"',
        "",
      ].join("\n"),
    );
  });

  it("keeps a port in the URL and in the certs.d directory; ConfigMap keys replace ':'", () => {
    const toml = renderHostsToml("registry.example.com:5000");
    assert.match(toml, /^server = "https:\/\/registry\.example\.com:5000"$/m);
    assert.match(toml, /^ {2}ca = "\/etc\/containerd\/certs\.d\/registry\.example\.com:5000\/ca\.crt"$/m);
    assert.strictEqual(hostsTomlKey("registry.example.com:5000"), "hosts.toml.registry.example.com_5000");
    assert.deepStrictEqual(configVolumeItems(["a.example.com", "b.example.com:5000"]), [
      { key: "ca.crt", path: "ca.crt" },
      { key: "hosts.toml.a.example.com", path: "a.example.com/hosts.toml" },
      { key: "hosts.toml.b.example.com_5000", path: "b.example.com:5000/hosts.toml" },
    ]);
  });

  it("refuses host names that are not DNS names (they become directories on every node)", () => {
    assert.throws(() => renderHostsToml("../../etc"), /registry host: found "..\/..\/etc"/);
    assert.throws(
      () => nodeTrustHosts({ registryHost: "registry.example.com", extraHosts: ["a/b"] }),
      /NodeTrust: found host "a\/b"/,
    );
    assert.deepStrictEqual(
      nodeTrustHosts({ registryHost: "a.example.com", extraHosts: ["b.example.com", "a.example.com"] }),
      ["a.example.com", "b.example.com"],
    );
  });
});

describe("tls: the node-trust init script (run with /bin/sh)", () => {
  let dir: string;
  before(() => (dir = scratchDir("node-trust")));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Lays out the ConfigMap volume as the kubelet would and runs the script against a fake certs.d. */
  function runScript(hosts: string[], ca: string): string {
    const config = path.join(dir, "config");
    const certsD = path.join(dir, "certs.d");
    fs.rmSync(config, { recursive: true, force: true });
    fs.mkdirSync(certsD, { recursive: true });
    for (const item of configVolumeItems(hosts)) {
      const file = path.join(config, item.path);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const host = item.path.split("/")[0];
      fs.writeFileSync(file, item.key === "ca.crt" ? ca : renderHostsToml(host));
    }
    const script = nodeTrustInstallScript()
      .replace(/^src=.*$/m, `src=${config}`)
      .replace(/^dst=.*$/m, `dst=${certsD}`);
    return execFileSync("/bin/sh", ["-c", script, "node-trust", ...hosts], { encoding: "utf8" });
  }

  it("writes ca.crt and hosts.toml per host, then reports unchanged, then rewrites on a new CA", () => {
    const hosts = ["registry.example.com", "registry.example.com:5000"];
    const first = runScript(hosts, CA1);
    for (const h of hosts) {
      const d = path.join(dir, "certs.d", h);
      assert.strictEqual(fs.readFileSync(path.join(d, "ca.crt"), "utf8"), CA1);
      assert.strictEqual(fs.readFileSync(path.join(d, "hosts.toml"), "utf8"), renderHostsToml(h));
      assert.strictEqual(fs.statSync(path.join(d, "ca.crt")).mode & 0o777, 0o644);
      assert.deepStrictEqual(fs.readdirSync(d).sort(), ["ca.crt", "hosts.toml"], "no temp files left");
    }
    assert.strictEqual((first.match(/node-trust: wrote /g) ?? []).length, 4);
    const second = runScript(hosts, CA1);
    assert.strictEqual((second.match(/node-trust: unchanged /g) ?? []).length, 4);
    assert.ok(!second.includes("wrote"));
    const third = runScript(hosts, CA2);
    assert.strictEqual((third.match(/node-trust: wrote .*ca\.crt/g) ?? []).length, 2);
    assert.strictEqual(fs.readFileSync(path.join(dir, "certs.d", hosts[0], "ca.crt"), "utf8"), CA2);
  });
});

describe("tls: NodeTrust resources", () => {
  let rec: Recorded;
  before(async () => {
    rec = await run({ extraHosts: ["registry.example.org"] });
  });

  it("DaemonSet: every node, all taints tolerated, system-node-critical, Linux nodes", () => {
    const ds = rec.inputs(rec.one(T.ds));
    assert.strictEqual(ds.metadata.name, "node-trust");
    assert.strictEqual(ds.metadata.namespace, "registry-system");
    const spec = ds.spec.template.spec;
    assert.deepStrictEqual(spec.tolerations, [{ operator: "Exists" }]);
    assert.strictEqual(spec.priorityClassName, "system-node-critical");
    assert.deepStrictEqual(spec.nodeSelector, { "kubernetes.io/os": "linux" });
    assert.strictEqual(spec.automountServiceAccountToken, false);
    assert.deepStrictEqual(ds.spec.selector.matchLabels, {
      "app.kubernetes.io/name": "registry-node-trust",
      "app.kubernetes.io/instance": "node-trust",
    });
  });

  it("hostPath /etc/containerd/certs.d, mounted only into the init container", () => {
    const spec = rec.inputs(rec.one(T.ds)).spec.template.spec;
    assert.deepStrictEqual(spec.volumes[0], {
      name: "certs-d",
      hostPath: { path: "/etc/containerd/certs.d", type: "DirectoryOrCreate" },
    });
    assert.deepStrictEqual(spec.volumes[1], {
      name: "config",
      configMap: {
        name: "node-trust-ca",
        items: [
          { key: "ca.crt", path: "ca.crt" },
          { key: "hosts.toml.registry.example.com", path: "registry.example.com/hosts.toml" },
          { key: "hosts.toml.registry.example.org", path: "registry.example.org/hosts.toml" },
        ],
      },
    });
    const init = spec.initContainers[0];
    assert.deepStrictEqual(init.volumeMounts, [
      { name: "certs-d", mountPath: "/host/certs.d" },
      { name: "config", mountPath: "/config", readOnly: true },
    ]);
    assert.strictEqual(spec.containers[0].volumeMounts, undefined);
    assert.deepStrictEqual(init.command.slice(0, 2), ["/bin/sh", "-c"]);
    assert.strictEqual(init.command[2], nodeTrustInstallScript());
    assert.deepStrictEqual(init.command.slice(3), [
      "node-trust",
      "registry.example.com",
      "registry.example.org",
    ]);
  });

  it("images pinned by digest: busybox init, pause to keep the pod", () => {
    const spec = rec.inputs(rec.one(T.ds)).spec.template.spec;
    assert.strictEqual(
      spec.initContainers[0].image,
      `docker.io/library/busybox:1.37.0@${images.busybox.digest}`,
    );
    assert.strictEqual(spec.containers[0].image, `registry.k8s.io/pause:3.10@${images.pause.digest}`);
    for (const c of [...spec.initContainers, ...spec.containers])
      assert.match(c.image, /@sha256:[0-9a-f]{64}$/);
  });

  it("security: no escalation, no capabilities, read-only root; only the init container is root", () => {
    const spec = rec.inputs(rec.one(T.ds)).spec.template.spec;
    const base = {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    };
    assert.deepStrictEqual(spec.initContainers[0].securityContext, {
      ...base,
      runAsUser: 0,
      runAsGroup: 0,
      runAsNonRoot: false,
    });
    assert.deepStrictEqual(spec.containers[0].securityContext, {
      ...base,
      runAsUser: 65535,
      runAsGroup: 65535,
      runAsNonRoot: true,
    });
    assert.deepStrictEqual(spec.initContainers[0].resources, {
      requests: { cpu: "10m", memory: "16Mi" },
      limits: { memory: "32Mi" },
    });
    assert.deepStrictEqual(spec.containers[0].resources, {
      requests: { cpu: "1m", memory: "8Mi" },
      limits: { memory: "16Mi" },
    });
    assert.strictEqual(spec.hostNetwork, undefined);
    assert.strictEqual(spec.hostPID, undefined);
  });

  it("ConfigMap: the CA bundle and one hosts.toml per host", () => {
    const cm = rec.inputs(rec.one(T.cm));
    assert.strictEqual(cm.metadata.name, "node-trust-ca");
    assert.deepStrictEqual(cm.data, {
      "ca.crt": CA1,
      "hosts.toml.registry.example.com": renderHostsToml("registry.example.com"),
      "hosts.toml.registry.example.org": renderHostsToml("registry.example.org"),
    });
  });

  it("namespace created with Pod Security enforce=privileged (hostPath); all children use provider p", () => {
    const ns = rec.inputs(rec.one(T.ns));
    assert.strictEqual(ns.metadata.name, "registry-system");
    assert.strictEqual(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "privileged");
    const comp = rec.one("registry-platform:tls:NodeTrust");
    for (const r of [rec.one(T.ds), rec.one(T.cm), rec.one(T.ns)]) {
      assert.strictEqual(rec.providerOf(r)?.name, "p");
      assert.strictEqual(rec.parentOf(r)?.urn, comp.urn);
    }
  });

  it("pod template annotated with the CA bundle's sha256; a new CA changes it, the same CA does not", async () => {
    const ann = (r: Recorded): string =>
      r.inputs(r.one(T.ds)).spec.template.metadata.annotations[CA_SHA_ANNOTATION] as string;
    assert.strictEqual(ann(rec), pemSha256(CA1));
    assert.strictEqual(rec.outputs.caBundleSha256, pemSha256(CA1));
    const same = await run({ extraHosts: ["registry.example.org"] });
    assert.strictEqual(ann(same), ann(rec));
    const other = await run({ extraHosts: ["registry.example.org"], caBundlePem: CA2 });
    assert.strictEqual(ann(other), pemSha256(CA2));
    assert.notStrictEqual(ann(other), ann(rec));
  });

  it("createNamespace false creates no namespace; bad names are refused", async () => {
    const r = await run({ createNamespace: false });
    assert.deepStrictEqual(r.byType(T.ns), []);
    assert.strictEqual(r.inputs(r.one(T.ds)).metadata.namespace, "registry-system");
    await assert.rejects(
      run({ namespace: "Registry_System" }),
      /namespace "Registry_System" is not a Kubernetes name/,
    );
    await assert.rejects(run({ registryHost: "https://registry.example.com" }), /NodeTrust: found host/);
  });
});
