import { classifyResponse, errorMessage, retryAfterMs } from "@imagegate/providers";

const now = Date.parse("2026-01-01T00:00:00Z");

describe("retryAfterMs", () => {
  it.each([
    [{ "retry-after-ms": "1500" }, 1500],
    [{ "Retry-After": "3" }, 3000],
    [{ "retry-after": "0.5" }, 500],
    [{ "retry-after": "Thu, 01 Jan 2026 00:00:10 GMT" }, 10_000],
    [{ "retry-after": "Wed, 31 Dec 2025 23:00:00 GMT" }, 0],
    [{ "retry-after-ms": "250", "retry-after": "9" }, 250],
    [{ "retry-after": "soon" }, undefined],
    [{}, undefined],
  ])("reads %j as %s ms", (headers, ms) => {
    expect(retryAfterMs(headers, now)).toBe(ms);
    expect(retryAfterMs(new Headers(headers as Record<string, string>), now)).toBe(ms);
  });
});

describe("classifyResponse", () => {
  it.each([
    [429, { "retry-after": "2" }, { detail: "Request was throttled." }, "rate_limited", 2000],
    [500, {}, "oops", "retryable", undefined],
    [502, {}, null, "retryable", undefined],
    [503, { "retry-after": "1" }, {}, "retryable", 1000],
    [504, {}, {}, "retryable", undefined],
    [408, {}, {}, "retryable", undefined],
    [400, {}, { detail: "bad" }, "permanent", undefined],
    [
      422,
      {},
      {
        detail: [{ loc: ["body", "width"], msg: "must be a multiple of 16", type: "value_error" }],
      },
      "permanent",
      undefined,
    ],
    [401, {}, { detail: "Invalid key" }, "permanent", undefined],
    [403, {}, {}, "permanent", undefined],
    [402, {}, {}, "permanent", undefined],
    [404, {}, {}, "permanent", undefined],
    [500, { "x-should-retry": "false" }, {}, "permanent", undefined],
    [400, { "x-should-retry": "true" }, {}, "retryable", undefined],
    [504, { "x-fal-request-timeout-type": "user" }, {}, "permanent", undefined],
  ])("classifies %i %j as %s", (status, headers, body, kind, wait) => {
    const verdict = classifyResponse(status, headers, body, now);
    expect(verdict.kind).toBe(kind);
    expect(verdict.retryAfterMs).toBe(wait);
  });

  it("recognises content refusals from fal and OpenAI", () => {
    const fal = {
      detail: [{ loc: ["body", "prompt"], msg: "flagged", type: "content_policy_violation" }],
    };
    expect(classifyResponse(422, {}, fal).kind).toBe("content_refused");
    const openai = {
      error: {
        message: "rejected by the safety system",
        code: "moderation_blocked",
        type: "image_generation_user_error",
      },
    };
    expect(classifyResponse(400, {}, openai).kind).toBe("content_refused");
  });

  it("marks refused credentials", () => {
    expect(classifyResponse(401, {}, { detail: "bad key" })).toMatchObject({
      code: "upstream_auth_failed",
    });
    expect(classifyResponse(401, {}, { detail: "bad key" }).message).toMatch(
      /credentials refused \(401\): bad key/,
    );
  });
});

describe("errorMessage", () => {
  it.each([
    [{ error: { message: "openai says" } }, "openai says"],
    [{ detail: "fastapi string" }, "fastapi string"],
    [
      { detail: [{ loc: ["body", "prompt"], msg: "field required" }] },
      "body.prompt: field required",
    ],
    [{ title: "Unauthenticated", detail: 5 }, "Unauthenticated"],
    [{ error: "rate_limit_exceeded", message: "slow down" }, "slow down"],
    ["plain text", "plain text"],
    [null, "fallback"],
  ])("reads %j", (body, message) => {
    expect(errorMessage(body, "fallback")).toBe(message);
  });
});
