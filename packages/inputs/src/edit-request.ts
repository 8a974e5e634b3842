/**
 * An edit request from its body and raw inputs: the one preparation shared by
 * `POST /v1/images/edits` and the batch ingester's edit lines
 * (docs/architecture.md#an-edit-multipart), so a line is checked exactly as an
 * upload is.
 */
import {
  DEFAULT_MODEL_ID,
  type NormalizedRequest,
  normalizeImageRequest,
  requireModel,
} from "@imagegate/params";
import type { BlobStore } from "@imagegate/storage";
import { checkEditInputs, jsonInputs, type RawEditInputs, storeEditInputs } from "./edit-inputs";

/** Options of `loadJsonEditInputs`. */
export type JsonEditOptions = {
  /** Largest image a URL or data URI may carry. */
  maxImageBytes: number;
  allowPrivateUrls: boolean;
  /** Throws when the caller may not use the model (a key's allowlist). */
  checkModel: (modelId: string) => void;
};

/**
 * The raw inputs of a JSON edit. The model and its input cap are checked
 * before any image URL is fetched: a refused request costs no download.
 */
export async function loadJsonEditInputs(
  body: Record<string, unknown>,
  options: JsonEditOptions,
): Promise<RawEditInputs> {
  const model = requireModel(typeof body.model === "string" ? body.model : DEFAULT_MODEL_ID);
  options.checkModel(model.id);
  return jsonInputs(body, {
    maxImageBytes: options.maxImageBytes,
    allowPrivateUrls: options.allowPrivateUrls,
    maxImages: model.maxInputImages,
  });
}

/** Options of `prepareEditRequest`. */
export type PrepareEditOptions = {
  blobs: BlobStore;
  /** The job the inputs are stored under. */
  jobId: string;
  /** Decoded-pixel cap of one input. */
  maxPixels: number;
};

/**
 * Checks the raw inputs, normalizes the edit request around them and stores
 * them under the job id (only once the whole request is valid).
 */
export async function prepareEditRequest(
  body: Record<string, unknown>,
  raw: RawEditInputs,
  options: PrepareEditOptions,
): Promise<NormalizedRequest> {
  const inputs = await checkEditInputs(raw, options.jobId, options.maxPixels);
  const request = normalizeImageRequest(body, {
    operation: "edit",
    images: inputs.images.map((i) => i.record),
    ...(inputs.mask ? { mask: inputs.mask.record } : {}),
  });
  await storeEditInputs(options.blobs, inputs);
  return request;
}
