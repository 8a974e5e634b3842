import { nextPollDelayMs, type PollSchedule, pollsByAge } from "@imagegate/providers";

const schedule: PollSchedule = { initialMs: 1_000, maxMs: 5_000, factor: 1.5, jitter: 0.2 };
const middle = () => 0.5; // no jitter: 2·0.5 − 1 = 0

describe("nextPollDelayMs", () => {
  it.each([
    [0, 1_000],
    [1, 1_500],
    [2, 2_250],
    [3, 3_375],
    [4, 5_000],
    [10, 5_000],
  ])("after %i polls waits %i ms (×1.5, capped)", (polls, ms) => {
    expect(nextPollDelayMs(polls, schedule, {}, middle)).toBe(ms);
  });

  it.each([
    [0, 800],
    [0.999_999, 1_200],
  ])("spreads the wait ±20 %% (random %f → %i ms)", (r, ms) => {
    expect(nextPollDelayMs(0, schedule, {}, () => r)).toBe(ms);
  });

  it.each([
    ["Retry-After above the schedule", { retryAfterMs: 7_000 }, 7_000],
    ["Retry-After below the schedule", { retryAfterMs: 10 }, 1_000],
    ["a queue of 12 ahead", { queuePosition: 12 }, 3_000],
    ["a queue of 1,000 ahead, capped", { queuePosition: 1_000 }, 5_000],
    ["an empty queue", { queuePosition: 0 }, 1_000],
  ])("honours %s", (_label, hint, ms) => {
    expect(nextPollDelayMs(0, schedule, hint, middle)).toBe(ms);
  });

  it("makes at most 8 polls in a 20 s task at the default 1 s → 5 s schedule, any jitter", () => {
    for (const r of [0, 0.25, 0.5, 0.75, 0.999]) {
      let at = 0;
      let polls = 0;
      while (at < 20_000) {
        at += nextPollDelayMs(polls, schedule, {}, () => r);
        polls++;
      }
      expect(polls).toBeLessThanOrEqual(8);
    }
  });
});

describe("pollsByAge", () => {
  it.each([
    [0, 0],
    [999, 0],
    [1_000, 1], // the first poll is at 1 s
    [2_499, 1],
    [2_500, 2], // then 1.5 s later
    [4_750, 3],
    [8_125, 4],
    [60_000, 8],
    [-5, 0],
  ])("a task %i ms old has had %i polls of the 1 s ×1.5 schedule", (age, polls) => {
    expect(pollsByAge(age, schedule)).toBe(polls);
  });

  it("picks the schedule up where it was: the next wait after a resume is the one due", () => {
    // 3 polls made by 4.75 s: the next wait is 1 s × 1.5³ = 3.375 s.
    expect(nextPollDelayMs(pollsByAge(4_750, schedule), schedule, {}, middle)).toBe(3_375);
  });
});
