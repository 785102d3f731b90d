export * from "./args";
export * from "./harbor";
export * from "./ingress";
export * from "./names";
export * from "./network-policy";
export * from "./values";
