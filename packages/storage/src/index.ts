export * from "./content-disposition";
export * from "./create-blob-store";
export * from "./errors";
export * from "./fs-store";
export * from "./keys";
export * from "./s3-store";
export * from "./signed-url";
export * from "./types";
