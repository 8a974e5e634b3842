/**
 * The image retry policy, and where a run made outside BullMQ leaves it:
 * the attempts left and the backoff go on as BullMQ's own would have.
 */
import { imageRetryDelayMs, imageRetryPolicy } from "../src/retry-policy";

const limits = { attempts: 4, backoffMs: 1000 };

describe("imageRetryPolicy", () => {
  it.each([
    { made: 0, attempts: 4, delay: 1000 },
    { made: 1, attempts: 3, delay: 2000 },
    { made: 2, attempts: 2, delay: 4000 },
    { made: 3, attempts: 1, delay: 8000 },
    { made: 9, attempts: 1, delay: 512_000 },
  ])(
    "after $made attempts: $attempts left, backoff from $delay ms",
    ({ made, attempts, delay }) => {
      const policy = imageRetryPolicy(limits, made);
      expect(policy.attempts).toBe(attempts);
      expect(policy.backoff).toEqual({ type: "exponential", delay, jitter: 0.5 });
    },
  );

  it("keeps a completed entry nowhere and a failed one a day", () => {
    expect(imageRetryPolicy(limits)).toMatchObject({
      removeOnComplete: true,
      removeOnFail: { age: 86_400 },
    });
  });
});

describe("imageRetryDelayMs", () => {
  it.each([
    { made: 1, min: 500, max: 1000 },
    { made: 2, min: 1000, max: 2000 },
    { made: 3, min: 2000, max: 4000 },
  ])(
    "after $made attempts: within [$min, $max) ms, as BullMQ's jittered backoff",
    async ({ made, min, max }) => {
      for (let i = 0; i < 50; i++) {
        const ms = await imageRetryDelayMs(limits, made);
        expect(ms).toBeGreaterThanOrEqual(min);
        expect(ms).toBeLessThan(max);
      }
    },
  );

  it("agrees with the backoff a later entry starts from", async () => {
    // The entry after one attempt backs off from 2 s: BullMQ's delay after its second attempt.
    const later = imageRetryPolicy(limits, 1).backoff as { delay: number };
    expect(await imageRetryDelayMs(limits, 2)).toBeLessThan(later.delay);
    expect(await imageRetryDelayMs(limits, 2)).toBeGreaterThanOrEqual(later.delay / 2);
  });
});
