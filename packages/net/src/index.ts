export * from "./address";
export * from "./errors";
export * from "./safe-fetch";
