/**
 * HTTP for adapters: JSON calls that turn every failure into a
 * ProviderError (through `classifyResponse`, or `retryable` for network
 * errors), and size-capped downloads of result images (upstream URLs expire,
 * so they are fetched at once; data: URIs from fal's `sync_mode` too) through
 * the context's guarded `fetchResult`.
 */
import type { ProviderId } from "@imagegate/params";
import { classifyResponse } from "./classify";
import { ProviderError } from "./errors";
import type { ProviderContext } from "./types";
import type { UpstreamResponse } from "./upstream-fetch";

/** Largest result image accepted from an upstream. */
export const MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024;

/** A parsed upstream answer. */
export type JsonResponse = { status: number; headers: Headers; body: unknown };

/**
 * True for an abort (cancel) or a timeout. Checked by name, not `instanceof`:
 * the DOMException an AbortSignal throws may come from another realm.
 */
export function isAbortError(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  return name === "AbortError" || name === "TimeoutError";
}

async function readBody(res: UpstreamResponse): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Sends a request; a non-2xx answer or a network error throws ProviderError. Aborts rethrow as is. */
export async function requestJson(
  provider: ProviderId,
  ctx: Pick<ProviderContext, "fetch" | "signal">,
  url: string,
  init: RequestInit = {},
): Promise<JsonResponse> {
  let res: UpstreamResponse;
  try {
    res = await ctx.fetch(url, { ...init, signal: ctx.signal });
  } catch (err) {
    if (isAbortError(err) || ctx.signal.aborted) throw ctx.signal.reason ?? err;
    throw new ProviderError(
      provider,
      "retryable",
      `cannot reach ${new URL(url).host}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const body = await readBody(res);
  if (res.ok) return { status: res.status, headers: res.headers, body };
  const verdict = classifyResponse(res.status, res.headers, body);
  throw new ProviderError(provider, verdict.kind, verdict.message, {
    upstreamStatus: res.status,
    retryAfterMs: verdict.retryAfterMs,
    code: verdict.code,
  });
}

/** Downloads an image (http(s) or data: URI) up to `maxBytes`; returns its bytes and type. */
export async function downloadImage(
  provider: ProviderId,
  ctx: Pick<ProviderContext, "fetchResult" | "signal">,
  url: string,
  maxBytes: number = MAX_DOWNLOAD_BYTES,
): Promise<{ data: Buffer; contentType: string | undefined }> {
  const dataUri = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(url);
  if (dataUri) {
    const data = Buffer.from(dataUri[3] ?? "", dataUri[2] ? "base64" : "utf8");
    if (data.length > maxBytes)
      throw new ProviderError(provider, "permanent", "result image too large");
    return { data, contentType: dataUri[1] };
  }
  let res: Response;
  try {
    res = await ctx.fetchResult(url, { signal: ctx.signal });
  } catch (err) {
    if (isAbortError(err) || ctx.signal.aborted) throw ctx.signal.reason ?? err;
    // A refused URL (untrusted host, private address) is final: retrying cannot change it.
    if (err instanceof ProviderError) throw err;
    throw new ProviderError(
      provider,
      "retryable",
      `cannot download the result: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (!res.ok || !res.body) {
    // An expired or vanished result link is the upstream's failure to deliver: retry (resume) it.
    throw new ProviderError(
      provider,
      res.status >= 500 || res.status === 404 ? "retryable" : "permanent",
      `result download failed: HTTP ${res.status}`,
      { upstreamStatus: res.status },
    );
  }
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > maxBytes)
    throw new ProviderError(provider, "permanent", `result image over ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > maxBytes)
      throw new ProviderError(provider, "permanent", `result image over ${maxBytes} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return { data: Buffer.concat(chunks), contentType: res.headers.get("content-type") ?? undefined };
}

/** Parses an upstream reply with `schema`; an unexpected shape is a retryable upstream fault. */
export function parseReply<T>(
  provider: ProviderId,
  schema: {
    safeParse(value: unknown): { success: true; data: T } | { success: false; error: Error };
  },
  body: unknown,
  what: string,
): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new ProviderError(
      provider,
      "retryable",
      `unexpected ${what} reply: ${result.error.message.slice(0, 200)}`,
    );
  }
  return result.data;
}
