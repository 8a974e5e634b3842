/**
 * A batch line → the record of its child job: the same normalization as the
 * HTTP endpoints (edits load and check their images and store them under
 * the child's id), owned by the batch's owner, carrying `batch_id` and
 * `custom_id`, and its estimated cost to be held under the line's hold id.
 * Webhooks are per batch, not per line.
 */
import { checkEditInputs, jsonInputs, storeEditInputs } from "@imagegate/inputs";
import {
  allowsModel,
  estimateJobMicros,
  type JobRecord,
  type KeyLimits,
  newJobRecord,
  routeFor,
  toUsd,
} from "@imagegate/jobs";
import {
  DEFAULT_MODEL_ID,
  GatewayError,
  newId,
  normalizeImageRequest,
  requireModel,
} from "@imagegate/params";
import type { BatchDeps } from "./deps";
import { lineHoldId } from "./hold-lines";

function assertAllowed(limits: KeyLimits, model: string): void {
  if (!allowsModel(limits, model)) {
    throw new GatewayError(
      "model_not_allowed",
      `This API key may not use model '${model}'.`,
      "model",
    );
  }
}

/** Builds the child job of a valid line; throws GatewayError for a bad body. */
export async function childJob(
  deps: BatchDeps,
  batch: { id: string; owner: string; endpoint: string },
  customId: string,
  body: Record<string, unknown>,
  keyLimits: KeyLimits,
): Promise<JobRecord> {
  const id = newId("job");
  const { webhook_url: _ignored, ...rest } = body;
  let request: ReturnType<typeof normalizeImageRequest>;
  if (batch.endpoint === "/v1/images/edits") {
    const limits = deps.config.inputs;
    // The model and its input cap are checked before any image URL is fetched.
    const model = requireModel(typeof rest.model === "string" ? rest.model : DEFAULT_MODEL_ID);
    assertAllowed(keyLimits, model.id);
    const raw = await jsonInputs(rest, {
      maxImageBytes: limits.maxImageBytes,
      allowPrivateUrls: deps.config.allowPrivateUrls,
      maxImages: model.maxInputImages,
    });
    const inputs = await checkEditInputs(raw, id, limits.maxPixels);
    request = normalizeImageRequest(rest, {
      operation: "edit",
      images: inputs.images.map((i) => i.record),
      ...(inputs.mask ? { mask: inputs.mask.record } : {}),
    });
    await storeEditInputs(deps.blobs, inputs);
  } else {
    request = normalizeImageRequest(rest);
  }
  const model = requireModel(request.model);
  assertAllowed(keyLimits, model.id);
  const route = routeFor(model, deps.enabled, deps.config.routes);
  const estimate = estimateJobMicros(deps.config.prices, request, route);
  return newJobRecord({
    id,
    owner: batch.owner,
    request,
    model: model.id,
    route,
    requestId: newId("batchRequest"),
    batchId: batch.id,
    customId,
    cost: {
      estimated_usd: toUsd(estimate),
      actual_usd: null,
      source: null,
      hold_id: lineHoldId(batch.id, customId),
    },
  });
}
