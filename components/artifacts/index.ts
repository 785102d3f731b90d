export * from "./images";
export * from "./charts";
