/**
 * Signed, expiring links for the fs driver: `/files/<key>?expires=<unix s>
 * &signature=<base64url HMAC-SHA256>[&filename=…]`. The signature covers the
 * key, the expiry and the optional download name, so none can be changed; it
 * is compared in constant time. The API's `/files/*` route verifies a link
 * with `verifySignedPath` before it reads the object.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { assertSafeKey, isSafeKey } from "./keys";

/** Inputs of a signature. */
export type SignInput = {
  /** The object key (`jobs/job_…/0.png`). */
  key: string;
  /** When the link stops working, in unix seconds. */
  expiresAt: number;
  /** HMAC key. */
  secret: string;
  /** Suggested download name; signed so that it cannot be swapped. */
  filename?: string | undefined;
};

/** Options of `buildSignedUrl`. */
export type BuildSignedUrlOptions = {
  /** Origin (and optional path prefix) the API is reached at, e.g. `http://localhost:8080`. */
  publicBaseUrl: string;
  key: string;
  /** Lifetime of the link, in seconds. */
  ttlSeconds: number;
  secret: string;
  /** The current time, in unix milliseconds. */
  nowMs: number;
  filename?: string | undefined;
};

/** A presented link, as the `/files/*` route parsed it. */
export type VerifySignedPathOptions = {
  key: string;
  /** The `expires` query value, unix seconds. */
  expires: string | number;
  /** The `signature` query value. */
  signature: string;
  secret: string;
  /** The current time, in unix milliseconds. */
  nowMs: number;
  /** The `filename` query value, when present. */
  filename?: string | undefined;
};

/** The verdict on a presented link. */
export type SignatureVerdict = "ok" | "expired" | "bad_signature";

/** The base64url HMAC-SHA256 of a link. */
export function signPath({ key, expiresAt, secret, filename }: SignInput): string {
  // Newlines separate the fields: a key never contains one and the filename comes last.
  return createHmac("sha256", secret)
    .update(`${key}\n${expiresAt}\n${filename ?? ""}`)
    .digest("base64url");
}

/** A signed link to `key` under `publicBaseUrl`, valid for `ttlSeconds`. */
export function buildSignedUrl(options: BuildSignedUrlOptions): string {
  assertSafeKey(options.key);
  const expiresAt = Math.floor(options.nowMs / 1000 + options.ttlSeconds);
  const signature = signPath({
    key: options.key,
    expiresAt,
    secret: options.secret,
    filename: options.filename,
  });
  const query = new URLSearchParams({ expires: String(expiresAt), signature });
  if (options.filename) query.set("filename", options.filename);
  // Safe keys need no escaping: every character is unreserved in a URL path.
  return `${options.publicBaseUrl.replace(/\/+$/, "")}/files/${options.key}?${query}`;
}

function parseExpires(expires: string | number): number | null {
  if (typeof expires === "number") return Number.isSafeInteger(expires) ? expires : null;
  // Digits only: "1e9" or " 12" would otherwise name the same expiry as another string.
  return /^\d{1,15}$/.test(expires) ? Number(expires) : null;
}

/** Checks a presented link's key, signature and expiry, in that order. */
export function verifySignedPath(options: VerifySignedPathOptions): SignatureVerdict {
  const expiresAt = parseExpires(options.expires);
  // An unsafe key is refused even if signed, so the route never hands one to a store.
  if (expiresAt === null || !isSafeKey(options.key)) return "bad_signature";
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(options.signature)) return "bad_signature";
  const expected = Buffer.from(
    signPath({ key: options.key, expiresAt, secret: options.secret, filename: options.filename }),
  );
  const given = Buffer.from(options.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return "bad_signature";
  return expiresAt * 1000 < options.nowMs ? "expired" : "ok";
}
