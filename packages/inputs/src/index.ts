export * from "./edit-inputs";
export * from "./edit-request";
export * from "./image-sources";
export * from "./inspect-image";
