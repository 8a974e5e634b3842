/** Shared enums and small schemas of the public API. */
import { z } from "zod";

/** Image encodings the gateway can hand out (converted by the gateway when the provider lacks one). */
export const OUTPUT_FORMATS = ["png", "jpeg", "gif", "webp", "avif"] as const;
export const OutputFormatSchema = z.enum(OUTPUT_FORMATS);
export type OutputFormat = z.infer<typeof OutputFormatSchema>;

/** How images come back to the caller. */
export const ResponseFormatSchema = z.enum(["url", "b64_json"]);
export type ResponseFormat = z.infer<typeof ResponseFormatSchema>;

/** The upstreams imagegate can call. `local` is the built-in renderer. */
export const PROVIDER_IDS = ["bfl", "fal", "replicate", "openai", "local"] as const;
export const ProviderIdSchema = z.enum(PROVIDER_IDS);
export type ProviderId = z.infer<typeof ProviderIdSchema>;

/**
 * Providers whose upstream work is a task polled for seconds (not one
 * synchronous call): the only ones whose jobs can be parked on it.
 */
export const TASK_PROVIDERS: ReadonlySet<ProviderId> = new Set(["bfl", "fal", "replicate"]);

/** What a job does. */
export const OperationSchema = z.enum(["generation", "edit"]);
export type Operation = z.infer<typeof OperationSchema>;

/** OpenAI-style metadata: up to 16 string pairs, keys ≤ 64 chars, values ≤ 512. */
export const MetadataSchema = z
  .record(z.string().max(64), z.string().max(512))
  .refine((m) => Object.keys(m).length <= 16, { message: "at most 16 metadata pairs" });
export type Metadata = z.infer<typeof MetadataSchema>;

/** MIME type of each output format. */
export const MIME_TYPES: Record<OutputFormat, string> = {
  png: "image/png",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  avif: "image/avif",
};
