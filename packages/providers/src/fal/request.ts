/**
 * fal request building, pure: queue submit to `{base}/<model id>` (the
 * `/edit` id for edits) with `Authorization: Key …`; the body is the plan's
 * native fields (`image_size`, string `safety_tolerance`,
 * `enable_safety_checker`, `sync_mode`…), the seed, and `image_urls`; with
 * callbacks on, `?fal_webhook=` on the submit URL.
 */
import type { ProviderPlan, UpstreamCall } from "@imagegate/params";
import { type HttpRequest, joinUrl, nativeBody, type SubmitOptions } from "../http-request";

/** The fal auth headers. */
export function falHeaders(apiKey: string): Record<string, string> {
  return { authorization: `Key ${apiKey}`, accept: "application/json" };
}

/** The queue submit request of one call; `images` are URLs or data URIs. */
export function falSubmitRequest(
  plan: ProviderPlan,
  call: UpstreamCall,
  options: SubmitOptions,
): HttpRequest {
  const body = nativeBody(plan, call);
  if (options.images.length > 0) body.image_urls = options.images;
  return {
    // fal calls back the URL of `fal_webhook`, signed with its ED25519 key.
    url: joinUrl(
      options.baseUrl,
      `/${plan.nativeModel}${options.callback ? `?fal_webhook=${encodeURIComponent(options.callback.url)}` : ""}`,
    ),
    init: {
      method: "POST",
      headers: { ...falHeaders(options.apiKey), "content-type": "application/json" },
      body: JSON.stringify(body),
    },
  };
}
