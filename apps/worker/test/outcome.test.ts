import { LockLostError } from "@imagegate/jobs";
import { ERROR_CODES, type ErrorCode, GatewayError } from "@imagegate/params";
import { ProviderError } from "@imagegate/providers";
import { DEFAULT_RATE_LIMIT_MS, decideOutcome, type Outcome, type RunState } from "../src/outcome";

const first: RunState = {
  attemptsMade: 0,
  attempts: 3,
  hasNextProvider: true,
  canceled: false,
  hasLiveTasks: false,
};
const last: RunState = { ...first, attemptsMade: 2 };
const lastAlone: RunState = { ...last, hasNextProvider: false };

/** The HTTP status a failed job answers with: its error code's, from the one table. */
function statusOf(outcome: Outcome): number {
  if (outcome.action !== "fail") return 0;
  return ERROR_CODES[outcome.error.code as ErrorCode][0];
}

describe("decideOutcome", () => {
  it("pauses the provider on a rate limit, for Retry-After or the default", () => {
    expect(
      decideOutcome(
        new ProviderError("bfl", "rate_limited", "slow", {
          upstreamStatus: 429,
          retryAfterMs: 2500,
        }),
        last,
      ),
    ).toMatchObject({
      action: "rate_limit",
      delayMs: 2500,
    });
    expect(
      decideOutcome(
        new ProviderError("bfl", "rate_limited", "slow", { upstreamStatus: 429 }),
        first,
      ),
    ).toMatchObject({
      delayMs: DEFAULT_RATE_LIMIT_MS,
    });
  });

  it("fails a content refusal at once with 422, never failing over", () => {
    const outcome = decideOutcome(
      new ProviderError("fal", "content_refused", "nsfw", { upstreamStatus: 422 }),
      first,
    );
    expect(outcome).toMatchObject({ action: "fail", error: { code: "content_policy_violation" } });
    expect(statusOf(outcome)).toBe(422);
    expect(outcome.action === "fail" && outcome.error.message).toMatch(/^fal refused the content/);
  });

  it("fails a permanent error at once, naming the provider", () => {
    const outcome = decideOutcome(
      new ProviderError("bfl", "permanent", "credentials refused (401): bad", {
        upstreamStatus: 401,
        code: "upstream_auth_failed",
      }),
      first,
    );
    expect(outcome).toMatchObject({ action: "fail", error: { code: "upstream_auth_failed" } });
    expect(statusOf(outcome)).toBe(502);
    expect(outcome.action === "fail" && outcome.error.message).toMatch(/^bfl: credentials refused/);
  });

  it.each([
    [
      "a retryable provider error",
      new ProviderError("replicate", "retryable", "503", { upstreamStatus: 503 }),
      "upstream_unavailable",
    ],
    [
      "a timeout",
      Object.assign(new Error("The operation timed out"), { name: "TimeoutError" }),
      "timeout",
    ],
    ["a bug", new TypeError("x is undefined"), "internal_error"],
  ])("retries %s while attempts remain, then fails over, then fails", (_label, err, code) => {
    expect(decideOutcome(err, first)).toMatchObject({ action: "retry", error: { code } });
    expect(decideOutcome(err, last)).toMatchObject({ action: "failover", error: { code } });
    expect(decideOutcome(err, lastAlone)).toMatchObject({ action: "fail", error: { code } });
  });

  it("answers 503 / 504 / 500 when a retryable error is final", () => {
    const status = (err: unknown) => statusOf(decideOutcome(err, lastAlone));
    expect(status(new ProviderError("bfl", "retryable", "down", { upstreamStatus: 503 }))).toBe(
      503,
    );
    expect(status(Object.assign(new Error("t"), { name: "AbortError" }))).toBe(504);
    expect(status(new Error("bug"))).toBe(500);
  });

  it("never fails over while a call has a live task: another provider would pay again", () => {
    const err = new ProviderError("bfl", "retryable", "503", { upstreamStatus: 503 });
    expect(decideOutcome(err, { ...first, hasLiveTasks: true })).toMatchObject({ action: "retry" });
    expect(decideOutcome(err, { ...last, hasLiveTasks: true })).toMatchObject({
      action: "fail",
      error: { code: "upstream_unavailable" },
    });
    const strict = GatewayError.invalidRequest("style", "no", "parameter_coerced");
    expect(decideOutcome(strict, { ...first, hasLiveTasks: true })).toMatchObject({
      action: "fail",
    });
  });

  it.each([
    ["storage_unavailable", 503],
    ["upstream_invalid_image", 502],
  ] as const)("fails %s at once with %i, never retrying the upstream", (code, status) => {
    const err = new GatewayError(code, "x");
    const outcome = decideOutcome(err, first);
    expect(outcome).toMatchObject({ action: "fail", error: { code } });
    expect(statusOf(outcome)).toBe(status);
  });

  it("fails a task past its lifetime with upstream_timeout, never failing over", () => {
    const err = new ProviderError("fal", "permanent", "late", { code: "upstream_timeout" });
    const outcome = decideOutcome(err, first);
    expect(outcome).toMatchObject({ action: "fail", error: { code: "upstream_timeout" } });
    expect(statusOf(outcome)).toBe(504);
  });

  it("stops quietly when the run lost its lock, even if the job was canceled", () => {
    expect(decideOutcome(new LockLostError("job_1"), first)).toEqual({ action: "stop" });
    expect(decideOutcome(new LockLostError("job_1"), { ...first, canceled: true })).toEqual({
      action: "stop",
    });
  });

  it("reports a cancel as canceled whatever the error", () => {
    expect(decideOutcome(new Error("aborted"), { ...first, canceled: true })).toEqual({
      action: "canceled",
    });
  });

  it("fails a gateway error with its own status, and fails a strict refusal over", () => {
    const bad = GatewayError.invalidRequest("size", "bad");
    const outcome = decideOutcome(bad, first);
    expect(outcome).toMatchObject({ action: "fail", error: { param: "size" } });
    expect(statusOf(outcome)).toBe(400);
    const strict = GatewayError.invalidRequest("style", "no", "parameter_coerced");
    expect(decideOutcome(strict, first)).toMatchObject({ action: "failover" });
    expect(decideOutcome(strict, lastAlone)).toMatchObject({ action: "fail" });
    expect(statusOf(decideOutcome(strict, lastAlone))).toBe(400);
  });
});
