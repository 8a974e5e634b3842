export type { Registry } from "prom-client";
export * from "./job-metrics";
export * from "./log-redaction";
export * from "./registry";
export * from "./spans";
export * from "./tracing";
