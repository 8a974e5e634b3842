/**
 * Storage keys are relative paths of plain segments (`jobs/job_…/0.png`).
 * Anything else — `..`, absolute paths, backslashes, encoded or control
 * characters — is refused before it reaches a driver, so no key can escape
 * the fs root or name another tenant's object by accident.
 *
 * A segment may not start with a dot either: besides `.` and `..`, that keeps
 * hidden names free for the fs driver's temp files and sidecars, so no key can
 * ever collide with them.
 */
import { UnsafeKeyError } from "./errors";

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** Longest key accepted, in characters. */
export const MAX_KEY_LENGTH = 512;

/** True when `key` is a safe relative key. */
export function isSafeKey(key: string): boolean {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) return false;
  return key.split("/").every((segment) => SEGMENT.test(segment));
}

/** Throws `UnsafeKeyError` unless `key` is safe. */
export function assertSafeKey(key: string): void {
  if (!isSafeKey(key)) throw new UnsafeKeyError(key);
}
