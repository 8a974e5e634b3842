/**
 * A caller's webhook URL is checked at submit, for jobs and batches alike:
 * http(s) only, and never an address that resolves to a private network
 * unless ALLOW_PRIVATE_URLS (docs/architecture.md#webhooks).
 */
import { checkUrl, UnsafeUrlError } from "@imagegate/net";
import { GatewayError } from "@imagegate/params";
import type { ApiDeps } from "../deps";

/** 400 `invalid_url` naming `webhook_url` when `url` is given and not allowed. */
export async function checkWebhookUrl(
  deps: Pick<ApiDeps, "config">,
  url: string | undefined,
): Promise<void> {
  if (!url) return;
  try {
    await checkUrl(url, { allowPrivate: deps.config.allowPrivateUrls });
  } catch (err) {
    if (err instanceof UnsafeUrlError) {
      throw GatewayError.invalidRequest(
        "webhook_url",
        `webhook_url is not allowed: ${err.message}.`,
        "invalid_url",
      );
    }
    throw err;
  }
}
