/**
 * fal callbacks (docs/providers.md#fal-callbacks): ED25519 signatures over
 * `request_id \n user_id \n timestamp \n hex(sha256(body))`, headers
 * `x-fal-webhook-{request-id,user-id,timestamp,signature}`, checked against
 * any key of fal's JWKS; the timestamp must be within 5 minutes.
 */
import { createHash, createPublicKey, type KeyObject, verify } from "node:crypto";
import { CallbackRejectedError } from "./callback-rejected-error";
import { header, type IncomingHeaders, type VerifiedCallback } from "./headers";

/** How far a callback's timestamp may be from now. */
export const FAL_TOLERANCE_S = 300;

/** One JWKS entry fal publishes. */
export type Jwk = { kty: string; crv: string; x: string; kid?: string };

/** The ED25519 public keys of a JWKS (other key types are skipped). */
export function falKeys(jwks: { keys?: Jwk[] }): KeyObject[] {
  return (jwks.keys ?? [])
    .filter((k) => k.kty === "OKP" && k.crv === "Ed25519" && typeof k.x === "string")
    .map((k) => createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: k.x }, format: "jwk" }));
}

/** The message fal signs. */
export function falSignedMessage(
  requestId: string,
  userId: string,
  timestamp: string,
  body: Buffer,
): Buffer {
  const digest = createHash("sha256").update(body).digest("hex");
  return Buffer.from(`${requestId}\n${userId}\n${timestamp}\n${digest}`);
}

/** Verifies a fal callback; returns its request id, or throws CallbackRejectedError. */
export function verifyFalCallback(input: {
  headers: IncomingHeaders;
  body: Buffer;
  keys: readonly KeyObject[];
  nowS: number;
}): VerifiedCallback {
  const requestId = header(input.headers, "x-fal-webhook-request-id");
  const userId = header(input.headers, "x-fal-webhook-user-id");
  const timestamp = header(input.headers, "x-fal-webhook-timestamp");
  const signature = header(input.headers, "x-fal-webhook-signature");
  if (!requestId || userId === undefined || !timestamp || !signature) {
    throw new CallbackRejectedError("fal", "missing x-fal-webhook-* headers");
  }
  const ts = Number(timestamp);
  if (!Number.isInteger(ts) || Math.abs(input.nowS - ts) > FAL_TOLERANCE_S) {
    throw new CallbackRejectedError("fal", "timestamp outside the 5 minute tolerance");
  }
  if (!/^[0-9a-f]+$/i.test(signature))
    throw new CallbackRejectedError("fal", "malformed signature");
  const message = falSignedMessage(requestId, userId, timestamp, input.body);
  const sig = Buffer.from(signature, "hex");
  if (!input.keys.some((key) => verify(null, message, key, sig))) {
    throw new CallbackRejectedError("fal", "signature does not verify with fal's keys");
  }
  let bodyId: unknown;
  try {
    bodyId = (JSON.parse(input.body.toString("utf8")) as { request_id?: unknown }).request_id;
  } catch {
    throw new CallbackRejectedError("fal", "body is not JSON");
  }
  if (bodyId !== undefined && bodyId !== requestId) {
    throw new CallbackRejectedError("fal", "body request_id differs from the signed one");
  }
  return { taskId: requestId, messageId: `${requestId}:${timestamp}` };
}
