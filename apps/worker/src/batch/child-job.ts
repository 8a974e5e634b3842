/**
 * A batch line → the record of its child job: the same normalization as the
 * HTTP endpoints (edits load and check their images and store them under
 * the child's id), owned by the batch's owner, carrying `batch_id` and
 * `custom_id`, and its estimated cost to be held under the line's hold id.
 * Webhooks are per batch, not per line.
 */
import { loadJsonEditInputs, prepareEditRequest } from "@imagegate/inputs";
import { assertModelAllowed, type JobRecord, type KeyLimits, planJob } from "@imagegate/jobs";
import { newId, normalizeImageRequest } from "@imagegate/params";
import type { BatchDeps } from "./deps";
import { lineHoldId } from "./hold-lines";

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
  const limits = deps.config.inputs;
  const request =
    batch.endpoint === "/v1/images/edits"
      ? await prepareEditRequest(
          rest,
          await loadJsonEditInputs(rest, {
            maxImageBytes: limits.maxImageBytes,
            allowPrivateUrls: deps.config.allowPrivateUrls,
            checkModel: (model) => assertModelAllowed(keyLimits, model),
          }),
          { blobs: deps.blobs, jobId: id, maxPixels: limits.maxPixels },
        )
      : normalizeImageRequest(rest);
  const { record } = planJob(
    {
      id,
      owner: batch.owner,
      request,
      requestId: newId("batchRequest"),
      batchId: batch.id,
      customId,
      holdId: lineHoldId(batch.id, customId),
    },
    {
      limits: keyLimits,
      enabled: deps.enabled,
      routes: deps.config.routes,
      prices: deps.config.prices,
    },
  );
  return record;
}
