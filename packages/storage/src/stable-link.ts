/**
 * Links that live as long as the image: `/links/<key>?expires=<unix s>
 * &signature=<base64url HMAC-SHA256>`, a gateway path signed for the
 * record's whole lifetime (JOB_TTL_SECONDS), not for URL_TTL_SECONDS. Each
 * read re-signs: the API's `/links/*` route answers with a redirect to a
 * fresh short-lived link (the fs driver's `/files/…` or an S3 presigned
 * URL). Batch output lines and webhook payloads carry these, because their
 * readers keep them; once the blob is swept the link answers 404.
 * The signature covers a `link` domain tag, so it is never valid on `/files`.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { assertSafeKey, isSafeKey } from "./keys";

/** The base64url HMAC of a stable link. */
function signStable(key: string, expiresAt: number, secret: string): string {
  return createHmac("sha256", secret).update(`link\n${key}\n${expiresAt}`).digest("base64url");
}

/** A stable link to `key` under `publicBaseUrl`, valid until `expiresAt` (unix seconds). */
export function buildStableLink(options: {
  publicBaseUrl: string;
  key: string;
  expiresAt: number;
  secret: string;
}): string {
  assertSafeKey(options.key);
  const signature = signStable(options.key, options.expiresAt, options.secret);
  const query = new URLSearchParams({ expires: String(options.expiresAt), signature });
  return `${options.publicBaseUrl.replace(/\/+$/, "")}/links/${options.key}?${query}`;
}

/** Checks a presented stable link: "ok", "expired" or "bad_signature". */
export function verifyStableLink(options: {
  key: string;
  expires: string;
  signature: string;
  secret: string;
  nowMs: number;
}): "ok" | "expired" | "bad_signature" {
  if (!/^\d{1,15}$/.test(options.expires) || !isSafeKey(options.key)) return "bad_signature";
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(options.signature)) return "bad_signature";
  const expiresAt = Number(options.expires);
  const expected = Buffer.from(signStable(options.key, expiresAt, options.secret));
  const given = Buffer.from(options.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return "bad_signature";
  return expiresAt * 1000 < options.nowMs ? "expired" : "ok";
}
