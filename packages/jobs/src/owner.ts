/**
 * Owners: jobs, batches and files belong to the API key that created them.
 * Records keep a hash of the key, never the key itself; with auth off every
 * caller is the same `anonymous` owner.
 */
import { createHash } from "node:crypto";

/** The owner id of an API key (or `anonymous` when auth is off). */
export function ownerOf(apiKey: string | undefined): string {
  if (!apiKey) return "anonymous";
  return `key_${createHash("sha256").update(apiKey).digest("hex").slice(0, 24)}`;
}

/** Owners that need no managed key record: the static keys' and `anonymous` (auth off). */
export function staticOwners(apiKeys: readonly string[]): ReadonlySet<string> {
  return new Set([...apiKeys.map((k) => ownerOf(k)), ownerOf(undefined)]);
}
