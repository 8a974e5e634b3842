export * from "./container-runtime";
export * from "./images";
export * from "./json";
export * from "./net";
export * from "./redis";
export * from "./s3";
export * from "./wait-for";
