export * from "./bfl";
export * from "./cached-source";
export * from "./callback-rejected-error";
export * from "./fal";
export * from "./headers";
export * from "./replicate";
export * from "./verifier";
