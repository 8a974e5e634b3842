import {
  type AttemptOutcome,
  DEFAULT_RETRY_POLICY,
  isRetryable,
  parseRetryAfter,
  retryDelayMs,
} from "@imagegate/cli";

const status = (
  s: number,
  code: string | null = null,
  retryAfterMs: number | null = null,
): AttemptOutcome => ({
  kind: "status",
  status: s,
  code,
  retryAfterMs,
});
const network: AttemptOutcome = { kind: "network", message: "ECONNRESET" };

describe("isRetryable", () => {
  it.each([
    ["a connection error", network, true],
    ["500", status(500), true],
    ["502", status(502), true],
    ["503", status(503), true],
    ["504 sync timeout", status(504, "sync_timeout"), true],
    ["429 rate_limit_exceeded", status(429, "rate_limit_exceeded"), true],
    ["429 insufficient_quota", status(429, "insufficient_quota"), false],
    ["400", status(400, "invalid_size"), false],
    ["401", status(401, "invalid_api_key"), false],
    ["404", status(404), false],
    ["409 idempotency conflict", status(409), false],
  ])("%s → %s", (_name, outcome, expected) => {
    expect(isRetryable(outcome)).toBe(expected);
  });
});

describe("retryDelayMs", () => {
  const policy = { ...DEFAULT_RETRY_POLICY, retries: 5, baseDelayMs: 100, maxDelayMs: 1000 };
  it.each([
    [0, 0.5, 100],
    [1, 0.5, 200],
    [2, 0.5, 400],
    [3, 0.5, 800],
    [4, 0.5, 1000],
    [0, 0, 50],
    [0, 0.999, 150],
  ])("attempt %i with random %f waits %i ms", (attempt, random, delay) => {
    expect(retryDelayMs(attempt, network, policy, () => random)).toBe(delay);
  });

  it("stops after the last retry", () => {
    expect(retryDelayMs(5, network, policy, () => 0.5)).toBeNull();
    expect(retryDelayMs(0, network, { ...policy, retries: 0 })).toBeNull();
  });

  it("never retries what cannot succeed", () => {
    expect(retryDelayMs(0, status(400), policy)).toBeNull();
  });

  it("follows Retry-After, capped", () => {
    expect(retryDelayMs(0, status(503, null, 3000), policy)).toBe(3000);
    expect(retryDelayMs(0, status(429, "rate_limit_exceeded", 600_000), policy)).toBe(60_000);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  it.each([
    ["2", 2000],
    ["0.5", 500],
    ["Wed, 01 Jan 2025 00:00:10 GMT", 10_000],
    ["Tue, 31 Dec 2024 23:59:00 GMT", 0],
    ["soon", null],
    [null, null],
  ])("reads %j as %j ms", (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });
});
