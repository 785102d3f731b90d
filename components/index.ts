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
