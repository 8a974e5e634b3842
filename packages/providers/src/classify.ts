/**
 * classifyResponse: an upstream's non-2xx answer → how the worker treats it,
 * in one place (like openai-node's `APIError.generate`). Reads the three
 * retry-after spellings (`retry-after-ms`, `retry-after` in seconds or as an
 * HTTP date) and each provider's error body shape (FastAPI `detail`, OpenAI
 * `error`, RFC 7807 `title`/`detail`) for a readable message.
 */
import type { ProviderErrorKind } from "./errors";

/** The verdict on one upstream answer. */
export type Classification = {
  kind: ProviderErrorKind;
  /** A more precise envelope code, when there is one. */
  code?: "upstream_auth_failed" | "upstream_error";
  retryAfterMs?: number;
  message: string;
};

/** Header lookup that works for both fetch `Headers` and plain objects. */
type HeaderSource = Headers | Record<string, string | undefined>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key ? headers[key] : undefined;
}

/** Milliseconds to wait from `retry-after-ms`, `retry-after` (seconds or date), else undefined. */
export function retryAfterMs(
  headers: HeaderSource,
  nowMs: number = Date.now(),
): number | undefined {
  const ms = header(headers, "retry-after-ms");
  if (ms && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const value = header(headers, "retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** A readable message from any of the providers' error bodies. */
export function errorMessage(body: unknown, fallback: string): string {
  if (typeof body === "string") return body.trim().slice(0, 500) || fallback;
  if (!body || typeof body !== "object") return fallback;
  const b = body as Record<string, unknown>;
  if (b.error && typeof b.error === "object") {
    const message = (b.error as Record<string, unknown>).message;
    if (typeof message === "string") return message;
  }
  if (typeof b.detail === "string") return b.detail;
  if (Array.isArray(b.detail)) {
    return b.detail
      .map((d) => {
        const item = d as { msg?: unknown; loc?: unknown };
        const loc = Array.isArray(item.loc) ? `${item.loc.join(".")}: ` : "";
        return `${loc}${String(item.msg ?? JSON.stringify(d))}`;
      })
      .join("; ");
  }
  for (const key of ["message", "title", "error"] as const) {
    if (typeof b[key] === "string") return b[key] as string;
  }
  return fallback;
}

/** True when a body says the content was refused by moderation (fal 422, OpenAI 400). */
function isContentRefusal(body: unknown): boolean {
  if (!body || typeof body !== "object") return false;
  const b = body as Record<string, unknown>;
  const error = b.error as Record<string, unknown> | undefined;
  if (error && (error.code === "moderation_blocked" || error.code === "content_policy_violation"))
    return true;
  if (Array.isArray(b.detail)) {
    return b.detail.some((d) => (d as { type?: unknown }).type === "content_policy_violation");
  }
  return false;
}

/** Classifies a non-2xx upstream answer. */
export function classifyResponse(
  status: number,
  headers: HeaderSource,
  body: unknown,
  nowMs: number = Date.now(),
): Classification {
  const message = errorMessage(body, `HTTP ${status}`);
  const wait = retryAfterMs(headers, nowMs);
  const withWait = wait !== undefined ? { retryAfterMs: wait } : {};
  if (isContentRefusal(body)) return { kind: "content_refused", message };
  if (status === 429) return { kind: "rate_limited", message, ...withWait };
  // OpenAI-style explicit steering, and fal's user-set timeouts, beat the status.
  const shouldRetry = header(headers, "x-should-retry");
  if (shouldRetry === "false") return { kind: "permanent", code: "upstream_error", message };
  if (header(headers, "x-fal-request-timeout-type") === "user") {
    return { kind: "permanent", code: "upstream_error", message };
  }
  if (shouldRetry === "true" || status === 408 || status === 409 || status >= 500) {
    return { kind: "retryable", message, ...withWait };
  }
  if (status === 401 || status === 403) {
    return {
      kind: "permanent",
      code: "upstream_auth_failed",
      message: `credentials refused (${status}): ${message}`,
    };
  }
  if (status === 402)
    return {
      kind: "permanent",
      code: "upstream_error",
      message: `insufficient credits: ${message}`,
    };
  return { kind: "permanent", code: "upstream_error", message };
}
