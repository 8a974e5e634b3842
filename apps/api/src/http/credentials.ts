/**
 * Reading credentials from `Authorization` and comparing them without leaking
 * either their content or their length through timing: secrets are hashed to
 * 32 bytes first, then compared in constant time. Used by the tenant auth, the
 * admin guard and the metrics route alike.
 */
import { createHash, timingSafeEqual } from "node:crypto";

/** The token of `Authorization: Bearer <token>`, trimmed; undefined when absent. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(header ?? "")?.[1]?.trim();
}

/** The password of `Authorization: Basic …`; undefined when absent. */
export function basicPassword(header: string | undefined): string | undefined {
  const basic = /^Basic\s+(.+)$/i.exec(header ?? "")?.[1];
  return basic
    ? Buffer.from(basic, "base64").toString("utf8").split(":").slice(1).join(":")
    : undefined;
}

/** The SHA-256 digest a secret is compared by. */
function secretDigest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/** True when two digests are equal, in time independent of both. */
export function sameDigest(a: Buffer, b: Buffer): boolean {
  return timingSafeEqual(a, b);
}

/** True when `given` equals `expected`, in time independent of both. */
export function sameSecret(given: string, expected: string): boolean {
  return sameDigest(secretDigest(given), secretDigest(expected));
}
