/**
 * The CLI's HTTP client of the gateway: JSON and multipart calls with the
 * bearer key, errors turned into messages from the OpenAI envelope, and image
 * downloads (links or base64).
 */
import type { Settings } from "./settings";

/** An error answer of the gateway. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

/** A loosely typed JSON answer. */
export type JsonObject = Record<string, unknown>;

/** Creates a client for `settings`. */
export function createClient(settings: Settings, fetchImpl: typeof fetch = fetch) {
  const headers = (extra: Record<string, string> = {}) => ({
    ...(settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : {}),
    ...extra,
  });
  async function call(path: string, init: RequestInit): Promise<JsonObject> {
    const res = await fetchImpl(`${settings.url}${path}`, init);
    const text = await res.text();
    const body = text ? (JSON.parse(text) as JsonObject) : {};
    if (!res.ok) {
      const error = (body.error ?? {}) as { message?: string; code?: string };
      throw new ApiError(res.status, error.message ?? `HTTP ${res.status}`, error.code ?? null);
    }
    return body;
  }
  return {
    post: (path: string, body: unknown, extra: Record<string, string> = {}) =>
      call(path, {
        method: "POST",
        headers: headers({ "content-type": "application/json", ...extra }),
        body: JSON.stringify(body),
      }),
    postForm: (path: string, form: FormData) =>
      call(path, { method: "POST", headers: headers(), body: form }),
    get: (path: string) => call(path, { headers: headers() }),
    /** The bytes of an image item: its base64, or its link fetched. */
    async image(item: { url?: string; b64_json?: string }): Promise<Buffer> {
      if (item.b64_json) return Buffer.from(item.b64_json, "base64");
      if (!item.url) throw new Error("an image came back without url or b64_json");
      const res = await fetchImpl(item.url);
      if (!res.ok) throw new Error(`downloading ${item.url} answered HTTP ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    },
  };
}

export type Client = ReturnType<typeof createClient>;
