/**
 * BFL callbacks (docs/providers.md#bfl-callbacks): the submit names our
 * `webhook_url` and a `webhook_secret`. Sources disagree on how BFL proves
 * it: the official SDK expects the secret echoed in `X-Webhook-Secret`; the
 * skills repo describes `X-BFL-Signature: sha256=<hex HMAC of the body>`.
 * Either is accepted. Neither carries a timestamp, so a replay is refused by
 * the body's digest, and the task is always confirmed by polling.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { CallbackRejectedError } from "./callback-rejected-error";
import { header, type IncomingHeaders, type VerifiedCallback } from "./headers";

function same(a: string, b: string): boolean {
  const x = createHash("sha256").update(a).digest();
  const y = createHash("sha256").update(b).digest();
  return timingSafeEqual(x, y);
}

/** Verifies a BFL callback against our webhook secret; returns the task id. */
export function verifyBflCallback(input: {
  headers: IncomingHeaders;
  body: Buffer;
  secret: string;
}): VerifiedCallback {
  const echoed = header(input.headers, "x-webhook-secret");
  const signed = header(input.headers, "x-bfl-signature");
  const hmac = createHmac("sha256", input.secret).update(input.body).digest("hex");
  const ok =
    (echoed !== undefined && same(echoed, input.secret)) ||
    (signed !== undefined && same(signed, `sha256=${hmac}`));
  if (!ok) throw new CallbackRejectedError("bfl", "no valid X-Webhook-Secret or X-BFL-Signature");
  let id: unknown;
  try {
    id = (JSON.parse(input.body.toString("utf8")) as { id?: unknown }).id;
  } catch {
    throw new CallbackRejectedError("bfl", "body is not JSON");
  }
  if (typeof id !== "string" || id === "") {
    throw new CallbackRejectedError("bfl", "body carries no task id");
  }
  return { taskId: id, messageId: createHash("sha256").update(input.body).digest("hex") };
}
