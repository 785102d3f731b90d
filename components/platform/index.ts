export * from "./outputs";
export * from "./platform";
