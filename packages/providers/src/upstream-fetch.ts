/**
 * The HTTP client of provider API calls: undici's `request` over one
 * keep-alive Agent (a connection pool per upstream origin), which skips the
 * WHATWG Request/Response/stream objects `fetch` builds on every call — on
 * the synchronous path that was a tenth of the worker's CPU
 * (docs/decisions/0015-lean-hot-path.md). Only the subset adapters use is
 * offered: status, headers, the body as text. Bodies `request` cannot send
 * as is (multipart FormData of OpenAI edits) go through the global `fetch`. Timeouts and cancels stay the caller's AbortSignal; the upstream
 * origins are the operator's configured base URLs, while URLs an upstream
 * hands out go through the guarded result fetch instead (`fetchResult`).
 */
import { Agent, request } from "undici";

/** What adapters read of an answer. */
export type UpstreamResponse = {
  ok: boolean;
  status: number;
  headers: Headers;
  text(): Promise<string>;
};

/** A call to a provider API; global `fetch` is one too. */
export type UpstreamFetch = (url: string, init: RequestInit) => Promise<UpstreamResponse>;

/** Options of `createUpstreamFetch`. */
export type UpstreamFetchOptions = {
  /** How long an idle connection is kept open. @defaultValue 10 000 ms */
  keepAliveTimeoutMs?: number;
  /** Deadline to open a connection. @defaultValue 10 000 ms */
  connectTimeoutMs?: number;
};

/** The client and the means to close its connections at shutdown. */
export type UpstreamClient = { fetch: UpstreamFetch; close(): Promise<void> };

function headersOf(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  return headers;
}

function plainHeaders(init: RequestInit["headers"]): Record<string, string> {
  if (!init) return {};
  if (init instanceof Headers || Array.isArray(init)) return Object.fromEntries(new Headers(init));
  return init as Record<string, string>;
}

/** Creates the keep-alive client of provider calls. */
export function createUpstreamFetch(options: UpstreamFetchOptions = {}): UpstreamClient {
  const agent = new Agent({
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 10_000,
    connect: { timeout: options.connectTimeoutMs ?? 10_000 },
  });

  const call: UpstreamFetch = async (url, init) => {
    const body = init.body;
    if (body !== undefined && body !== null && typeof body !== "string" && !Buffer.isBuffer(body)) {
      // Node's own FormData is a class of Node's bundled undici, not of this one's.
      return fetch(url, init);
    }
    const res = await request(url, {
      method: (init.method ?? "GET") as "GET",
      headers: plainHeaders(init.headers),
      body: body ?? null,
      signal: init.signal ?? undefined,
      dispatcher: agent,
    });
    let text: Promise<string> | undefined;
    return {
      ok: res.statusCode >= 200 && res.statusCode < 300,
      status: res.statusCode,
      headers: headersOf(res.headers),
      text: () => {
        text ??= res.body.text();
        return text;
      },
    };
  };

  return { fetch: call, close: () => agent.close() };
}
