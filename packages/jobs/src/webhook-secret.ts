/**
 * The webhook signing secret (Standard Webhooks, `../shared/providers.md` §6):
 * WEBHOOK_SECRET when set, else one generated once — `whsec_` and 32 random
 * bytes in base64 — and kept in Redis so every process signs alike.
 */
import { randomBytes } from "node:crypto";
import type { RedisClient } from "./redis";
import { sharedSecret } from "./secrets";

/** A new `whsec_…` secret. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** The signing secret every process uses. */
export function webhookSecret(
  redis: RedisClient,
  prefix: string,
  configured: string | undefined,
): Promise<string> {
  return sharedSecret(redis, prefix, "webhook", configured, generateWebhookSecret);
}
