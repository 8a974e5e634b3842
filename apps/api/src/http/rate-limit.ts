/**
 * Per-key request limits (docs/architecture.md#tenants), on
 * rate-limiter-flexible's Redis limiter so every API replica counts against the
 * same window: a managed key's `requests_per_minute` on the submit endpoints,
 * and webhook redeliveries per key. Over the limit: 429 `rate_limit_exceeded`
 * with `Retry-After`. Answers of a limited key carry OpenAI's
 * `x-ratelimit-limit-requests`, `-remaining-requests` and `-reset-requests`.
 */
import { isCluster, type RedisClient, redisKeys } from "@imagegate/jobs";
import { GatewayError } from "@imagegate/params";
import type { RequestHandler, Response } from "express";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { callerOf } from "./caller";

/** The endpoints `requests_per_minute` counts: those that create work. */
const SUBMIT_PATHS: ReadonlySet<string> = new Set([
  "/v1/images/generations",
  "/v1/images/edits",
  "/v1/files",
  "/v1/batches",
]);

/** Webhook redeliveries one key may ask for per minute. */
const REDELIVERIES_PER_MINUTE = 10;

/** A reset delay as OpenAI writes it: `20ms`, `1.5s`, `6m0s`. */
export function formatResetDuration(ms: number): string {
  const whole = Math.max(0, Math.ceil(ms));
  if (whole < 1000) return `${whole}ms`;
  const minutes = Math.floor(whole / 60_000);
  const seconds = Number(((whole % 60_000) / 1000).toFixed(3));
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}

function setHeaders(res: Response, limit: number, state: RateLimiterRes): void {
  res.setHeader("x-ratelimit-limit-requests", String(limit));
  res.setHeader("x-ratelimit-remaining-requests", String(state.remainingPoints));
  res.setHeader("x-ratelimit-reset-requests", formatResetDuration(state.msBeforeNext));
}

/** Consumes one point of `key`; resolves with the state, or with `limited` when over. */
async function take(
  limiter: RateLimiterRedis,
  key: string,
): Promise<{ state: RateLimiterRes; limited: boolean }> {
  try {
    return { state: await limiter.consume(key), limited: false };
  } catch (err) {
    // The library rejects with its result when over the limit, with an Error when Redis fails.
    if (err instanceof RateLimiterRes) return { state: err, limited: true };
    throw err;
  }
}

function tooMany(message: string, state: RateLimiterRes): GatewayError {
  return GatewayError.rateLimited(state.msBeforeNext / 1000, message);
}

/** The per-key limiters. */
export type KeyRateLimits = {
  /** Middleware: counts a submit against the caller's `requests_per_minute` (after auth). */
  submits: RequestHandler;
  /** Counts a webhook redelivery of `owner`; throws 429 past REDELIVERIES_PER_MINUTE. */
  redelivery(owner: string): Promise<void>;
};

/** Creates the per-key limiters on `redis` under `prefix`. */
export function createKeyRateLimits(options: {
  redis: RedisClient;
  prefix: string;
}): KeyRateLimits {
  const keys = redisKeys(options.prefix, isCluster(options.redis));
  // One limiter per distinct limit, all on the same counters: a changed limit keeps the window.
  const perMinute = new Map<number, RateLimiterRedis>();
  const limiterFor = (points: number) => {
    let limiter = perMinute.get(points);
    if (!limiter) {
      limiter = new RateLimiterRedis({
        storeClient: options.redis,
        keyPrefix: keys.rateLimit("rpm"),
        points,
        duration: 60,
      });
      perMinute.set(points, limiter);
    }
    return limiter;
  };
  const redeliveries = new RateLimiterRedis({
    storeClient: options.redis,
    keyPrefix: keys.rateLimit("redeliver"),
    points: REDELIVERIES_PER_MINUTE,
    duration: 60,
  });

  const submits: RequestHandler = async (req, res, next) => {
    const rpm = callerOf(res).limits.requests_per_minute;
    if (rpm === null || req.method !== "POST" || !SUBMIT_PATHS.has(req.path)) return next();
    const { state, limited } = await take(limiterFor(rpm), callerOf(res).owner);
    setHeaders(res, rpm, state);
    if (limited) {
      throw tooMany(
        `This key is limited to ${rpm} requests per minute; retry in ${Math.ceil(state.msBeforeNext / 1000)} s.`,
        state,
      );
    }
    next();
  };

  return {
    submits,
    async redelivery(owner: string): Promise<void> {
      const { state, limited } = await take(redeliveries, owner);
      if (limited) {
        throw tooMany(
          `At most ${REDELIVERIES_PER_MINUTE} webhook redeliveries per minute per key.`,
          state,
        );
      }
    },
  };
}
