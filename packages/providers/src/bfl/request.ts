/**
 * BFL request building, pure: `POST {base}/v1/<model>` with `x-key`, the
 * plan's native fields (width/height in multiples of 16, output_format,
 * safety_tolerance…), the call's seed, and references as `input_image`,
 * `input_image_2` … `input_image_8` (`../shared/providers.md` §1.3).
 */
import type { ProviderPlan, UpstreamCall } from "@imagegate/params";

/** Field names of the references, in order. */
export const BFL_IMAGE_FIELDS = [
  "input_image",
  ...[2, 3, 4, 5, 6, 7, 8].map((i) => `input_image_${i}`),
];

/** An HTTP request to make. */
export type HttpRequest = { url: string; init: RequestInit };

/** The BFL auth headers. */
export function bflHeaders(apiKey: string): Record<string, string> {
  return { "x-key": apiKey, accept: "application/json" };
}

/** The submit request of one call; `images` are URLs or base64, in order. */
export function bflSubmitRequest(
  plan: ProviderPlan,
  call: UpstreamCall,
  options: { baseUrl: string; apiKey: string; images: string[] },
): HttpRequest {
  const body: Record<string, unknown> = { ...plan.nativeParams };
  if (call.seed !== undefined) body.seed = call.seed;
  options.images.slice(0, BFL_IMAGE_FIELDS.length).forEach((image, i) => {
    body[BFL_IMAGE_FIELDS[i] as string] = image;
  });
  return {
    url: `${options.baseUrl.replace(/\/+$/, "")}/v1/${plan.nativeModel}`,
    init: {
      method: "POST",
      headers: { ...bflHeaders(options.apiKey), "content-type": "application/json" },
      body: JSON.stringify(body),
    },
  };
}
