export { createApp } from "./app";
export { type ApiDeps, createApiLogger, createDeps } from "./deps";
export { buildOpenApi } from "./openapi/document";
export * from "./openapi/responses";
export { type RunningApi, startApi } from "./start";
