/**
 * A batch line → the record of its child job: the same normalization as the
 * HTTP endpoints (edits load and check their images and store them under
 * the child's id), owned by the batch's owner, carrying `batch_id` and
 * `custom_id`. Webhooks are per batch, not per line.
 */
import { checkEditInputs, jsonInputs, storeEditInputs } from "@imagegate/inputs";
import { type JobRecord, newJobRecord, routeFor } from "@imagegate/jobs";
import { newId, normalizeImageRequest, requireModel } from "@imagegate/params";
import type { BatchDeps } from "./deps";

/** Builds the child job of a valid line; throws GatewayError for a bad body. */
export async function childJob(
  deps: BatchDeps,
  batch: { id: string; owner: string; endpoint: string },
  customId: string,
  body: Record<string, unknown>,
): Promise<JobRecord> {
  const id = newId("job");
  const { webhook_url: _ignored, ...rest } = body;
  let request: ReturnType<typeof normalizeImageRequest>;
  if (batch.endpoint === "/v1/images/edits") {
    const limits = deps.config.inputs;
    const raw = await jsonInputs(rest, {
      maxImageBytes: limits.maxImageBytes,
      allowPrivateUrls: deps.config.allowPrivateUrls,
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
  return newJobRecord({
    id,
    owner: batch.owner,
    request,
    model: model.id,
    route: routeFor(model, deps.enabled, deps.config.routes),
    requestId: newId("batchRequest"),
    batchId: batch.id,
    customId,
  });
}
