/** An upstream HTTP request as the pure request builders describe it. */

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
