export * from "./address";
export * from "./errors";
export * from "./safe-fetch";
export * from "./timeout-signal";
