export * from "./contract";
export * from "./digest";
export * from "./registry-access";
