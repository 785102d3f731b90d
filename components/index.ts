/**
 * registry-platform's public API: the components and the pure helpers behind them.
 */
export * from "./providers";
export * from "./versions";
export * from "./storage";
export * from "./tls";
export * from "./harbor";
export * from "./harbor-config";
export * from "./velero";
export * from "./policy";
export * from "./platform";
export { storageTargetOf, bucketRegionOf, storageArgsFromConfig } from "./storage/from-config";
export {
  registryTlsArgsFromConfig,
  certManagerArgsFromConfig,
  REGISTRY_CERT_MANAGER_SECRET,
} from "./tls/from-config";
export { harborArgsFromConfig } from "./harbor/from-config";
export type { HarborInputs } from "./harbor/from-config";
export { harborConfigArgsFromConfig } from "./harbor-config/from-config";
export { veleroArgsFromConfig } from "./velero/from-config";
export type { VeleroInputs } from "./velero/from-config";
export { imagePolicyArgsFromConfig, platformNamespaces } from "./policy/from-config";
export type { PolicyInputs } from "./policy/from-config";
