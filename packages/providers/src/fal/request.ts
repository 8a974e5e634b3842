/**
 * fal request building, pure: queue submit to `{base}/<model id>` (the
 * `/edit` id for edits) with `Authorization: Key …`; the body is the plan's
 * native fields (`image_size`, string `safety_tolerance`,
 * `enable_safety_checker`, `sync_mode`…), the seed, and `image_urls`.
 */
import type { ProviderPlan, UpstreamCall } from "@imagegate/params";

/** An HTTP request to make. */
export type HttpRequest = { url: string; init: RequestInit };

/** The fal auth headers. */
export function falHeaders(apiKey: string): Record<string, string> {
  return { authorization: `Key ${apiKey}`, accept: "application/json" };
}

/** The queue submit request of one call; `images` are URLs or data URIs. */
export function falSubmitRequest(
  plan: ProviderPlan,
  call: UpstreamCall,
  options: { baseUrl: string; apiKey: string; images: string[] },
): HttpRequest {
  const body: Record<string, unknown> = { ...plan.nativeParams };
  if (call.seed !== undefined) body.seed = call.seed;
  if (options.images.length > 0) body.image_urls = options.images;
  return {
    url: `${options.baseUrl.replace(/\/+$/, "")}/${plan.nativeModel}`,
    init: {
      method: "POST",
      headers: { ...falHeaders(options.apiKey), "content-type": "application/json" },
      body: JSON.stringify(body),
    },
  };
}
