/**
 * The CLI's HTTP client of the gateway: JSON and multipart calls with the
 * bearer key, retried with backoff on connection errors and 5xx (retry.ts),
 * answers read by answer.ts, and image downloads (links or base64).
 *
 * A POST is retried only when it is safe: it carries an Idempotency-Key (the
 * same key on every attempt, so the gateway hands back the job it already
 * made) or the caller says a repeat is harmless. GETs are always retried.
 */
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { ApiError, type RawAnswer, readAnswer } from "./answer";
import {
  type AttemptOutcome,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  type RetryPolicy,
  retryDelayMs,
} from "./retry";
import type { Settings } from "./settings";

export { ApiError, type JsonObject } from "./answer";

/** Options of one call. */
export type CallOptions = {
  /** Sent as `Idempotency-Key`; makes a POST safe to retry. */
  idempotencyKey?: string;
  /** Retry a POST without an Idempotency-Key (a repeat is harmless). @defaultValue false */
  retry?: boolean;
  headers?: Record<string, string>;
};

/** Client options (injectable for tests). */
export type ClientOptions = {
  fetch?: typeof fetch;
  /** Retry limits; `retries: 0` turns retrying off. */
  retry?: Partial<RetryPolicy>;
  /** Told about each retry (the CLI prints it on stderr). */
  onRetry?: (message: string) => void;
  sleep?: (ms: number) => Promise<void>;
};

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function describeOutcome(outcome: AttemptOutcome): string {
  return outcome.kind === "network" ? outcome.message : `HTTP ${outcome.status}`;
}

function networkMessage(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

async function rawOf(res: Response, url: string): Promise<RawAnswer> {
  return {
    url,
    status: res.status,
    statusText: res.statusText,
    contentType: res.headers.get("content-type"),
    text: await res.text(),
  };
}

/** Creates a client for `settings`. */
export function createClient(settings: Settings, options: ClientOptions = {}) {
  const fetchImpl = options.fetch ?? fetch;
  const sleep = options.sleep ?? wait;
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    retries: settings.retries,
    ...options.retry,
  };
  const auth: Record<string, string> = settings.apiKey
    ? { authorization: `Bearer ${settings.apiKey}` }
    : {};

  /** One request with its retries; `read` turns a response into the result or throws ApiError. */
  async function request<T>(
    url: string,
    init: RequestInit,
    retry: boolean,
    read: (res: Response) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let outcome: AttemptOutcome;
      let failure: Error;
      let res: Response | undefined;
      try {
        res = await fetchImpl(url, init);
        return await read(res);
      } catch (err) {
        if ((err as Error).name === "AbortError") throw err;
        if (err instanceof ApiError) {
          failure = err;
          outcome = {
            kind: "status",
            status: err.status,
            code: err.code,
            retryAfterMs: parseRetryAfter(res?.headers.get("retry-after") ?? null),
          };
        } else {
          outcome = { kind: "network", message: networkMessage(err) };
          failure = new Error(`could not reach ${url}: ${outcome.message}`);
        }
      }
      const delay = retry ? retryDelayMs(attempt, outcome, policy) : null;
      if (delay === null) throw failure;
      options.onRetry?.(
        `${describeOutcome(outcome)} from ${new URL(url).pathname}; ` +
          `retry ${attempt + 1}/${policy.retries} in ${(delay / 1000).toFixed(1)} s`,
      );
      await sleep(delay);
    }
  }

  const json = (path: string, init: RequestInit, retry: boolean) => {
    const url = `${settings.url}${path}`;
    return request(url, init, retry, async (res) => readAnswer(await rawOf(res, url)));
  };
  const download = (url: string, init: RequestInit) =>
    request(url, init, true, async (res) => {
      if (!res.ok) readAnswer(await rawOf(res, url));
      return Buffer.from(await res.arrayBuffer());
    });
  const headers = (opts: CallOptions, extra: Record<string, string> = {}) => ({
    ...auth,
    ...extra,
    ...(opts.idempotencyKey ? { "idempotency-key": opts.idempotencyKey } : {}),
    ...opts.headers,
  });
  const safe = (opts: CallOptions) => !!opts.idempotencyKey || opts.retry === true;

  return {
    post: (path: string, body: unknown, opts: CallOptions = {}) =>
      json(
        path,
        {
          method: "POST",
          headers: headers(opts, { "content-type": "application/json" }),
          body: JSON.stringify(body),
        },
        safe(opts),
      ),
    /** A multipart POST; the FormData is serialized again on each attempt. */
    postForm: (path: string, form: FormData, opts: CallOptions = {}) =>
      json(path, { method: "POST", headers: headers(opts), body: form }, safe(opts)),
    get: (path: string) => json(path, { headers: headers({}) }, true),
    /**
     * The lines of an API path's content (a batch output file), streamed: the
     * request is retried until it answers; the body is read as it arrives.
     */
    async *lines(path: string): AsyncGenerator<string> {
      const url = `${settings.url}${path}`;
      const res = await request(url, { headers: headers({}) }, true, async (r) => {
        if (!r.ok) readAnswer(await rawOf(r, url));
        return r;
      });
      if (!res.body) return;
      const input = Readable.fromWeb(res.body as import("node:stream/web").ReadableStream);
      try {
        yield* createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
      } finally {
        input.destroy();
      }
    },
    /** The bytes of an image item: its base64, or its link fetched (signed: no key sent). */
    async image(item: { url?: string; b64_json?: string }): Promise<Buffer> {
      if (item.b64_json) return Buffer.from(item.b64_json, "base64");
      if (!item.url) throw new Error("an image came back without url or b64_json");
      return download(item.url, {});
    },
  };
}

/** A gateway client. */
export type Client = ReturnType<typeof createClient>;
