export * from "./common";
export * from "./project";
export * from "./robot";
export * from "./policies";
export * from "./system";
export * from "./registry";
