/**
 * `RegistryAccess`: what an app stack needs to pull from the platform registry in one namespace (SPEC R8.2).
 * From a platform stack (a `StackReference`, read through the checked output contract) or direct values, it
 * creates the `kubernetes.io/dockerconfigjson` pull secret of a project's pull robot, optionally adds it to
 * the namespace's `default` ServiceAccount, and resolves `repo:tag` to a digest-pinned reference.
 */
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as pulumi from "@pulumi/pulumi";
import { dockerConfigJson } from "../harbor-config/payloads";
import { PlatformStackOutputs } from "./contract";
import { isKubernetesName, isPort } from "../tls/certs";
import { DigestResolver, referenceProblems, RegistryCredentials, resolveDigest } from "./digest";
import { shownValue } from "../redact";

/** Registry values given directly instead of a platform stack. */
export interface RegistryEndpointArgs {
  /** Registry `host[:port]`. */
  host: pulumi.Input<string>;
  /** The project's pull robot (`robot$<project>+cluster-pull`). */
  username: pulumi.Input<string>;
  password: pulumi.Input<string>;
  /** CA bundle to trust for digest resolution (the platform CA). Default: public roots only. */
  caBundlePem?: pulumi.Input<string>;
}

export interface RegistryAccessArgs {
  /**
   * The platform stack, as a `StackReference` name (`<org>/registry-platform/<stack>`) or one you created.
   * Exactly one of `platformStack` and `registry`.
   */
  platformStack?: string | pulumi.StackReference;
  /** The registry values directly. */
  registry?: RegistryEndpointArgs;
  /** The Harbor project whose pull robot is used; `image()` repositories are relative to it. */
  project: string;
  /** Namespace of the pull secret. */
  namespace: pulumi.Input<string>;
  /** Name of the pull secret. Default `registry-pull-<project>`. */
  secretName?: string;
  /** Add the secret to the namespace's `default` ServiceAccount (server-side apply patch). Default false. */
  patchDefaultServiceAccount?: boolean;
  /** Digest resolution (tests substitute a fake). Default: {@link resolveDigest} over HTTPS. */
  resolver?: DigestResolver;
  /** Per request, for digest resolution. Default 15000. */
  resolveTimeoutMs?: number;
}

/** `registry-pull-<project>`, DNS-safe (a name cut at 253 characters does not end in `.` or `-`). */
export function defaultPullSecretName(project: string): string {
  return `registry-pull-${project.toLowerCase().replace(/[^a-z0-9.-]/g, "-")}`
    .slice(0, 253)
    .replace(/[.-]+$/, "");
}

/** Kubernetes label values are at most 63 characters; Harbor project names up to 255. */
const LABEL_VALUE_MAX = 63;

/**
 * The pull Secret's labels and annotations: the project as the `registry-platform/project` label, or, for a
 * project name longer than a label value may be, as an annotation of that name (the API server refuses the label).
 */
export function pullSecretMetadataTags(project: string): {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
} {
  const managed = { "app.kubernetes.io/managed-by": "pulumi" };
  return project.length <= LABEL_VALUE_MAX
    ? { labels: { ...managed, "registry-platform/project": project } }
    : { labels: managed, annotations: { "registry-platform/project": project } };
}

/** The username/password for `host` in a `.dockerconfigjson` (`username`/`password`, else `auth`). */
export function credentialsFromDockerConfig(json: string, host: string): RegistryCredentials {
  let doc: { auths?: Record<string, { username?: string; password?: string; auth?: string }> };
  try {
    doc = JSON.parse(json) as typeof doc;
  } catch {
    throw new Error("the pull .dockerconfigjson is not JSON");
  }
  const entry = doc.auths?.[host];
  if (!entry)
    throw new Error(
      `the pull .dockerconfigjson has no entry for ${host} (entries: ${Object.keys(doc.auths ?? {}).join(", ") || "none"})`,
    );
  if (entry.username && entry.password !== undefined)
    return { username: entry.username, password: entry.password };
  if (entry.auth) {
    const text = Buffer.from(entry.auth, "base64").toString("utf8");
    const i = text.indexOf(":");
    if (i > 0) return { username: text.slice(0, i), password: text.slice(i + 1) };
  }
  throw new Error(`the pull .dockerconfigjson entry for ${host} has no credentials`);
}

/** `host[:port]` as a registry reference starts: a DNS name or IPv4 address, or `[IPv6]`, and a port 1..65535. */
function isHostPort(text: string): boolean {
  const m = /^([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::([0-9]+))?$/.exec(text);
  return m !== null && (m[2] === undefined || isPort(m[2]));
}

/** Checks the component's arguments; every problem at once. */
export function registryAccessArgsProblems(args: RegistryAccessArgs): string[] {
  const out: string[] = [];
  if ((args.platformStack === undefined) === (args.registry === undefined))
    out.push(
      "platformStack / registry: found " +
        (args.platformStack ? "both" : "neither") +
        "; allowed: exactly one",
    );
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(args.project ?? ""))
    out.push(
      `project: found ${JSON.stringify(args.project)}; allowed: a Harbor project name (lowercase a-z, 0-9, . _ -)`,
    );
  if (args.secretName !== undefined && !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(args.secretName))
    out.push(`secretName: found ${JSON.stringify(args.secretName)}; allowed: a DNS subdomain name`);
  // Values known now are checked now; an Output is the caller's (the API server or the resolver checks it).
  if (
    typeof args.platformStack === "string" &&
    !/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/.test(args.platformStack)
  )
    out.push(
      `platformStack: found ${JSON.stringify(args.platformStack)}; allowed: a stack name (<stack>, ` +
        "<project>/<stack> or <org>/<project>/<stack>) or a StackReference",
    );
  const host = args.registry?.host;
  if (typeof host === "string" && !isHostPort(host))
    out.push(
      `registry.host: found ${shownValue(host)}; allowed: host[:port] without a scheme or path ` +
        "(registry.example.com, registry.example.com:8443)",
    );
  if (typeof args.namespace === "string" && !isKubernetesName(args.namespace))
    out.push(
      `namespace: found ${JSON.stringify(args.namespace)}; allowed: a DNS label (lowercase a-z, 0-9, -; at most 63 characters)`,
    );
  const t = args.resolveTimeoutMs;
  if (t !== undefined && !(Number.isInteger(t) && t >= 1))
    out.push(`resolveTimeoutMs: found ${String(t)}; allowed: a whole number of milliseconds, at least 1`);
  return out;
}

export class RegistryAccess extends pulumi.ComponentResource {
  /** Registry `host[:port]`. */
  public readonly host: pulumi.Output<string>;
  /** The pull secret's name (use it in `imagePullSecrets`). */
  public readonly secretName: pulumi.Output<string>;
  public readonly secret: corev1.Secret;
  /** The pull robot's `.dockerconfigjson` (secret). */
  public readonly dockerConfigJson: pulumi.Output<string>;
  public readonly serviceAccountPatch?: corev1.ServiceAccountPatch;
  /** The platform's CA bundle, if it has one. */
  public readonly caBundlePem: pulumi.Output<string | undefined>;

  private readonly project: string;
  private readonly label: string;
  private readonly credentials: pulumi.Output<RegistryCredentials>;
  private readonly resolver: DigestResolver;
  private readonly timeoutMs?: number;

  constructor(name: string, args: RegistryAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = registryAccessArgsProblems(args);
    if (problems.length)
      throw new Error(`RegistryAccess ${name}: invalid arguments:\n  - ${problems.join("\n  - ")}`);
    super("registry-platform:access:RegistryAccess", name, {}, opts);
    this.project = args.project;
    this.label = name;
    this.resolver = args.resolver ?? resolveDigest;
    this.timeoutMs = args.resolveTimeoutMs;

    if (args.registry) {
      const r = args.registry;
      this.host = pulumi.output(r.host);
      this.caBundlePem = pulumi.output(r.caBundlePem);
      this.credentials = pulumi.secret(
        pulumi.all([r.username, r.password]).apply(([username, password]) => ({ username, password })),
      );
    } else {
      const ref =
        typeof args.platformStack === "string"
          ? new pulumi.StackReference(`${name}-platform`, { name: args.platformStack }, { parent: this })
          : args.platformStack!;
      const source =
        typeof args.platformStack === "string" ? args.platformStack : `of RegistryAccess ${name}`;
      const platform = PlatformStackOutputs.fromStackReference(ref, source);
      this.host = platform.field("registryHost");
      this.caBundlePem = platform.field("caBundlePem");
      const project = args.project;
      const configs = platform.field("pullDockerConfigJson");
      this.credentials = pulumi.secret(
        pulumi.all([this.host, configs, platform.field("harborProjects")]).apply(([host, all, projects]) => {
          const json = all?.[project];
          if (json === undefined)
            throw new Error(
              `RegistryAccess ${name}: platform stack ${platform.source} has no pull credentials for project ` +
                `${JSON.stringify(project)} (projects: ${Object.keys(projects ?? all ?? {}).join(", ") || "none"})`,
            );
          return credentialsFromDockerConfig(json, host);
        }),
      );
    }

    this.dockerConfigJson = pulumi.secret(
      pulumi
        .all([this.host, this.credentials])
        .apply(([host, c]) => dockerConfigJson(host, c.username, c.password)),
    );
    const secretName = args.secretName ?? defaultPullSecretName(args.project);
    this.secret = new corev1.Secret(
      `${name}-pull-secret`,
      {
        metadata: {
          name: secretName,
          namespace: args.namespace,
          ...pullSecretMetadataTags(args.project),
        },
        type: "kubernetes.io/dockerconfigjson",
        stringData: { ".dockerconfigjson": this.dockerConfigJson },
      },
      { parent: this },
    );
    this.secretName = this.secret.metadata.name;
    if (args.patchDefaultServiceAccount) {
      this.serviceAccountPatch = new corev1.ServiceAccountPatch(
        `${name}-default-sa`,
        {
          metadata: { name: "default", namespace: args.namespace },
          imagePullSecrets: [{ name: this.secretName }],
        },
        { parent: this, dependsOn: [this.secret] },
      );
    }
    this.registerOutputs({
      host: this.host,
      secretName: this.secretName,
      dockerConfigJson: this.dockerConfigJson,
    });
  }

  /**
   * `<host>/<project>/<repository>@sha256:…` for `repository:tag` of this access's project, resolved through
   * the registry at deploy time with the pull robot, trusting the platform CA. While any input is unknown (a
   * preview before the platform exists) nothing is called and the result is unknown. A `sha256:` digest in
   * place of the tag is checked to exist and kept.
   */
  image(repository: string, tag: string): pulumi.Output<string> {
    const path = `${this.project}/${repository}`;
    // Checked at the call, so a preview (where nothing is resolved yet) fails on a bad reference too.
    const problems = referenceProblems(path, tag);
    if (problems.length)
      throw new Error(
        `RegistryAccess ${this.label}: image(${JSON.stringify(repository)}, ${JSON.stringify(tag)}): ${problems.join("; ")}`,
      );
    const resolver = this.resolver;
    const timeoutMs = this.timeoutMs;
    // The credentials are secret; the digest and the reference are not, so the result is unwrapped.
    const resolved = pulumi
      .all([this.host, this.credentials, this.caBundlePem])
      .apply(async ([host, credentials, caPem]) => {
        const digest = await resolver({
          host,
          repository: path,
          reference: tag,
          credentials,
          ...(caPem ? { caPem } : {}),
          ...(timeoutMs ? { timeoutMs } : {}),
        });
        return `${host}/${path}@${digest}`;
      });
    return pulumi.unsecret(resolved);
  }
}
