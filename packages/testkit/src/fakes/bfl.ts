/**
 * A fake Black Forest Labs API (docs/providers.md#black-forest-labs): `POST
 * /v1/<model>` with `x-key`, answering `{id, polling_url}` where the polling
 * URL is on another origin (as api.bfl.ai hands out api.us3.bfl.ai), which
 * reports Pending → Ready with `result.sample` (or a moderation or error
 * status), and serves the sample. Sizes are checked as BFL does (multiples of
 * 16, ≥ 64, ≤ 4 MP). A submit naming `webhook_url` gets no `polling_url` and
 * a POST of the finished task, with `X-Webhook-Secret`, when it ends. The ready result carries the prompt BFL used: the one
 * sent, or an upsampled one when `prompt_upsampling` is on.
 */

import { type FakeRequest, type FakeResponse, startHttpFake } from "./fake-server";
import { createTaskBook, type FakeControls, type FakeTask, fakeImage } from "./task-book";

/** A running BFL fake. */
export type BflFake = FakeControls & {
  /** Base URL to configure as BFL_BASE_URL. */
  url: string;
  /** Origin of the polling and delivery host. */
  regionUrl: string;
  calls: FakeRequest[];
  /** Calls to the polling and delivery host. */
  regionCalls: FakeRequest[];
  /** The submit calls only. */
  submits(): FakeRequest[];
  close(): Promise<void>;
};

function sizeProblem(input: Record<string, unknown>): string | null {
  const { width, height } = input as { width?: number; height?: number };
  if (width === undefined && height === undefined) return null;
  for (const [name, v] of [
    ["width", width],
    ["height", height],
  ] as const) {
    if (typeof v !== "number" || v < 64 || v % 16 !== 0)
      return `${name}: must be a multiple of 16 and at least 64`;
  }
  return (width as number) * (height as number) > 4_194_304
    ? "width: output must be at most 4 megapixels"
    : null;
}

/** What the fake's prompt upsampling makes of `prompt` (BFL rewrites it with more detail). */
export function bflUpsampledPrompt(prompt: string): string {
  return `${prompt}, richly detailed, soft natural light, sharp focus`;
}

/** Starts a BFL fake accepting `apiKey`. */
export async function startBflFake(apiKey = "bfl-test-key"): Promise<BflFake> {
  const book = createTaskBook("bfl");
  const unauthorized = (req: FakeRequest): FakeResponse | null =>
    req.headers["x-key"] === apiKey
      ? null
      : { status: 401, body: { detail: "Invalid or missing API key" } };

  /** `GET /v1/get_result?id=`: on the region host (polling_url), and on the API host (a callback submit's fallback). */
  const getResult = async (req: FakeRequest, deliveryOrigin: string): Promise<FakeResponse> => {
    const denied = unauthorized(req);
    if (denied) return denied;
    const pollFault = book.takePollFault(req.query.get("id") ?? "");
    if (pollFault) return { status: pollFault, body: { detail: `fake failure ${pollFault}` } };
    const task = book.find(req.query.get("id") ?? "");
    if (!task)
      return {
        status: 200,
        body: { id: req.query.get("id"), status: "Task not found", result: null },
      };
    return { status: 200, body: resultOf(task, deliveryOrigin) };
  };

  /** The ResultResponse of a task as it is now. */
  const resultOf = (task: FakeTask, deliveryOrigin: string): Record<string, unknown> => {
    const state = book.stateOf(task);
    const base = { id: task.id, details: null, preview: null };
    if (state === "pending")
      return { ...base, status: "Pending", result: null, progress: book.progressOf(task) };
    if (state === "moderated") {
      return {
        ...base,
        status: "Content Moderated",
        result: null,
        details: { "Moderation Reasons": ["Derivative Works Filter"] },
      };
    }
    if (state === "failed" || state === "canceled")
      return { ...base, status: "Error", result: null };
    const format = task.input.output_format === "png" ? "png" : "jpeg";
    return {
      ...base,
      status: "Ready",
      progress: 1,
      result: {
        sample: `${deliveryOrigin}/delivery/${task.id}.${format}`,
        prompt:
          task.input.prompt_upsampling === true
            ? bflUpsampledPrompt(String(task.input.prompt))
            : task.input.prompt,
        seed: task.input.seed ?? 1,
      },
    };
  };

  const region = await startHttpFake(async (req, origin): Promise<FakeResponse> => {
    if (req.method === "GET" && req.path === "/v1/get_result") return getResult(req, origin);
    const delivery = /^\/delivery\/([^/.]+)\.(png|jpeg)$/.exec(req.path);
    if (req.method === "GET" && delivery) {
      const task = book.find(delivery[1] as string);
      if (!task) return { status: 404, body: { detail: "gone" } };
      const fault = await book.takeDownloadFault();
      if (fault) return { status: fault, body: { detail: `fake failure ${fault}` } };
      const {
        width = 1024,
        height = 768,
        seed = 0,
      } = task.input as { width?: number; height?: number; seed?: number };
      const format = delivery[2] as "png" | "jpeg";
      return {
        status: 200,
        headers: { "content-type": `image/${format}` },
        raw: await fakeImage(width, height, format, seed),
      };
    }
    return { status: 404, body: { detail: "Not Found" } };
  });

  const api = await startHttpFake((req) => {
    if (req.method === "GET" && req.path === "/v1/get_result") return getResult(req, region.url);
    const submit = /^\/v1\/(flux-[a-z0-9.-]+)$/.exec(req.path);
    if (req.method !== "POST" || !submit) return { status: 404, body: { detail: "Not Found" } };
    const denied = unauthorized(req);
    if (denied) return denied;
    const fault = book.takeFault();
    if (fault?.status === 429) {
      return {
        status: 429,
        headers: { "retry-after": String(fault.retryAfterS ?? 1) },
        body: { detail: "You have exceeded the number of active tasks allowed." },
      };
    }
    if (fault) return { status: fault.status, body: { detail: `fake failure ${fault.status}` } };
    const input = (req.body ?? {}) as Record<string, unknown>;
    if (typeof input.prompt !== "string") {
      return {
        status: 422,
        body: {
          detail: [{ loc: ["body", "prompt"], msg: "field required", type: "value_error.missing" }],
        },
      };
    }
    const problem = sizeProblem(input);
    if (problem)
      return {
        status: 422,
        body: {
          detail: [{ loc: ["body", problem.split(":")[0]], msg: problem, type: "value_error" }],
        },
      };
    const { webhook_url: webhookUrl, webhook_secret: webhookSecret, ...params } = input;
    const task = book.create(params);
    if (typeof webhookUrl === "string") {
      // As the official SDK describes it: the finished task, with our secret echoed back.
      book.callbackWhenDone(task, async () => {
        return fetch(webhookUrl, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(typeof webhookSecret === "string" ? { "x-webhook-secret": webhookSecret } : {}),
          },
          body: JSON.stringify(resultOf(task, region.url)),
        });
      });
      // With a webhook, BFL answers AsyncWebhookResponse: no polling_url.
      return { status: 200, body: { id: task.id, status: "Pending", webhook_url: webhookUrl } };
    }
    return {
      status: 200,
      body: {
        id: task.id,
        polling_url: `${region.url}/v1/get_result?id=${task.id}`,
        cost: 6.0,
        input_mp: null,
        output_mp: 1.0,
      },
    };
  });

  return Object.assign(book.controls, {
    url: api.url,
    regionUrl: region.url,
    calls: api.calls,
    regionCalls: region.calls,
    submits: () => api.calls.filter((c) => c.method === "POST"),
    async close() {
      book.stopCallbacks();
      await Promise.all([api.close(), region.close()]);
    },
  });
}
