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
    const signal = new AbortController().signal;
    // Each slot's time on Redis's clock, which the window is kept on: the time a
    // caller resumes adds its event loop's delays (a loaded machine's tens of ms).
    const times = await Promise.all(
      Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).acquire("bfl", rate, signal)),
    );
    times.sort((x, y) => x - y);
    const window = guardedWindowMs(rate.durationMs);
    for (let i = 0; i + rate.max < times.length; i++) {
      expect((times[i + rate.max] as number) - (times[i] as number)).toBeGreaterThanOrEqual(window);
    }
    // 16 slots at 5 per window take three more windows.
    expect((times.at(-1) as number) - (times[0] as number)).toBeGreaterThanOrEqual(3 * window);
    // Epoch milliseconds (Redis's clock is this machine's), not a wait or a count.
    const now = Date.now();
    expect(times.every((t) => t > now - 60_000 && t <= now + 1000)).toBe(true);
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
    // A window longer than the test's timeout: waiting it out would fail the test.
    const rate = { max: 1, durationMs: 120_000 };
    await limiter.acquire("bfl", rate, new AbortController().signal);
    const controller = new AbortController();
    // Aborted while its first check is on its way to Redis, and while it waits.
    const early = limiter.acquire("bfl", rate, controller.signal);
    controller.abort(new Error("canceled"));
    await expect(early).rejects.toThrow("canceled");
    const later = new AbortController();
    const waiting = limiter.acquire("bfl", rate, later.signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
    later.abort(new Error("canceled too"));
    await expect(waiting).rejects.toThrow("canceled too");
  });

  it("pads the window for arrival jitter", () => {
    expect(guardedWindowMs(1000)).toBe(1050);
    expect(guardedWindowMs(100)).toBe(125);
    expect(guardedWindowMs(60_000)).toBe(63_000);
  });
});
