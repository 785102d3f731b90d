/**
 * The storage capability (SPEC R1): object-lock buckets for the registry and for backups, hardened, with
 * least-privilege credentials for Harbor's registry and Velero.
 */
export * from "./args";
export * from "./policies";
export * from "./registryStorage";
export * from "./rules";
