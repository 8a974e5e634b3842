/**
 * A fake OpenAI-compatible Images API
 * (docs/providers.md#openai-compatible-upstreams): JSON
 * `POST /v1/images/generations` and multipart `POST /v1/images/edits` with a
 * Bearer key, answering synchronously with `data[].b64_json` after the task time;
 * errors in OpenAI's envelope (400 `moderation_blocked`, 429 with
 * `retry-after`, 500). `size: "auto"` (OpenAI's default) lets the fake pick one
 * of GPT image's three sizes from the prompt, as the model does, and the reply
 * names the size it made.
 */

import { type FakeRequest, type FakeResponse, startHttpFake } from "./fake-server";
import { createTaskBook, type FakeControls, fakeImage } from "./task-book";

/** A running OpenAI-compatible fake. */
export type OpenAIFake = FakeControls & {
  /** Base URL to configure as OPENAI_BASE_URL (ends in /v1). */
  url: string;
  calls: FakeRequest[];
  submits(): FakeRequest[];
  close(): Promise<void>;
};

function envelope(message: string, type: string, code: string | null, param: string | null = null) {
  return { error: { message, type, param, code } };
}

/** The fields of a JSON body or a multipart form, as plain values. */
function fieldsOf(body: unknown): Record<string, unknown> {
  if (body instanceof FormData) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of body.entries()) {
      if (typeof value !== "string") {
        out[key] = [...((out[key] as unknown[]) ?? []), value];
      } else out[key] = value;
    }
    return out;
  }
  return (body ?? {}) as Record<string, unknown>;
}

/** GPT image's sizes, picked for `size: "auto"` by what the prompt asks for. */
export function openaiAutoSize(prompt: string): [number, number] {
  if (/\b(landscape|wide|panorama)\b/i.test(prompt)) return [1536, 1024];
  if (/\b(portrait|tall)\b/i.test(prompt)) return [1024, 1536];
  return [1024, 1024];
}

/** The pixels a `size` field asks for, or null when it is not one OpenAI takes. */
function sizeOf(size: unknown, prompt: string): [number, number] | null {
  const text = String(size ?? "auto");
  if (text === "auto") return openaiAutoSize(prompt);
  const exact = /^(\d+)x(\d+)$/.exec(text);
  return exact ? [Number(exact[1]), Number(exact[2])] : null;
}

/** Starts an OpenAI-compatible fake accepting `apiKey`. */
export async function startOpenAIFake(apiKey = "sk-upstream-test"): Promise<OpenAIFake> {
  const book = createTaskBook("oai");
  const http = await startHttpFake(async (req): Promise<FakeResponse> => {
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return {
        status: 401,
        body: envelope("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"),
      };
    }
    if (
      req.method !== "POST" ||
      !["/v1/images/generations", "/v1/images/edits"].includes(req.path)
    ) {
      return {
        status: 404,
        body: envelope(
          `Unknown request URL: ${req.method} ${req.path}`,
          "invalid_request_error",
          "unknown_url",
        ),
      };
    }
    const fault = book.takeFault();
    if (fault?.status === 429) {
      return {
        status: 429,
        headers: { "retry-after": String(fault.retryAfterS ?? 1) },
        body: envelope(
          "Rate limit reached for images per minute.",
          "requests",
          "rate_limit_exceeded",
        ),
      };
    }
    if (fault)
      return {
        status: fault.status,
        body: envelope(`fake failure ${fault.status}`, "server_error", null),
      };
    const input = fieldsOf(req.body);
    if (req.path.endsWith("/edits") && !input["image[]"] && !input.image) {
      return {
        status: 400,
        body: envelope("image is required", "invalid_request_error", null, "image"),
      };
    }
    const size = sizeOf(input.size, String(input.prompt ?? ""));
    if (!size)
      return {
        status: 400,
        body: envelope("Invalid size", "invalid_request_error", "invalid_value", "size"),
      };
    const task = book.create(input);
    // Synchronous API: the answer comes when the task is done (timers may fire a hair early, so no clock check).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, task.readyAt - Date.now())));
    const state = task.outcome;
    if (state === "moderated") {
      return {
        status: 400,
        body: envelope(
          "Your request was rejected by the safety system.",
          "image_generation_user_error",
          "moderation_blocked",
        ),
      };
    }
    if (state !== "ok")
      return { status: 500, body: envelope("The server had an error.", "server_error", null) };
    const format = ["png", "jpeg", "webp"].includes(String(input.output_format))
      ? (input.output_format as "png")
      : "png";
    const n = Number(input.n ?? 1);
    const data = await Promise.all(
      Array.from({ length: n }, async (_, k) => ({
        b64_json: (await fakeImage(size[0], size[1], format, k)).toString("base64"),
      })),
    );
    return {
      status: 200,
      body: {
        created: Math.floor(Date.now() / 1000),
        data,
        output_format: format,
        size: `${size[0]}x${size[1]}`,
      },
    };
  });
  return Object.assign(book.controls, {
    url: `${http.url}/v1`,
    calls: http.calls,
    submits: () => http.calls.filter((c) => c.method === "POST"),
    close: http.close,
  });
}
