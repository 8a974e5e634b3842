/**
 * Replicate request building, pure: `POST {base}/v1/models/{owner}/{name}/
 * predictions` with `Authorization: Bearer …` and `{input: {...}}` — the
 * plan's native fields (`aspect_ratio` + `resolution`, or `custom` +
 * width/height; `output_format` spelled `jpg`; `output_quality`), the seed,
 * and `input_images`.
 */
import type { ProviderPlan, UpstreamCall } from "@imagegate/params";

/** An HTTP request to make. */
export type HttpRequest = { url: string; init: RequestInit };

/** The Replicate auth headers. */
export function replicateHeaders(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, accept: "application/json" };
}

/** The create-prediction request of one call; `images` are URLs or data URIs. */
export function replicateCreateRequest(
  plan: ProviderPlan,
  call: UpstreamCall,
  options: { baseUrl: string; apiKey: string; images: string[] },
): HttpRequest {
  const input: Record<string, unknown> = { ...plan.nativeParams };
  if (call.seed !== undefined) input.seed = call.seed;
  if (options.images.length > 0) input.input_images = options.images;
  return {
    url: `${options.baseUrl.replace(/\/+$/, "")}/v1/models/${plan.nativeModel}/predictions`,
    init: {
      method: "POST",
      headers: { ...replicateHeaders(options.apiKey), "content-type": "application/json" },
      body: JSON.stringify({ input }),
    },
  };
}
