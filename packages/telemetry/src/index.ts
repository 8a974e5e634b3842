export type { Registry } from "prom-client";
export * from "./heap";
export * from "./job-metrics";
export * from "./lazy-child";
export * from "./log-redaction";
export * from "./registry";
export * from "./spans";
export * from "./tracing";
