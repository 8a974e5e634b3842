/** An upstream HTTP request as the pure request builders describe it. */
import type { ProviderPlan, UpstreamCall } from "@imagegate/params";

/** An HTTP request to make. */
export type HttpRequest = { url: string; init: RequestInit };

/** `base` (with or without a trailing slash) joined with `path` (starting with one). */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}${path}`;
}

/** Where a provider sends its completion callback for a task, and how it proves it is the provider. */
export type CallbackTarget = {
  /** The gateway's callback route for this provider, on PUBLIC_BASE_URL. */
  url: string;
  /** A shared secret, for providers that take one (BFL `webhook_secret`). */
  secret: string;
};

/** What a JSON submit builder is given besides the plan and the call. */
export type SubmitOptions = {
  baseUrl: string;
  apiKey: string;
  /** The inputs, as URLs or inline data, in order. */
  images: string[];
  callback?: CallbackTarget;
};

/** The start of every submit body: the plan's native fields and the call's seed. */
export function nativeBody(plan: ProviderPlan, call: UpstreamCall): Record<string, unknown> {
  const body: Record<string, unknown> = { ...plan.nativeParams };
  if (call.seed !== undefined) body.seed = call.seed;
  return body;
}
