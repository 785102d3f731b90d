/**
 * The TLS capability (SPEC R2): the registry's CA chain, cert-manager certificates, the Kubernetes TLS
 * secrets and node trust for containerd.
 */
export * from "./certs";
export * from "./cert-manager";
export * from "./node-trust";
export * from "./registry-tls";
export * from "./tls-secrets";
