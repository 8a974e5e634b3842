/**
 * `POST /v1/images/generations` body
 * (docs/architecture.md#parameters-and-the-applied-report). Known fields are
 * validated; unknown ones are kept (`.loose()`) because they pass through to
 * the upstream untouched. `null` on an optional field means "not given", as the
 * OpenAI SDK sends it.
 */
import { z } from "zod";
import { DEFAULT_MODEL_ID } from "../catalog/models";
import { MetadataSchema, OutputFormatSchema, ResponseFormatSchema } from "./common";
import { boolField, httpUrlField, intField, textField } from "./fields";

/** Fields shared by generations and edits. */
export const IMAGE_REQUEST_FIELDS = {
  model: textField.default(DEFAULT_MODEL_ID),
  prompt: z.string().trim().min(1, { message: "prompt must not be empty" }).max(32_000),
  n: intField(1, 10).default(1),
  size: textField.optional(),
  aspect_ratio: textField.optional(),
  resolution: textField.optional(),
  seed: intField(0, 2 ** 32 - 1).optional(),
  response_format: ResponseFormatSchema.default("url"),
  output_format: OutputFormatSchema.default("png"),
  output_compression: intField(0, 100).optional(),
  quality: textField.optional(),
  style: textField.optional(),
  background: textField.optional(),
  user: z.string().max(256).optional(),
  safety_tolerance: intField(1, 5).optional(),
  enable_safety_checker: boolField.optional(),
  sync_mode: boolField.optional(),
  output_quality: intField(0, 100).optional(),
  width: intField(1, 1_000_000).optional(),
  height: intField(1, 1_000_000).optional(),
  webhook_url: httpUrlField.optional(),
  metadata: MetadataSchema.optional(),
  strict: boolField.default(false),
};

/** Removes keys whose value is null so optional fields treat them as absent. */
export function dropNulls(v: unknown): unknown {
  if (!v || typeof v !== "object" || Array.isArray(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([, value]) => value !== null));
}

export const GenerationRequestSchema = z.preprocess(
  dropNulls,
  z.object(IMAGE_REQUEST_FIELDS).loose(),
);
/** A validated generation request (unknown fields kept). */
export type GenerationRequest = z.infer<typeof GenerationRequestSchema>;

/** Names of the public parameters (everything else is an upstream extra). */
export const KNOWN_PARAMS = new Set(Object.keys(IMAGE_REQUEST_FIELDS));
