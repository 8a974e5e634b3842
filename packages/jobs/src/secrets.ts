/**
 * Secrets generated once and shared by every process through Redis: the
 * fs-mode link signing key and the webhook signing secret, unless configured.
 * SET NX makes the first process's value win when several start together.
 */
import { randomBytes } from "node:crypto";
import { isCluster, redisKeys } from "./keys";
import type { RedisClient } from "./redis";

/** The configured secret, or the one kept in Redis under `name` (created on first use). */
export async function sharedSecret(
  redis: RedisClient,
  prefix: string,
  name: string,
  configured: string | undefined,
  generate: () => string = () => randomBytes(32).toString("base64"),
): Promise<string> {
  if (configured) return configured;
  const key = redisKeys(prefix, isCluster(redis)).secret(name);
  await redis.set(key, generate(), "NX");
  const value = await redis.get(key);
  if (!value) throw new Error(`secret ${name} vanished from Redis`);
  return value;
}

/** The `webhook_secret` BFL callbacks carry back (ours, shared by the API and the workers). */
export function bflCallbackSecret(redis: RedisClient, prefix: string): Promise<string> {
  return sharedSecret(redis, prefix, "bfl-callback", undefined, () =>
    randomBytes(24).toString("hex"),
  );
}
