/**
 * The example app stack (SPEC R8.3): reads a registry-platform stack through `RegistryAccess`, creates the
 * namespace, the pull secret of the project's pull robot, and a Deployment whose image is pinned by digest
 * (resolved from the tag at deploy time), so it passes the image policy (no `:latest`, digest required,
 * only the platform registry).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DigestResolver, RegistryAccess } from "../../components";

export interface AppConfig {
  /** `<org>/registry-platform/<stack>`. */
  platformStack: string;
  /** Harbor project of the image. */
  project: string;
  namespace: string;
  /** Repository inside the project, and the tag to deploy. */
  repository: string;
  tag: string;
  replicas: number;
}

/** The app's config (namespace `registry-platform-example-app`), checked once; every problem together. */
export function loadAppConfig(cfg = new pulumi.Config()): AppConfig {
  const problems: string[] = [];
  const need = (key: string): string => {
    const v = cfg.get(key);
    if (!v) problems.push(`${cfg.name}:${key}: found nothing (the key is required)`);
    return v ?? "";
  };
  const c: AppConfig = {
    platformStack: need("platformStack"),
    project: need("project"),
    namespace: need("namespace"),
    repository: need("repository"),
    tag: need("tag"),
    replicas: 2,
  };
  // Read as text and checked here, so a bad value is listed with the other problems (getNumber throws alone).
  const replicas = cfg.get("replicas");
  if (replicas !== undefined) {
    if (/^[0-9]+$/.test(replicas.trim())) c.replicas = Number(replicas.trim());
    else
      problems.push(
        `${cfg.name}:replicas: found ${JSON.stringify(replicas)}; allowed: a whole number, 0 or more`,
      );
  }
  if (c.tag.toLowerCase() === "latest")
    problems.push(
      `${cfg.name}:tag: found ${JSON.stringify(c.tag)}; allowed: a release tag (latest is refused by policy)`,
    );
  if (problems.length) throw new Error(`invalid app configuration:\n  - ${problems.join("\n  - ")}`);
  return c;
}

/** The app's resources; `resolver` replaces the registry call (offline synth, tests). */
export function appProgram(c: AppConfig, opts: { resolver?: DigestResolver } = {}) {
  const labels = { app: "hello" };
  const ns = new k8s.core.v1.Namespace("hello", { metadata: { name: c.namespace } });
  const access = new RegistryAccess("hello", {
    platformStack: c.platformStack,
    project: c.project,
    namespace: ns.metadata.name,
    ...(opts.resolver ? { resolver: opts.resolver } : {}),
  });
  const image = access.image(c.repository, c.tag);
  const deployment = new k8s.apps.v1.Deployment("hello", {
    metadata: { name: "hello", namespace: ns.metadata.name, labels },
    spec: {
      replicas: c.replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          imagePullSecrets: [{ name: access.secretName }],
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name: "hello",
              image,
              ports: [{ containerPort: 8080 }],
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
              resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { memory: "64Mi" } },
            },
          ],
        },
      },
    },
  });
  return {
    namespace: ns.metadata.name,
    image,
    pullSecret: access.secretName,
    deployment: deployment.metadata.name,
  };
}
