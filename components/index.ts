/**
 * registry-platform's public API, the package's only entry point (`import … from "registry-platform"`): the
 * platform component and each capability's component with their Args/Outputs types, the typed config, and
 * the providers helper. Everything else (value builders, policies, names, constants) is internal: inside this
 * repository import it from its module file. Each export is listed in README.md ("Use as a library").
 */

// The whole platform, and its config built in code (`platformConfig`) or read from the stack.
export { RegistryPlatform } from "./platform/platform";
export type { RegistryPlatformArgs } from "./platform/platform";
export type { PlatformOutputs, ProjectRobots } from "./platform/outputs";
export { ConfigError, loadPlatformConfig, platformConfig } from "../config";
// Call once at the top of a program on Node 20: a failed run then reports at once (see config/error-stacks.ts).
export { guardErrorStacks } from "../config/error-stacks";
export type {
  ConfigIssue,
  PlatformConfig,
  PlatformConfigOptions,
  PlatformConfigValues,
  SecretKey,
} from "../config";

// Providers.
export { createProviders } from "./providers";
export type { KubernetesTarget, PlatformProviders, StorageTarget } from "./providers";

// Storage (R1).
export { RegistryStorage } from "./storage/registryStorage";
export type { S3Credentials } from "./storage/registryStorage";
export type { ArchiveArgs, IrsaArgs, RegistryStorageArgs, S3CredentialsInput } from "./storage/args";
export type { ArchiveStorageClass, ObjectLockMode } from "./storage/rules";

// TLS (R2).
export { RegistryTls } from "./tls/registry-tls";
export type { RegistryTlsArgs, RegistryTlsMode, RegistryTlsSource } from "./tls/registry-tls";
export type { TlsKeyAlgorithm } from "./tls/certs";
export { NodeTrust } from "./tls/node-trust";
export type { NodeTrustArgs } from "./tls/node-trust";
export { CertManagerCertificate } from "./tls/cert-manager";
export type { CertManagerCertificateArgs, CertManagerIssuerRef } from "./tls/cert-manager";
export { TlsSecrets } from "./tls/tls-secrets";
export type { TlsSecretsArgs } from "./tls/tls-secrets";

// Harbor (R3).
export { Harbor } from "./harbor/harbor";
export { HarborArgsError } from "./harbor/args";
export type {
  HarborArgs,
  HarborDatabaseArgs,
  HarborExpose,
  HarborMetricsArgs,
  HarborRedisArgs,
  HarborStorageArgs,
  HarborTlsArgs,
  HarborTrivyArgs,
  PodSecurityLevel,
  PostgresSslMode,
} from "./harbor/args";

// Harbor configured as code (R4).
export { HarborConfig } from "./harbor-config/component";
export type {
  HarborConfigArgs,
  HarborProjectOutputs,
  HarborProjectSpec,
  ProxyCacheSpec,
} from "./harbor-config/component";

// Backups (R5).
export { Velero } from "./velero";
export type { VeleroArgs } from "./velero";
export type { BackupMode, ScheduleKind } from "./velero/values";

// App stacks: the output contract's reader, pull access and digest-pinned images (consumers).
export { RegistryAccess } from "./access/registry-access";
export type { RegistryAccessArgs } from "./access/registry-access";
export { ContractError, PlatformStackOutputs, readPlatformContract } from "./access/contract";
export type { PlatformContract } from "./access/contract";
export { resolveDigest } from "./access/digest";
export type { DigestResolver, ResolveRequest } from "./access/digest";

// Image policy (R7).
export { ImagePolicy } from "./policy/image-policy";
export type { ImagePolicyArgs } from "./policy/image-policy";

// Pinned chart, app and image versions.
export { versions } from "./versions";
