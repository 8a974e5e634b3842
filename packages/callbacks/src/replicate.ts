/**
 * Replicate callbacks (docs/providers.md#replicate-callbacks): Standard
 * Webhooks — `webhook-id`, `webhook-timestamp` (±5 min), `webhook-signature`
 * `v1,<base64 HMAC-SHA256>` — signed with the account's secret from
 * `GET /v1/webhooks/default/secret`. The body is the prediction.
 */
import { Webhook } from "standardwebhooks";
import { CallbackRejectedError } from "./callback-rejected-error";
import { header, type IncomingHeaders, type VerifiedCallback } from "./headers";

/** Verifies a Replicate callback with the account secret (`whsec_…`); returns the prediction id. */
export function verifyReplicateCallback(input: {
  headers: IncomingHeaders;
  body: Buffer;
  secret: string;
}): VerifiedCallback {
  const id = header(input.headers, "webhook-id");
  const timestamp = header(input.headers, "webhook-timestamp");
  const signature = header(input.headers, "webhook-signature");
  if (!id || !timestamp || !signature) {
    throw new CallbackRejectedError("replicate", "missing webhook-* headers");
  }
  let payload: { id?: unknown };
  try {
    // verify() checks the timestamp tolerance (5 minutes) and every v1 signature.
    payload = new Webhook(input.secret).verify(input.body.toString("utf8"), {
      "webhook-id": id,
      "webhook-timestamp": timestamp,
      "webhook-signature": signature,
    }) as { id?: unknown };
  } catch (err) {
    throw new CallbackRejectedError("replicate", (err as Error).message);
  }
  if (typeof payload.id !== "string") {
    throw new CallbackRejectedError("replicate", "payload carries no prediction id");
  }
  return { taskId: payload.id, messageId: id };
}
