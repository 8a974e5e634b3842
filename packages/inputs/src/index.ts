export * from "./edit-inputs";
export * from "./image-sources";
export * from "./inspect-image";
