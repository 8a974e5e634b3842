/**
 * Webhook signing secrets, one per key (docs/architecture.md#tenants; Standard
 * Webhooks): a tenant's receiver verifies with its own key's secret, so no
 * tenant can sign an event another tenant accepts. Each owner's secret is
 * `whsec_` and 32 random bytes, generated on first use and kept in Redis so
 * every process signs alike. Rotating keeps the previous secret signing for
 * 24 h beside the new one (both signatures are sent), so receivers can switch
 * without losing events. WEBHOOK_SECRET, when set, is the secret of the static
 * keys (and of the anonymous owner when auth is off) instead.
 */
import { randomBytes } from "node:crypto";
import { isCluster, redisKeys } from "./keys";
import type { RedisClient } from "./redis";

/** How long a rotated-out secret keeps signing. */
export const ROTATION_GRACE_MS = 24 * 3600 * 1000;

/** A new `whsec_…` secret. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** Moves the current secret to `previous` until ARGV[2] (unix ms) and sets ARGV[1] as current. */
const ROTATE = `
local current = redis.call('HGET', KEYS[1], 'current')
if current then
  redis.call('HSET', KEYS[1], 'previous', current, 'previous_expires_at', ARGV[2])
end
redis.call('HSET', KEYS[1], 'current', ARGV[1])
return 1
`;

/** The secrets a delivery is signed with, current first. */
export type SigningSecrets = {
  current: string;
  previous: string | null;
  previousExpiresAtMs: number | null;
};

/** Options of `createWebhookSecrets`. */
export type WebhookSecretsOptions = {
  redis: RedisClient;
  prefix: string;
  /** WEBHOOK_SECRET: the secret of `configuredOwners` when set. */
  configured: string | undefined;
  /** Owners that use `configured`: the static keys' owner ids and `anonymous`. */
  configuredOwners: ReadonlySet<string>;
};

export type WebhookSecrets = ReturnType<typeof createWebhookSecrets>;

/** Creates the per-owner secret store. */
export function createWebhookSecrets(options: WebhookSecretsOptions) {
  const { redis, configured } = options;
  const keys = redisKeys(options.prefix, isCluster(redis));
  const fixed = (owner: string) =>
    configured !== undefined && options.configuredOwners.has(owner) ? configured : undefined;

  async function read(owner: string, nowMs: number): Promise<SigningSecrets> {
    const key = keys.webhookSecret(owner);
    // HSETNX: when two processes create it at once, the first value wins for both.
    await redis.hsetnx(key, "current", generateWebhookSecret());
    const [current, previous, until] = await redis.hmget(
      key,
      "current",
      "previous",
      "previous_expires_at",
    );
    if (!current) throw new Error(`webhook secret of ${owner} vanished from Redis`);
    const live = previous && Number(until) > nowMs;
    return {
      current,
      previous: live ? previous : null,
      previousExpiresAtMs: live ? Number(until) : null,
    };
  }

  return {
    /** True when `owner`'s secret is WEBHOOK_SECRET (it is rotated in the environment). */
    isConfigured: (owner: string) => fixed(owner) !== undefined,

    /** The secrets that sign `owner`'s deliveries now: current, and the previous during its grace. */
    async signing(owner: string, nowMs = Date.now()): Promise<SigningSecrets> {
      const value = fixed(owner);
      if (value) return { current: value, previous: null, previousExpiresAtMs: null };
      return read(owner, nowMs);
    },

    /** Issues a new secret for `owner`; the old one keeps signing for ROTATION_GRACE_MS. */
    async rotate(owner: string, nowMs = Date.now()): Promise<SigningSecrets> {
      await redis.eval(
        ROTATE,
        1,
        keys.webhookSecret(owner),
        generateWebhookSecret(),
        nowMs + ROTATION_GRACE_MS,
      );
      return read(owner, nowMs);
    },
  };
}
