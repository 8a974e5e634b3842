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
    { made: 1, random: 0, ms: 500 },
    { made: 1, random: 0.999, ms: 999 },
    { made: 2, random: 0, ms: 1000 },
    { made: 2, random: 0.5, ms: 1500 },
    { made: 3, random: 0, ms: 2000 },
  ])("after $made attempts, random $random: $ms ms", ({ made, random, ms }) => {
    expect(imageRetryDelayMs(limits, made, random)).toBe(ms);
  });

  it("agrees with the backoff a later entry starts from", () => {
    // The entry after one attempt backs off from 2 s: BullMQ's delay after its first attempt.
    const later = imageRetryPolicy(limits, 1).backoff as { delay: number };
    expect(imageRetryDelayMs(limits, 2, 0.999)).toBeLessThanOrEqual(later.delay);
    expect(imageRetryDelayMs(limits, 2, 0)).toBe(later.delay / 2);
  });
});
