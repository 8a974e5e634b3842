/**
 * The normalized request: what the API validated and resolved, stored on the
 * job (never with image bytes) and read back by workers, so it has a schema
 * too (parse, don't trust, what comes out of Redis).
 */
import { z } from "zod";
import {
  MetadataSchema,
  OperationSchema,
  OutputFormatSchema,
  ResponseFormatSchema,
} from "./common";

/** One coercion (`resolve/size.ts` `Coercion`). */
export const CoercionSchema = z.object({
  param: z.string(),
  requested: z.string(),
  applied: z.string(),
  reason: z.string(),
  kind: z.enum(["overridden", "dropped"]).optional(),
});

export const SizeResolutionSchema = z.object({
  width: z.number().int(),
  height: z.number().int(),
  source: z.enum(["size", "width_height", "aspect_ratio", "resolution", "auto", "default"]),
  exact: z.boolean(),
  /** The size fields as given (absent on jobs stored before it existed). */
  requested: z
    .object({
      size: z.string().optional(),
      aspect_ratio: z.string().optional(),
      resolution: z.string().optional(),
      width: z.number().int().optional(),
      height: z.number().int().optional(),
    })
    .default({}),
  aspectRatio: z.object({ requested: z.string().nullable(), applied: z.string() }).optional(),
  resolution: z.object({ requested: z.string().nullable(), applied: z.string() }).optional(),
  ignored: z.array(z.string()),
  coercions: z.array(CoercionSchema),
});

/** An input image of an edit, already checked and stored in the blob store. */
export const InputImageSchema = z.object({
  key: z.string(),
  mime: z.enum(["image/png", "image/jpeg", "image/webp"]),
  width: z.number().int(),
  height: z.number().int(),
  bytes: z.number().int(),
});
export type InputImage = z.infer<typeof InputImageSchema>;

export const NormalizedRequestSchema = z.object({
  operation: OperationSchema,
  model: z.string(),
  prompt: z.string(),
  n: z.number().int(),
  size: SizeResolutionSchema,
  seed: z.number().int().optional(),
  response_format: ResponseFormatSchema,
  output_format: OutputFormatSchema,
  output_compression: z.number().int().optional(),
  /** Other public parameters that were given (quality, style, safety_tolerance, …). */
  params: z.record(z.string(), z.unknown()),
  /** Unknown fields, passed to the upstream untouched. */
  extra: z.record(z.string(), z.unknown()),
  /**
   * Parameters not applied whatever the provider (compression of a lossless
   * format, `output_quality` beside `output_compression`). Size coercions are
   * in `size.coercions`; provider-dependent ones are found when planning.
   * Absent on jobs stored before it existed.
   */
  coercions: z.array(CoercionSchema).default([]),
  images: z.array(InputImageSchema).optional(),
  mask: InputImageSchema.optional(),
  webhook_url: z.string().optional(),
  metadata: MetadataSchema.optional(),
  strict: z.boolean(),
});
/** A validated, size-resolved request as stored on its job. */
export type NormalizedRequest = z.infer<typeof NormalizedRequestSchema>;
