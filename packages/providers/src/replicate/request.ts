/**
 * Replicate request building, pure: `POST {base}/v1/models/{owner}/{name}/
 * predictions` with `Authorization: Bearer …` and `{input: {...}}` — the
 * plan's native fields (`aspect_ratio` + `resolution`, or `custom` +
 * width/height; `output_format` spelled `jpg`; `output_quality`), the seed,
 * and `input_images`.
 */
import type { ProviderPlan, UpstreamCall } from "@imagegate/params";
import { type HttpRequest, joinUrl, nativeBody, type SubmitOptions } from "../http-request";

/** The Replicate auth headers. */
export function replicateHeaders(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, accept: "application/json" };
}

/** The create-prediction request of one call; `images` are URLs or data URIs. */
export function replicateCreateRequest(
  plan: ProviderPlan,
  call: UpstreamCall,
  options: SubmitOptions,
): HttpRequest {
  const input = nativeBody(plan, call);
  if (options.images.length > 0) input.input_images = options.images;
  // Only the final event: one signed call when the prediction ends.
  const webhook = options.callback
    ? { webhook: options.callback.url, webhook_events_filter: ["completed"] }
    : {};
  return {
    url: joinUrl(options.baseUrl, `/v1/models/${plan.nativeModel}/predictions`),
    init: {
      method: "POST",
      headers: { ...replicateHeaders(options.apiKey), "content-type": "application/json" },
      body: JSON.stringify({ input, ...webhook }),
    },
  };
}
