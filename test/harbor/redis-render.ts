/**
 * A rendered stream shaped like chart 1.19.1's with an external Redis (release `edge`, namespace `registry`): the
 * ConfigMaps that hold the password (core, jobservice, registry, exporter env) and the workloads that read them,
 * trimmed to what the post-renderer looks at. Written by hand from `helm template` of the chart (2026-12-01).
 */
/** A password with the characters the chart's `urlquery` encodes. */
export const PW = "s3cr/t-p@ss word";
export const ENC = "s3cr%2Ft-p%40ss+word";
export const url = (db: number) => `redis://:${ENC}@redis.cache.internal:6379/${db}?idle_timeout_seconds=30`;

export const TRIVY_SECRET = `
# Source: harbor/templates/trivy/trivy-secret.yaml
apiVersion: v1
kind: Secret
metadata:
  name: edge-harbor-trivy
  namespace: "registry"
type: Opaque
data:
  redisURL: cmVkaXM6Ly8=
`;

/** The render with `url(n)` as the chart writes it once `lookup` found the password. */
export function render(u: (db: number) => string, pw: string): string {
  return `${TRIVY_SECRET}---
# Source: harbor/templates/core/core-cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: edge-harbor-core
  namespace: "registry"
  labels:
    app: "harbor"
data:
  EXT_ENDPOINT: "https://registry.edge.example.internal"
  _REDIS_URL_CORE: "${u(0)}"
  _REDIS_URL_REG: "${u(2)}"
---
# Source: harbor/templates/jobservice/jobservice-cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: edge-harbor-jobservice
  namespace: "registry"
data:
  config.yml: |+
    protocol: "http"
    port: 8080
    worker_pool:
      workers: 10
      backend: "redis"
      redis_pool:
        redis_url: "${u(1).replace(/\?.*/, "")}"
        namespace: "harbor_job_service_namespace"
        idle_timeout_second: 3600
    loggers:
      - name: "STD_OUTPUT"
        level: INFO
---
# Source: harbor/templates/registry/registry-cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: edge-harbor-registry
  namespace: "registry"
data:
  config.yml: |+
    version: 0.1
    redis:
      addr: redis.cache.internal:6379
      db: 2
      username: ""
      password: "${pw}"
      enableTLS: false
  ctl-config.yml: |+
    protocol: "http"
    port: 8080
---
# Source: harbor/templates/exporter/exporter-cm-env.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: edge-harbor-exporter-env
  namespace: "registry"
data:
  HARBOR_REDIS_URL: "${u(1).replace(/\?.*/, "")}"
  HARBOR_REDIS_NAMESPACE: harbor_job_service_namespace
---
# Source: harbor/templates/core/core-dpl.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: edge-harbor-core
spec:
  template:
    spec:
      containers:
      - name: core
        envFrom:
        - configMapRef:
            name: "edge-harbor-core"
        - secretRef:
            name: "edge-harbor-core"
        env:
          - name: CORE_SECRET
            valueFrom:
              secretKeyRef:
                name: edge-harbor-core-keys
                key: secret
---
# Source: harbor/templates/jobservice/jobservice-dpl.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: edge-harbor-jobservice
spec:
  template:
    spec:
      containers:
      - name: jobservice
        envFrom:
        - configMapRef:
            name: "edge-harbor-jobservice-env"
        volumeMounts:
        - name: jobservice-config
          mountPath: /etc/jobservice/config.yml
          subPath: config.yml
      volumes:
      - name: jobservice-config
        configMap:
          name: "edge-harbor-jobservice"
---
# Source: harbor/templates/registry/registry-dpl.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: edge-harbor-registry
spec:
  template:
    spec:
      containers:
      - name: registry
        volumeMounts:
        - name: registry-config
          mountPath: /etc/registry/config.yml
          subPath: config.yml
      - name: registryctl
        envFrom:
        - configMapRef:
            name: "edge-harbor-registryctl"
        volumeMounts:
        - name: registry-config
          mountPath: /etc/registry/config.yml
          subPath: config.yml
      volumes:
      - name: registry-config
        configMap:
          name: "edge-harbor-registry"
---
# Source: harbor/templates/exporter/exporter-dpl.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: edge-harbor-exporter
spec:
  template:
    spec:
      containers:
      - name: exporter
        envFrom:
        - configMapRef:
            name: "edge-harbor-exporter-env"
        env:
        - name: REDIS_URL_COPY
          valueFrom:
            configMapKeyRef:
              name: edge-harbor-exporter-env
              key: HARBOR_REDIS_URL
`;
}
