/**
 * GatewayError: the one error type that crosses layers. Its `code` picks the
 * HTTP status and OpenAI error `type` from one table, so a code never appears
 * with two different statuses. The API's error handler turns it into the
 * OpenAI envelope; failed jobs store that same envelope body.
 */
import type { ZodError } from "zod";

/** OpenAI error envelope body: `{"error": {...}}`. */
export type ErrorEnvelope = {
  error: { message: string; type: string; param: string | null; code: string | null };
};

/** Every error code the gateway emits, with its HTTP status and OpenAI error type. */
export const ERROR_CODES = {
  invalid_request: [400, "invalid_request_error"],
  invalid_json: [400, "invalid_request_error"],
  missing_required_parameter: [400, "invalid_request_error"],
  invalid_value: [400, "invalid_request_error"],
  invalid_size: [400, "invalid_request_error"],
  invalid_image: [400, "invalid_request_error"],
  invalid_url: [400, "invalid_request_error"],
  parameter_coerced: [400, "invalid_request_error"],
  unsupported_parameter: [400, "invalid_request_error"],
  invalid_api_key: [401, "authentication_error"],
  invalid_callback: [401, "authentication_error"],
  model_not_allowed: [403, "permission_error"],
  not_found: [404, "invalid_request_error"],
  model_not_found: [404, "invalid_request_error"],
  job_not_finished: [409, "invalid_request_error"],
  job_already_final: [409, "invalid_request_error"],
  idempotency_conflict: [409, "invalid_request_error"],
  payload_too_large: [413, "invalid_request_error"],
  unsupported_media_type: [415, "invalid_request_error"],
  content_policy_violation: [422, "invalid_request_error"],
  rate_limit_exceeded: [429, "rate_limit_error"],
  insufficient_quota: [429, "insufficient_quota"],
  internal_error: [500, "server_error"],
  processing_interrupted: [500, "server_error"],
  upstream_error: [502, "upstream_error"],
  upstream_auth_failed: [502, "upstream_error"],
  upstream_invalid_image: [502, "upstream_error"],
  upstream_unavailable: [503, "upstream_error"],
  storage_unavailable: [503, "server_error"],
  no_provider: [503, "server_error"],
  canceled: [409, "invalid_request_error"],
  batch_cancelled: [409, "invalid_request_error"],
  batch_expired: [409, "invalid_request_error"],
  timeout: [504, "timeout_error"],
  sync_timeout: [504, "timeout_error"],
  upstream_timeout: [504, "timeout_error"],
} as const satisfies Record<string, readonly [number, string]>;

/** A known error code (the envelope's `code`). */
export type ErrorCode = keyof typeof ERROR_CODES;

/** A typed error with an HTTP status, OpenAI type, code and the offending parameter. */
export class GatewayError extends Error {
  override readonly name = "GatewayError";
  readonly status: number;
  readonly type: string;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly param: string | null = null,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, { cause: options?.cause });
    const [status, type] = ERROR_CODES[code];
    this.status = status;
    this.type = type;
    this.headers = options?.headers ?? {};
  }

  /** Extra response headers (for example `Retry-After`). */
  readonly headers: Record<string, string>;

  /** 400 naming the parameter. */
  static invalidRequest(param: string | null, message: string, code: ErrorCode = "invalid_value") {
    return new GatewayError(code, message, param);
  }

  /** 404 for an unknown job, batch, file or model. */
  static notFound(kind: string, id: string) {
    const code = kind === "model" ? "model_not_found" : "not_found";
    return new GatewayError(
      code,
      `No ${kind} found with id '${id}'.`,
      kind === "model" ? "model" : null,
    );
  }

  /** 429 with a Retry-After in seconds. */
  static rateLimited(retryAfterS: number, message = "Rate limit exceeded; retry later.") {
    return new GatewayError("rate_limit_exceeded", message, null, {
      headers: { "retry-after": String(Math.max(1, Math.ceil(retryAfterS))) },
    });
  }

  /** An envelope stored earlier (a failed job's), answered exactly as stored. */
  private stored: ErrorEnvelope["error"] | undefined;

  /**
   * The error a stored envelope body stands for, such as a failed job's: its
   * code's status (500 for a code the table does not know), and the same
   * body when answered again.
   */
  static fromEnvelope(body: ErrorEnvelope["error"]): GatewayError {
    const known = body.code !== null && body.code in ERROR_CODES;
    const error = new GatewayError(
      known ? (body.code as ErrorCode) : "internal_error",
      body.message,
      body.param,
    );
    error.stored = body;
    return error;
  }

  /** The OpenAI envelope body for this error. */
  toEnvelope(): ErrorEnvelope {
    if (this.stored) return { error: this.stored };
    return {
      error: { message: this.message, type: this.type, param: this.param, code: this.code },
    };
  }
}

/** A zod validation failure as a 400 naming the first failing field. */
export function fromZodError(error: ZodError, prefix?: string): GatewayError {
  const issue = error.issues[0];
  if (!issue) return new GatewayError("invalid_request", "Invalid request.");
  const path = [...(prefix ? [prefix] : []), ...issue.path.map(String)].join(".") || null;
  const missing = issue.code === "invalid_type" && /received undefined/.test(issue.message);
  const message = missing
    ? `Missing required parameter: '${path}'.`
    : `Invalid value for '${path ?? "body"}': ${issue.message}`;
  return new GatewayError(missing ? "missing_required_parameter" : "invalid_value", message, path);
}
