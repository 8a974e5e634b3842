export { createApp } from "./app";
export { type ApiDeps, createApiLogger, createDeps } from "./deps";
export { type RunningApi, startApi } from "./start";
