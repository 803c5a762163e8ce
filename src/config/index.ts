export * from "./load";
export * from "./schema";
export * from "./regions";
export * from "./workload";
