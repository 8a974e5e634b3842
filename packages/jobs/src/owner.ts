/**
 * Owners: jobs, batches and files belong to the API key that created them.
 * Records keep a hash of the key, never the key itself; with auth off every
 * caller is the same `anonymous` owner.
 */
import { createHash } from "node:crypto";

/** How many keys' digests are remembered. */
const RECENT_DIGESTS_MAX = 1024;
const recentDigests = new Map<string, Buffer>();

/**
 * SHA-256 of an API key, remembered for the last keys seen: every request
 * hashes its key (auth, owner id) and callers reuse few keys, so most
 * requests skip the hash. Oldest first out, so keys sprayed at the gateway
 * cannot grow it. The buffer is shared: read it, never write it.
 */
export function apiKeySha256(apiKey: string): Buffer {
  let digest = recentDigests.get(apiKey);
  if (digest === undefined) {
    digest = createHash("sha256").update(apiKey).digest();
    if (recentDigests.size >= RECENT_DIGESTS_MAX) {
      const oldest = recentDigests.keys().next().value;
      if (oldest !== undefined) recentDigests.delete(oldest);
    }
    recentDigests.set(apiKey, digest);
  }
  return digest;
}

/** The owner id of an API key (or `anonymous` when auth is off): the first 12 bytes of its SHA-256. */
export function ownerOf(apiKey: string | undefined): string {
  if (!apiKey) return "anonymous";
  return `key_${apiKeySha256(apiKey).toString("hex", 0, 12)}`;
}

/** Owners that need no managed key record: the static keys' and `anonymous` (auth off). */
export function staticOwners(apiKeys: readonly string[]): ReadonlySet<string> {
  return new Set([...apiKeys.map((k) => ownerOf(k)), ownerOf(undefined)]);
}
