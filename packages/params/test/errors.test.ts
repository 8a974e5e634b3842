import { ERROR_CODES, fromZodError, GatewayError } from "@imagegate/params";
import { z } from "zod";

describe("GatewayError", () => {
  it.each([
    ["invalid_value", 400, "invalid_request_error"],
    ["invalid_api_key", 401, "authentication_error"],
    ["model_not_found", 404, "invalid_request_error"],
    ["idempotency_conflict", 409, "invalid_request_error"],
    ["payload_too_large", 413, "invalid_request_error"],
    ["unsupported_media_type", 415, "invalid_request_error"],
    ["content_policy_violation", 422, "invalid_request_error"],
    ["rate_limit_exceeded", 429, "rate_limit_error"],
    ["internal_error", 500, "server_error"],
    ["upstream_error", 502, "upstream_error"],
    ["upstream_unavailable", 503, "upstream_error"],
    ["sync_timeout", 504, "timeout_error"],
  ] as const)("maps %s to %i %s", (code, status, type) => {
    const err = new GatewayError(code, "m");
    expect([err.status, err.type]).toEqual([status, type]);
    expect(ERROR_CODES[code]).toEqual([status, type]);
  });

  it("builds the OpenAI envelope", () => {
    const err = GatewayError.invalidRequest("size", "bad size", "invalid_size");
    expect(err.toEnvelope()).toEqual({
      error: {
        message: "bad size",
        type: "invalid_request_error",
        param: "size",
        code: "invalid_size",
      },
    });
  });

  it("makes 404s naming the model for models only", () => {
    expect(GatewayError.notFound("model", "x").toEnvelope().error).toMatchObject({
      code: "model_not_found",
      param: "model",
    });
    expect(GatewayError.notFound("job", "job_1").toEnvelope().error).toMatchObject({
      code: "not_found",
      param: null,
    });
  });

  it("rounds Retry-After up to whole seconds", () => {
    expect(GatewayError.rateLimited(2.2).headers).toEqual({ "retry-after": "3" });
    expect(GatewayError.rateLimited(0).headers).toEqual({ "retry-after": "1" });
  });

  it("keeps the cause", () => {
    const cause = new Error("root");
    expect(new GatewayError("internal_error", "x", null, { cause }).cause).toBe(cause);
  });
});

describe("fromZodError", () => {
  const schema = z.object({ a: z.object({ b: z.number() }), c: z.string() });

  it("names the nested path of the first issue", () => {
    const result = schema.safeParse({ a: { b: "x" }, c: "ok" });
    if (result.success) throw new Error("expected failure");
    expect(fromZodError(result.error)).toMatchObject({
      status: 400,
      code: "invalid_value",
      param: "a.b",
    });
  });

  it("reports a missing field as missing_required_parameter", () => {
    const result = schema.safeParse({ a: { b: 1 } });
    if (result.success) throw new Error("expected failure");
    const err = fromZodError(result.error);
    expect(err).toMatchObject({ code: "missing_required_parameter", param: "c" });
    expect(err.message).toContain("'c'");
  });

  it("prefixes the path when asked", () => {
    const result = schema.safeParse({ a: { b: 1 } });
    if (result.success) throw new Error("expected failure");
    expect(fromZodError(result.error, "body").param).toBe("body.c");
  });
});
