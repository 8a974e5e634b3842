/**
 * `Idempotency-Key` (docs/architecture.md#sync-async-and-idempotency): the same
 * key from the same API key within 24 h returns the job the first request made;
 * the same key with another body is a 409. The key is claimed with SET NX
 * before the job exists, so two concurrent twins make one job: the second waits
 * briefly for it to appear.
 */
import { createHash } from "node:crypto";
import { isCluster, type JobRecord, redisKeys } from "@imagegate/jobs";
import { GatewayError, newId } from "@imagegate/params";
import type { ApiDeps } from "../deps";

const TTL_SECONDS = 24 * 3600;
const MAX_KEY_LENGTH = 255;

/** A stable fingerprint of a request: JSON with sorted keys, hashed. */
export function fingerprint(parts: unknown): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (Buffer.isBuffer(value)) return createHash("sha256").update(value).digest("hex");
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  return createHash("sha256")
    .update(JSON.stringify(canonical(parts)))
    .digest("hex");
}

/** What `once` returns: the job, and whether it was made by an earlier request. */
export type Idempotent = { record: JobRecord; replayed: boolean };

/**
 * Runs `create(jobId)` once per (owner, key, fingerprint). Without a key it
 * simply creates. `route` is part of the key's scope (generations and edits apart).
 */
export async function once(
  deps: ApiDeps,
  /** `fingerprint` is only computed when the request carries a key. */
  options: { owner: string; key: string | undefined; route: string; fingerprint: () => string },
  create: (jobId: string) => Promise<JobRecord>,
): Promise<Idempotent> {
  if (options.key === undefined) return { record: await create(newId("job")), replayed: false };
  if (options.key.length === 0 || options.key.length > MAX_KEY_LENGTH) {
    throw GatewayError.invalidRequest(
      "Idempotency-Key",
      `Idempotency-Key must be 1–${MAX_KEY_LENGTH} characters.`,
    );
  }
  const redisKey = redisKeys(deps.config.queuePrefix, isCluster(deps.redis)).idempotency(
    options.owner,
    `${options.route}:${options.key}`,
  );
  const jobId = newId("job");
  const print = options.fingerprint();
  const claim = JSON.stringify({ fingerprint: print, jobId });
  if (await deps.redis.set(redisKey, claim, "EX", TTL_SECONDS, "NX")) {
    try {
      return { record: await create(jobId), replayed: false };
    } catch (err) {
      await deps.redis.del(redisKey);
      throw err;
    }
  }
  const prior = JSON.parse((await deps.redis.get(redisKey)) ?? "{}") as {
    fingerprint?: string;
    jobId?: string;
  };
  if (prior.fingerprint !== print) {
    throw new GatewayError(
      "idempotency_conflict",
      "This Idempotency-Key was already used with a different request body.",
      "Idempotency-Key",
    );
  }
  for (let waited = 0; waited <= 5_000; waited += 50) {
    const record = prior.jobId ? await deps.store.get(prior.jobId) : null;
    if (record && record.owner === options.owner) return { record, replayed: true };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new GatewayError(
    "idempotency_conflict",
    "The first request with this Idempotency-Key is still being processed.",
    "Idempotency-Key",
  );
}
