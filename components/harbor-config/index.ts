/**
 * Harbor configuration as code (SPEC R4): a typed Harbor API v2.0 client, CRUD implementations, Pulumi
 * dynamic resources over them, and the `HarborConfig` component.
 *
 * Namespaced to keep generic names (`Project`, `Registry`, `DiffResult`) out of the package's top level:
 * `harbor.Project`, `harborApi.dockerConfigJson(...)`, `harborCrud.projectCrud`.
 */
export {
  DEFAULT_RETRY_POLICY,
  HarborApiError,
  HarborClient,
  HarborConnectionError,
  HarborRetryBudgetError,
} from "./client";
export type { ClientHooks, HarborConnection, HarborResponse, RequestOptions, RetryPolicy } from "./client";
export * as harborApi from "./payloads";
export * as harborCrud from "./crud";
export * as harbor from "./dynamic";
export { HARBOR_KIND } from "./kinds";
export { dynamicProvider, harborCruds, harborProviderImpl, kindDispatcher } from "./provider";
export * from "./component";
