/**
 * NodeTrust: makes every node's containerd trust the registry CA (SPEC R2.4).
 *
 * A DaemonSet on every node (all taints tolerated) whose init container copies the CA bundle and a
 * `hosts.toml` into `/etc/containerd/certs.d/<host>/` on the node, then a pause container keeps the pod.
 * The pod template carries the sha256 of the CA bundle, so a new CA rolls the DaemonSet and rewrites the
 * files. containerd reads certs.d on every pull (no restart) when its CRI registry `config_path` points
 * there (the containerd 2.x default; set explicitly on containerd 1.x, as EKS and most distributions do).
 */
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as appsv1 from "@pulumi/kubernetes/apps/v1";
import type * as k8sInput from "@pulumi/kubernetes/types/input";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { isKubernetesName, isRegistryHostName } from "./certs";
import { mirrorImageRef } from "../artifacts/images";
import { imageRef, images } from "../versions";
import { shownValue } from "../redact";

/** containerd's hosts directory on the node. */
export const CONTAINERD_CERTS_DIR = "/etc/containerd/certs.d";

/** Where the init container sees the node's certs.d, and the ConfigMap. */
export const NODE_TRUST_HOST_MOUNT = "/host/certs.d";
export const NODE_TRUST_CONFIG_MOUNT = "/config";

/** Pod template annotation holding the sha256 of the CA bundle (a change re-rolls the DaemonSet). */
export const CA_SHA_ANNOTATION = "registry-platform/ca-bundle-sha256";
/** Pod template annotation holding the sha256 of the rendered hosts.toml files. */
export const HOSTS_SHA_ANNOTATION = "registry-platform/hosts-toml-sha256";

/** Lowercase hex sha256 of a text (UTF-8), e.g. of the CA bundle PEM exactly as installed. */
export function pemSha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * containerd `hosts.toml` for one registry host (`host` or `host:port`): the registry is the server, with
 * our CA, trusted to pull, resolve and push. The root-level `ca` covers containerd's fallback to `server`.
 * `install-registry-ca.sh` writes the same bytes.
 */
export function renderHostsToml(host: string, certsDir: string = CONTAINERD_CERTS_DIR): string {
  if (!isRegistryHostName(host))
    throw new Error(`registry host: found ${shownValue(host)}; allowed: host or host:port`);
  const url = `https://${host}`;
  const ca = `${certsDir}/${host}/ca.crt`;
  return [
    "# Written by registry-platform (NodeTrust / install-registry-ca.sh); local changes are overwritten.",
    `server = "${url}"`,
    `ca = "${ca}"`,
    "",
    `[host."${url}"]`,
    `  capabilities = ["pull", "resolve", "push"]`,
    `  ca = "${ca}"`,
    "",
  ].join("\n");
}

/** ConfigMap key of a host's hosts.toml (keys allow `[-._a-zA-Z0-9]`, so `:` becomes `_`). */
export function hostsTomlKey(host: string): string {
  return `hosts.toml.${host.replace(/:/g, "_")}`;
}

/** The ConfigMap's hosts.toml entries, one per host. */
export function hostsTomlData(hosts: readonly string[]): Record<string, string> {
  return Object.fromEntries(hosts.map((h) => [hostsTomlKey(h), renderHostsToml(h)]));
}

/** ConfigMap volume items: `ca.crt` at the top, each hosts.toml at `<host>/hosts.toml`. */
export function configVolumeItems(hosts: readonly string[]): { key: string; path: string }[] {
  return [
    { key: "ca.crt", path: "ca.crt" },
    ...hosts.map((h) => ({ key: hostsTomlKey(h), path: `${h}/hosts.toml` })),
  ];
}

/**
 * The init container's script (busybox sh). Arguments: the hosts. For each host it writes `ca.crt` and
 * `hosts.toml` into `<certs.d>/<host>/`, atomically (temp file + rename in the same directory) and only
 * when the content differs, and logs what it did.
 */
export function nodeTrustInstallScript(): string {
  return [
    "set -eu",
    "umask 022",
    `src=${NODE_TRUST_CONFIG_MOUNT}`,
    `dst=${NODE_TRUST_HOST_MOUNT}`,
    '[ "$#" -gt 0 ] || { echo "node-trust: no registry host given" >&2; exit 2; }',
    "install_file() { # <from> <to>",
    '  if cmp -s "$1" "$2"; then echo "node-trust: unchanged $2"; return 0; fi',
    '  tmp="$2.tmp.$$"',
    '  cp "$1" "$tmp" && chmod 0644 "$tmp" && mv -f "$tmp" "$2"',
    '  echo "node-trust: wrote $2"',
    "}",
    'for host in "$@"; do',
    '  mkdir -p "$dst/$host"',
    '  install_file "$src/ca.crt" "$dst/$host/ca.crt"',
    '  install_file "$src/$host/hosts.toml" "$dst/$host/hosts.toml"',
    "done",
    'echo "node-trust: CA installed for $*"',
  ].join("\n");
}

/** The DaemonSet's images (pinned by digest), under the image mirror when one is given. */
export function nodeTrustImages(imageMirror?: string): { installCa: string; pause: string } {
  return {
    installCa: mirrorImageRef(imageRef(images.busybox), imageMirror),
    pause: mirrorImageRef(imageRef(images.pause), imageMirror),
  };
}

export interface NodeTrustArgs {
  /** Namespace of the DaemonSet and ConfigMap. */
  namespace: string;
  /**
   * Create the namespace, labelled `pod-security.kubernetes.io/enforce: privileged` (hostPath volumes
   * are outside the baseline and restricted Pod Security levels). Default true.
   */
  createNamespace?: boolean;
  /** The registry host (`host` or `host:port`) as image references name it. */
  registryHost: string;
  /** The CA bundle (PEM) nodes trust for the registry; public. */
  caBundlePem: pulumi.Input<string>;
  /** More hosts served by the same CA (peer registries, aliases). Default `[]`. */
  extraHosts?: string[];
  /**
   * Registry (`host[:port][/path]`) the images are pulled from instead of docker.io and registry.k8s.io
   * (`<imageMirror>/library/busybox:…@sha256:…`); digests kept. Default: none.
   */
  imageMirror?: string;
}

/** All hosts, validated: the registry host first, no duplicates. */
export function nodeTrustHosts(args: Pick<NodeTrustArgs, "registryHost" | "extraHosts">): string[] {
  const hosts = [...new Set([args.registryHost, ...(args.extraHosts ?? [])])];
  const bad = hosts.filter((h) => !isRegistryHostName(h));
  if (bad.length > 0)
    throw new Error(
      `NodeTrust: found host ${JSON.stringify(bad[0])}; allowed: a lowercase DNS name, optionally :port`,
    );
  return hosts;
}

export const NODE_TRUST_APP = "registry-node-trust";

export function nodeTrustLabels(instance: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": NODE_TRUST_APP,
    "app.kubernetes.io/instance": instance,
    "app.kubernetes.io/part-of": "registry-platform",
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/** Common container hardening: no privilege escalation, no capabilities, read-only root filesystem. */
const hardened = {
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

/**
 * The DaemonSet spec. Only the init container runs as root (certs.d on the node is root-owned), without
 * any capability; the pause container runs as 65535. `caBundleSha256` may be an Output.
 */
export function nodeTrustDaemonSetSpec(p: {
  instance: string;
  configMapName: pulumi.Input<string>;
  hosts: string[];
  caBundleSha256: pulumi.Input<string>;
  imageMirror?: string;
}): k8sInput.apps.v1.DaemonSetSpec {
  const image = nodeTrustImages(p.imageMirror);
  const selector = {
    "app.kubernetes.io/name": NODE_TRUST_APP,
    "app.kubernetes.io/instance": p.instance,
  };
  return {
    selector: { matchLabels: selector },
    updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%" } },
    template: {
      metadata: {
        labels: nodeTrustLabels(p.instance),
        annotations: {
          [CA_SHA_ANNOTATION]: p.caBundleSha256,
          [HOSTS_SHA_ANNOTATION]: pemSha256(JSON.stringify(hostsTomlData(p.hosts))),
        },
      },
      spec: {
        priorityClassName: "system-node-critical",
        tolerations: [{ operator: "Exists" }],
        nodeSelector: { "kubernetes.io/os": "linux" },
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        terminationGracePeriodSeconds: 5,
        securityContext: { seccompProfile: { type: "RuntimeDefault" } },
        initContainers: [
          {
            name: "install-ca",
            image: image.installCa,
            imagePullPolicy: "IfNotPresent",
            command: ["/bin/sh", "-c", nodeTrustInstallScript(), "node-trust", ...p.hosts],
            securityContext: { ...hardened, runAsUser: 0, runAsGroup: 0, runAsNonRoot: false },
            resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "32Mi" } },
            volumeMounts: [
              { name: "certs-d", mountPath: NODE_TRUST_HOST_MOUNT },
              { name: "config", mountPath: NODE_TRUST_CONFIG_MOUNT, readOnly: true },
            ],
          },
        ],
        containers: [
          {
            name: "pause",
            image: image.pause,
            imagePullPolicy: "IfNotPresent",
            securityContext: { ...hardened, runAsUser: 65535, runAsGroup: 65535, runAsNonRoot: true },
            resources: { requests: { cpu: "1m", memory: "8Mi" }, limits: { memory: "16Mi" } },
          },
        ],
        volumes: [
          { name: "certs-d", hostPath: { path: CONTAINERD_CERTS_DIR, type: "DirectoryOrCreate" } },
          { name: "config", configMap: { name: p.configMapName, items: configVolumeItems(p.hosts) } },
        ],
      },
    },
  };
}

export class NodeTrust extends pulumi.ComponentResource {
  /** Namespace of the DaemonSet. */
  public readonly namespace: pulumi.Output<string>;
  public readonly daemonSetName: pulumi.Output<string>;
  public readonly configMapName: pulumi.Output<string>;
  /** sha256 (hex) of the CA bundle the nodes got: the pod template annotation. */
  public readonly caBundleSha256: pulumi.Output<string>;

  constructor(name: string, args: NodeTrustArgs, opts?: pulumi.ComponentResourceOptions) {
    if (!isKubernetesName(name))
      throw new Error(`NodeTrust: name ${JSON.stringify(name)} is not a Kubernetes name`);
    if (!isKubernetesName(args.namespace))
      throw new Error(`NodeTrust: namespace ${JSON.stringify(args.namespace)} is not a Kubernetes name`);
    super("registry-platform:tls:NodeTrust", name, {}, opts);
    const hosts = nodeTrustHosts(args);
    const labels = nodeTrustLabels(name);

    const ns =
      (args.createNamespace ?? true)
        ? new corev1.Namespace(
            `${name}-namespace`,
            {
              metadata: {
                name: args.namespace,
                labels: {
                  "app.kubernetes.io/part-of": "registry-platform",
                  "pod-security.kubernetes.io/enforce": "privileged",
                },
              },
            },
            { parent: this },
          )
        : undefined;
    const namespace = ns ? ns.metadata.name : pulumi.output(args.namespace);

    const bundle = pulumi.output(args.caBundlePem);
    const config = new corev1.ConfigMap(
      `${name}-config`,
      {
        metadata: { name: `${name}-ca`, namespace, labels },
        data: { "ca.crt": bundle, ...hostsTomlData(hosts) },
      },
      { parent: this },
    );
    this.caBundleSha256 = bundle.apply(pemSha256);
    const ds = new appsv1.DaemonSet(
      `${name}-daemonset`,
      {
        metadata: { name, namespace, labels },
        spec: nodeTrustDaemonSetSpec({
          instance: name,
          configMapName: config.metadata.name,
          hosts,
          caBundleSha256: this.caBundleSha256,
          imageMirror: args.imageMirror,
        }),
      },
      { parent: this },
    );
    this.namespace = namespace;
    this.daemonSetName = ds.metadata.name;
    this.configMapName = config.metadata.name;
    this.registerOutputs({
      namespace: this.namespace,
      daemonSetName: this.daemonSetName,
      configMapName: this.configMapName,
      caBundleSha256: this.caBundleSha256,
    });
  }
}
