/**
 * BFL request building, pure: `POST {base}/v1/<model>` with `x-key`, the
 * plan's native fields (width/height in multiples of 16, output_format,
 * safety_tolerance…), the call's seed, and references as `input_image`,
 * `input_image_2` … `input_image_8`, and, with callbacks on, `webhook_url`
 * and `webhook_secret` (docs/providers.md#bfl-callbacks).
 */
import type { ProviderPlan, UpstreamCall } from "@imagegate/params";
import { type HttpRequest, joinUrl, nativeBody, type SubmitOptions } from "../http-request";

/** Field names of the references, in order. */
export const BFL_IMAGE_FIELDS = [
  "input_image",
  ...[2, 3, 4, 5, 6, 7, 8].map((i) => `input_image_${i}`),
];

/** Where to poll a task: the `polling_url` BFL gave, else `get_result` on the API host (a callback submit gives none). */
export function bflPollUrl(baseUrl: string, task: { id: string; urls: Record<string, string> }) {
  return (
    task.urls.polling_url ?? joinUrl(baseUrl, `/v1/get_result?id=${encodeURIComponent(task.id)}`)
  );
}

/** The BFL auth headers. */
export function bflHeaders(apiKey: string): Record<string, string> {
  return { "x-key": apiKey, accept: "application/json" };
}

/** The submit request of one call; `images` are URLs or base64, in order. */
export function bflSubmitRequest(
  plan: ProviderPlan,
  call: UpstreamCall,
  options: SubmitOptions,
): HttpRequest {
  const body = nativeBody(plan, call);
  if (options.callback) {
    // BFL posts the finished task there, with our secret to check
    // (docs/providers.md#bfl-callbacks).
    body.webhook_url = options.callback.url;
    body.webhook_secret = options.callback.secret;
  }
  options.images.slice(0, BFL_IMAGE_FIELDS.length).forEach((image, i) => {
    body[BFL_IMAGE_FIELDS[i] as string] = image;
  });
  return {
    url: joinUrl(options.baseUrl, `/v1/${plan.nativeModel}`),
    init: {
      method: "POST",
      headers: { ...bflHeaders(options.apiKey), "content-type": "application/json" },
      body: JSON.stringify(body),
    },
  };
}
