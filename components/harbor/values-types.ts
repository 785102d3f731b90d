/**
 * Types of the Harbor chart values we set: a typed subset of goharbor/harbor-helm 1.19.1 `values.yaml`, every
 * key spelled exactly as there (re-exported by ./values).
 */
import * as pulumi from "@pulumi/pulumi";
import { HarborImageValue } from "./images";
import type { HARBOR_ADMIN_PASSWORD_KEY } from "./names";

/** `resources` of a container (Kubernetes ResourceRequirements subset). */
export interface ContainerResources {
  requests: { cpu: string; memory: string };
  limits?: { cpu?: string; memory?: string };
}

export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: "DoNotSchedule" | "ScheduleAnyway";
}

/** Keys shared by the chart's Deployments (core, portal, jobservice, registry, nginx). */
export interface DeploymentValues {
  replicas: number;
  podDisruptionBudget: { enabled: boolean; minAvailable: number };
  topologySpreadConstraints: TopologySpreadConstraint[];
}

/** Pod template annotations of a component (`<component>.podAnnotations`). */
export type PodAnnotations = Record<string, pulumi.Input<string>>;

/** `image` and `podAnnotations`, set when known. */
export interface PodValues {
  image?: HarborImageValue;
  podAnnotations?: PodAnnotations;
}

export interface PvcValues {
  storageClass?: string;
  size: string;
}

export interface HarborValues {
  expose: {
    type: "ingress" | "loadBalancer";
    tls: { enabled: true; certSource: "secret"; secret: { secretName: pulumi.Input<string> } };
    ingress?: {
      hosts: { core: string };
      className: string;
      controller: "default";
      annotations: Record<string, string>;
    };
  };
  externalURL: string;
  persistence: {
    enabled: true;
    resourcePolicy: "keep";
    persistentVolumeClaim: {
      jobservice?: { jobLog: PvcValues };
      database?: PvcValues;
      redis?: PvcValues;
      trivy?: PvcValues;
    };
    imageChartStorage: {
      type: "s3";
      disableredirect: boolean;
      caBundleSecretName?: string;
      s3: {
        existingSecret: string;
        region: string;
        bucket: pulumi.Input<string>;
        regionendpoint?: string;
        encrypt?: boolean;
        keyid?: pulumi.Input<string>;
        rootdirectory?: string;
      };
    };
  };
  existingSecretAdminPassword: string;
  existingSecretAdminPasswordKey: typeof HARBOR_ADMIN_PASSWORD_KEY;
  existingSecretSecretKey: string;
  internalTLS: {
    enabled: boolean;
    certSource?: "secret";
    strong_ssl_ciphers?: boolean;
    core?: { secretName: string };
    jobservice?: { secretName: string };
    registry?: { secretName: string };
    portal?: { secretName: string };
    trivy?: { secretName: string };
  };
  updateStrategy: { type: "RollingUpdate" | "Recreate" };
  caSecretName?: string;
  caBundleSecretName?: string;
  metrics: { enabled: boolean; serviceMonitor: { enabled: boolean } };
  nginx?: DeploymentValues & PodValues & { resources: ContainerResources };
  portal: DeploymentValues & PodValues & { resources: ContainerResources };
  core: DeploymentValues &
    PodValues & {
      resources: ContainerResources;
      existingSecret: string;
      secretName: string;
      existingXsrfSecret: string;
      existingXsrfSecretKey: "CSRF_KEY";
    };
  jobservice: DeploymentValues &
    PodValues & {
      resources: ContainerResources;
      existingSecret: string;
      existingSecretKey: "JOBSERVICE_SECRET";
      jobLoggers: ("file" | "database" | "stdout")[];
    };
  registry: DeploymentValues & {
    podAnnotations?: PodAnnotations;
    registry: { resources: ContainerResources; image?: HarborImageValue };
    controller: { resources: ContainerResources; image?: HarborImageValue };
    existingSecret: string;
    existingSecretKey: "REGISTRY_HTTP_SECRET";
    credentials: { username: string; existingSecret: string };
  };
  trivy: PodValues & {
    enabled: boolean;
    resources?: ContainerResources;
    skipUpdate?: boolean;
    skipJavaDBUpdate?: boolean;
    offlineScan?: boolean;
    dbRepository?: string[];
    javaDBRepository?: string[];
  };
  database: {
    type: "internal" | "external";
    internal?: {
      image?: HarborImageValue;
      password: pulumi.Input<string>;
      resources: ContainerResources;
      initContainer: { permissions: { resources: ContainerResources } };
    };
    external?: {
      host: string;
      port: string;
      username: string;
      coreDatabase: string;
      existingSecret: string;
      sslmode: string;
    };
  };
  redis: {
    type: "internal" | "external";
    internal?: { resources: ContainerResources; image?: HarborImageValue };
    external?: { addr: string; existingSecret?: string };
  };
  exporter?: PodValues & { resources: ContainerResources };
}
