/**
 * Comparing a presented secret with a configured one without leaking either
 * its content or its length through timing: both are hashed to 32 bytes
 * first, then compared in constant time.
 */
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (value: string) => createHash("sha256").update(value).digest();

/** True when `given` equals `expected`, in time independent of both. */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}
