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
export * from "./artifacts";
export { platformImages, platformCharts, platformDatabases } from "./artifacts/platform";
export type { PlatformImage, PlatformChart, PlatformDatabase } from "./artifacts/platform";
export { checksumOf, dataChecksum, CHECKSUM_KEY_ARGS } from "./providers/rollout";
export { storageTargetOf, bucketRegionOf, storageArgsFromConfig } from "./storage/from-config";
export {
  registryTlsArgsFromConfig,
  certManagerArgsFromConfig,
  nodeTrustArgsFromConfig,
  REGISTRY_CERT_MANAGER_SECRET,
} from "./tls/from-config";
export { harborArgsFromConfig } from "./harbor/from-config";
export type { HarborInputs } from "./harbor/from-config";
export { harborConfigArgsFromConfig } from "./harbor-config/from-config";
export { veleroArgsFromConfig } from "./velero/from-config";
export type { VeleroInputs } from "./velero/from-config";
export { imagePolicyArgsFromConfig, platformNamespaces } from "./policy/from-config";
export type { PolicyInputs } from "./policy/from-config";
