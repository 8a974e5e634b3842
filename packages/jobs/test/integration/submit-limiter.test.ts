import { randomUUID } from "node:crypto";
import {
  createRedis,
  createSubmitLimiter,
  guardedWindowMs,
  type RedisClient,
} from "@imagegate/jobs";

let redis: RedisClient;

beforeAll(() => {
  redis = createRedis({ url: process.env.REDIS_URL as string });
});

afterAll(() => {
  redis.disconnect();
});

describe("submit limiter", () => {
  it("never lets more than max through in any sliding window, across limiters", async () => {
    const prefix = `test-${randomUUID()}`;
    // Two limiters on one key stand for two worker processes.
    const a = createSubmitLimiter(redis, prefix);
    const b = createSubmitLimiter(redis, prefix);
    const rate = { max: 5, durationMs: 200 };
    const times: number[] = [];
    const signal = new AbortController().signal;
    await Promise.all(
      Array.from({ length: 16 }, async (_, i) => {
        await (i % 2 ? a : b).acquire("bfl", rate, signal);
        times.push(Date.now());
      }),
    );
    times.sort((x, y) => x - y);
    for (let i = 0; i + rate.max < times.length; i++) {
      expect((times[i + rate.max] as number) - (times[i] as number)).toBeGreaterThanOrEqual(
        rate.durationMs,
      );
    }
    // 16 slots at 5 per window take three more windows.
    expect((times.at(-1) as number) - (times[0] as number)).toBeGreaterThanOrEqual(
      3 * rate.durationMs,
    );
  });

  it("keeps providers apart", async () => {
    const limiter = createSubmitLimiter(redis, `test-${randomUUID()}`);
    const signal = new AbortController().signal;
    const started = Date.now();
    await limiter.acquire("bfl", { max: 1, durationMs: 5000 }, signal);
    await limiter.acquire("fal", { max: 1, durationMs: 5000 }, signal);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it("stops waiting when the signal aborts", async () => {
    const limiter = createSubmitLimiter(redis, `test-${randomUUID()}`);
    const rate = { max: 1, durationMs: 10_000 };
    await limiter.acquire("bfl", rate, new AbortController().signal);
    const controller = new AbortController();
    const waiting = limiter.acquire("bfl", rate, controller.signal);
    controller.abort(new Error("canceled"));
    await expect(waiting).rejects.toThrow("canceled");
  });

  it("pads the window for arrival jitter", () => {
    expect(guardedWindowMs(1000)).toBe(1050);
    expect(guardedWindowMs(100)).toBe(125);
    expect(guardedWindowMs(60_000)).toBe(63_000);
  });
});
