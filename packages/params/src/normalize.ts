/**
 * Turns a raw request body into a `NormalizedRequest`: validate (400 naming the
 * field), find the model (404), resolve the size
 * (docs/architecture.md#parameters-and-the-applied-report), and in `strict`
 * mode refuse any coercion that does not depend on the provider (a snapped
 * ratio or tier, a field that lost to `size`, compression of a lossless
 * format). Provider-dependent coercions (a dropped or overridden parameter) are
 * checked when a provider is planned.
 */
import { findModel } from "./catalog/models";
import type { ModelEntry } from "./catalog/types";
import { fromZodError, GatewayError } from "./errors";
import { compressionCoercions } from "./resolve/compression";
import { resolveSize } from "./resolve/size";
import type { Operation } from "./schemas/common";
import { GenerationRequestSchema, KNOWN_PARAMS } from "./schemas/generation";
import type { InputImage, NormalizedRequest } from "./schemas/normalized";
import { refuseCoercion } from "./strict";

/** Gateway-consumed fields that never reach `params`. */
const OWN_FIELDS = new Set([
  "model",
  "prompt",
  "n",
  "size",
  "aspect_ratio",
  "resolution",
  "width",
  "height",
  "seed",
  "response_format",
  "output_format",
  "output_compression",
  "webhook_url",
  "metadata",
  "strict",
]);
/** Fields of the edit endpoint that are carried as images, not parameters. */
const IMAGE_FIELDS = new Set(["image", "image[]", "images", "mask"]);

/** The catalog entry of `id`, or a 404 naming `model`. */
export function requireModel(id: string): ModelEntry {
  const model = findModel(id);
  if (!model) throw GatewayError.notFound("model", id);
  return model;
}

/** Options for `normalizeImageRequest`. */
export type NormalizeOptions = {
  operation?: Operation;
  /** Stored input images of an edit. */
  images?: InputImage[];
  mask?: InputImage;
};

/** Validates and normalizes a generation (or, with `images`, an edit) request body. */
export function normalizeImageRequest(
  body: unknown,
  options: NormalizeOptions = {},
): NormalizedRequest {
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw GatewayError.invalidRequest(
      null,
      "The request body must be a JSON object.",
      "invalid_request",
    );
  }
  const parsed = GenerationRequestSchema.safeParse(body);
  if (!parsed.success) throw fromZodError(parsed.error);
  const req = parsed.data;
  const model = requireModel(req.model);
  const operation = options.operation ?? "generation";
  if (!model.operations.includes(operation)) {
    throw GatewayError.invalidRequest("model", `${model.id} does not support ${operation}s.`);
  }
  if (options.images && options.images.length > model.maxInputImages) {
    throw GatewayError.invalidRequest(
      "image",
      `${model.id} takes at most ${model.maxInputImages} input images (got ${options.images.length}).`,
    );
  }
  const first = options.images?.[0];
  const size = resolveSize(model, req, first ? `${first.width}:${first.height}` : undefined);
  const coercions = compressionCoercions(req);
  if (req.strict) refuseCoercion(size.coercions[0] ?? coercions[0]);
  const params: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(req)) {
    if (value === undefined || OWN_FIELDS.has(key) || IMAGE_FIELDS.has(key)) continue;
    if (KNOWN_PARAMS.has(key)) params[key] = value;
    else extra[key] = value;
  }
  return {
    operation,
    model: model.id,
    prompt: req.prompt,
    n: req.n,
    size,
    ...(req.seed !== undefined ? { seed: req.seed } : {}),
    response_format: req.response_format,
    output_format: req.output_format,
    ...(req.output_compression !== undefined ? { output_compression: req.output_compression } : {}),
    params,
    extra,
    coercions,
    ...(options.images ? { images: options.images } : {}),
    ...(options.mask ? { mask: options.mask } : {}),
    ...(req.webhook_url !== undefined ? { webhook_url: req.webhook_url } : {}),
    ...(req.metadata !== undefined ? { metadata: req.metadata } : {}),
    strict: req.strict,
  };
}
