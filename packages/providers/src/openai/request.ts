/**
 * OpenAI-compatible request building, pure: generations as JSON to
 * `{base}/images/generations`; edits as multipart to `{base}/images/edits`
 * exactly as the official SDK sends them (`image[]` per file, `mask`, other
 * fields as strings, nested objects as JSON).
 */
import type { ProviderPlan, UpstreamCall } from "@imagegate/params";
import { type HttpRequest, joinUrl, nativeBody } from "../http-request";

/** An input file for an edit. */
export type EditFile = { data: Buffer; mime: string; name: string };

function authHeaders(apiKey: string): Record<string, string> {
  return { authorization: `Bearer ${apiKey}`, accept: "application/json" };
}

// OpenAI has no seed; compatible upstreams that do take it as an extra field (nativeBody).
const fields = nativeBody;

/** The generation request of one call. */
export function openaiGenerateRequest(
  plan: ProviderPlan,
  call: UpstreamCall,
  options: { baseUrl: string; apiKey: string },
): HttpRequest {
  return {
    url: joinUrl(options.baseUrl, "/images/generations"),
    init: {
      method: "POST",
      headers: { ...authHeaders(options.apiKey), "content-type": "application/json" },
      body: JSON.stringify(fields(plan, call)),
    },
  };
}

/** The multipart edit request of one call. */
export function openaiEditRequest(
  plan: ProviderPlan,
  call: UpstreamCall,
  options: { baseUrl: string; apiKey: string; images: EditFile[]; mask: EditFile | undefined },
): HttpRequest {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields(plan, call))) {
    if (value === undefined || value === null) continue;
    form.append(key, typeof value === "object" ? JSON.stringify(value) : String(value));
  }
  const file = (f: EditFile) => new Blob([new Uint8Array(f.data)], { type: f.mime });
  for (const image of options.images) form.append("image[]", file(image), image.name);
  if (options.mask) form.append("mask", file(options.mask), options.mask.name);
  return {
    url: joinUrl(options.baseUrl, "/images/edits"),
    init: { method: "POST", headers: authHeaders(options.apiKey), body: form },
  };
}
