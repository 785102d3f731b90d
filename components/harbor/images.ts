/**
 * Which of Harbor's images a configuration deploys, and where they are pulled from (the image mirror);
 * which platform Secrets each Harbor pod reads (for its checksum annotation). Pure: the chart values and
 * `npm run images` both come from here.
 */
import { mirrorRepository } from "../artifacts/images";
import { harborImages } from "../versions";
import type { ResolvedHarborArgs } from "./args";
import { harborSecretNames } from "./names";

export type HarborImageKey = keyof typeof harborImages;

/** A chart `image` value: `repository` and `tag` (the chart has no digest key). */
export interface HarborImageValue {
  repository: string;
  tag: string;
}

/** What decides which of Harbor's workloads are rendered (a ResolvedHarborArgs, or the harbor config). */
export interface HarborImageSelection {
  expose: "ingress" | "loadBalancer";
  trivy: { enabled: boolean };
  database: { type: "internal" | "external" };
  redis: { type: "internal" | "external" };
  metrics: { enabled: boolean };
  imageMirror?: string;
}

/**
 * The images the chart renders for these arguments, each under the mirror when one is set: core, portal,
 * jobservice, registry and registryctl always; nginx only when exposed through a LoadBalancer (the ingress
 * needs none); Trivy, the internal PostgreSQL (also its init containers) and Redis, and the exporter only
 * when enabled.
 */
export function harborDeployedImages(
  r: HarborImageSelection,
): Partial<Record<HarborImageKey, HarborImageValue>> {
  const keys: HarborImageKey[] = ["core", "portal", "jobservice", "registry", "registryctl"];
  if (r.expose === "loadBalancer") keys.push("nginx");
  if (r.trivy.enabled) keys.push("trivy");
  if (r.database.type === "internal") keys.push("database");
  if (r.redis.type === "internal") keys.push("redis");
  if (r.metrics.enabled) keys.push("exporter");
  return Object.fromEntries(
    keys.map((k) => [
      k,
      { repository: mirrorRepository(harborImages[k].repository, r.imageMirror), tag: harborImages[k].tag },
    ]),
  );
}

/** Harbor's pods that read platform Secrets (their chart keys take `podAnnotations`). */
export type HarborPod = "core" | "jobservice" | "registry" | "trivy" | "exporter" | "portal" | "nginx";

/** Pod template annotation: HMAC of the data of every platform Secret the pod reads (see providers/rollout). */
export const HARBOR_SECRETS_CHECKSUM_ANNOTATION = "registry-platform/secrets-checksum";

/**
 * The names of the platform's Secrets each rendered Harbor pod reads (env `secretKeyRef` or volume), from the
 * chart 1.19.1 templates: a change of their data must restart the pod, because Harbor reads them at start.
 * The ingress certificate is absent: the ingress controller reloads it by itself.
 */
export function harborPodSecrets(r: ResolvedHarborArgs): Partial<Record<HarborPod, string[]>> {
  const n = harborSecretNames(r.releaseName);
  // `caBundleSecretName` (core, jobservice, registry, trivy, exporter): the trusted bundle when extra CAs are
  // given, else the platform CA; `caSecretName` (core's CA download): the platform CA.
  const ca =
    r.trustedCaBundlePem !== undefined
      ? [n.trustedCaBundle]
      : r.caBundlePem !== undefined
        ? [n.caBundle]
        : [];
  const download = r.caBundlePem !== undefined ? [n.caBundle] : [];
  const db = r.database.type === "external" ? [n.database] : [];
  const redis = r.redis.type === "external" && r.redis.password !== undefined ? [n.redis] : [];
  const itls = (c: "core" | "jobservice" | "registry" | "portal" | "trivy") =>
    r.internalTLS ? [n.internalTls(c)] : [];
  const pods: Partial<Record<HarborPod, string[]>> = {
    core: [
      n.adminPassword,
      n.secretKey,
      n.coreKeys,
      n.tokenService,
      n.jobserviceKeys,
      n.registryCredentials,
      ...new Set([...ca, ...download]),
      ...db,
      ...redis,
      ...itls("core"),
    ],
    jobservice: [n.coreKeys, n.jobserviceKeys, n.registryCredentials, ...ca, ...redis, ...itls("jobservice")],
    registry: [
      n.s3Credentials,
      n.registryKeys,
      n.registryCredentials,
      n.coreKeys,
      n.jobserviceKeys,
      ...(r.storage.endpointCaBundlePem !== undefined ? [n.storageCaBundle] : []),
      ...ca,
      ...redis,
      ...itls("registry"),
    ],
  };
  if (r.trivy.enabled) pods.trivy = [...ca, ...redis, ...itls("trivy")];
  if (r.metrics.enabled) pods.exporter = [n.adminPassword, ...db, ...ca, ...redis, ...itls("core")];
  if (r.internalTLS) pods.portal = itls("portal");
  if (r.expose === "loadBalancer" && r.tls.kind === "pem") pods.nginx = [n.tls];
  return Object.fromEntries(Object.entries(pods).filter(([, s]) => s.length > 0));
}
