/**
 * Signed, expiring links for the fs driver: `/files/<key>?expires=<unix s>
 * &signature=<base64url HMAC-SHA256>`. The signature covers the key, the
 * expiry and the optional download name, so none can be changed; it is
 * checked in constant time.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** Inputs of a signature. */
export type SignInput = {
  key: string;
  expiresAt: number;
  secret: string;
  filename?: string | undefined;
};

/** The base64url HMAC of a link. */
export function signPath({ key, expiresAt, secret, filename }: SignInput): string {
  return createHmac("sha256", secret)
    .update(`${key}\n${expiresAt}\n${filename ?? ""}`)
    .digest("base64url");
}

/** A signed link to `key` under `publicBaseUrl`, valid for `ttlSeconds`. */
export function buildSignedUrl(options: {
  publicBaseUrl: string;
  key: string;
  ttlSeconds: number;
  secret: string;
  nowMs: number;
  filename?: string | undefined;
}): string {
  const expiresAt = Math.floor(options.nowMs / 1000) + options.ttlSeconds;
  const signature = signPath({
    key: options.key,
    expiresAt,
    secret: options.secret,
    filename: options.filename,
  });
  const query = new URLSearchParams({ expires: String(expiresAt), signature });
  if (options.filename) query.set("filename", options.filename);
  return `${options.publicBaseUrl.replace(/\/+$/, "")}/files/${options.key}?${query}`;
}

/** The verdict on a presented link. */
export type SignatureVerdict = "ok" | "expired" | "bad_signature";

/** Checks a presented link's expiry and signature. */
export function verifySignedPath(options: {
  key: string;
  expires: string | number;
  signature: string;
  secret: string;
  nowMs: number;
  filename?: string | undefined;
}): SignatureVerdict {
  const expiresAt = typeof options.expires === "number" ? options.expires : Number(options.expires);
  if (!Number.isInteger(expiresAt) || !/^[A-Za-z0-9_-]{1,100}$/.test(options.signature))
    return "bad_signature";
  const expected = Buffer.from(
    signPath({ key: options.key, expiresAt, secret: options.secret, filename: options.filename }),
  );
  const given = Buffer.from(options.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return "bad_signature";
  return expiresAt * 1000 < options.nowMs ? "expired" : "ok";
}
