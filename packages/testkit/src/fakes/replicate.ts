/**
 * A fake Replicate API (docs/providers.md#replicate): `POST
 * /v1/models/{owner}/{name}/predictions` with a Bearer token answers 201 and
 * the prediction; `urls.get` moves starting → processing → succeeded (one
 * output URL string) or failed (free-text error, NSFW wording for
 * moderation); `urls.cancel` cancels. Inputs are checked against the FLUX.2
 * schema (ratio enum, custom 256–2048, output_format webp|jpg|png). A
 * prediction created with `webhook` and `webhook_events_filter: ["completed"]`
 * is posted there when it ends, signed per Standard Webhooks with the account
 * secret that `GET /v1/webhooks/default/secret` returns.
 */

import { randomBytes, randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { type FakeRequest, type FakeResponse, startHttpFake } from "./fake-server";
import { createTaskBook, type FakeControls, type FakeTask, fakeImage } from "./task-book";

/** A running Replicate fake. */
export type ReplicateFake = FakeControls & {
  url: string;
  calls: FakeRequest[];
  submits(): FakeRequest[];
  cancels: string[];
  /** The account's webhook signing secret (`whsec_…`). */
  webhookSecret: string;
  close(): Promise<void>;
};

const RATIOS = [
  "match_input_image",
  "custom",
  "1:1",
  "16:9",
  "3:2",
  "2:3",
  "4:5",
  "5:4",
  "9:16",
  "3:4",
  "4:3",
];
const RESOLUTIONS: Record<string, number> = { "0.5 MP": 0.5, "1 MP": 1, "2 MP": 2, "4 MP": 4 };

/** The pixels Replicate would make for an input (presets rounded to 16, as its models do). */
function outputSize(input: Record<string, unknown>): { width: number; height: number } {
  if (input.aspect_ratio === "custom")
    return { width: input.width as number, height: input.height as number };
  const [w, h] = String(input.aspect_ratio ?? "1:1")
    .split(":")
    .map(Number) as [number, number];
  const pixels = (RESOLUTIONS[String(input.resolution ?? "1 MP")] ?? 1) * 1024 * 1024;
  const height = Math.round(Math.sqrt((pixels * h) / w) / 16) * 16;
  return { width: Math.round((height * w) / h / 16) * 16, height };
}

function problem(input: Record<string, unknown>): string | null {
  if (typeof input.prompt !== "string") return "prompt is required";
  if (input.aspect_ratio !== undefined && !RATIOS.includes(String(input.aspect_ratio)))
    return "aspect_ratio is not a valid choice";
  if (input.resolution !== undefined && !(String(input.resolution) in RESOLUTIONS))
    return "resolution is not a valid choice";
  if (
    input.output_format !== undefined &&
    !["webp", "jpg", "png"].includes(String(input.output_format))
  ) {
    return "output_format must be one of webp, jpg, png";
  }
  if (input.aspect_ratio === "custom") {
    for (const v of [input.width, input.height]) {
      if (typeof v !== "number" || v < 256 || v > 2048)
        return "width and height must be 256–2048 with aspect_ratio custom";
    }
  }
  return null;
}

/** Starts a Replicate fake accepting `token`. */
export async function startReplicateFake(token = "r8_test_token"): Promise<ReplicateFake> {
  const book = createTaskBook("rep");
  const cancels: string[] = [];
  const webhookSecret = `whsec_${randomBytes(24).toString("base64")}`;
  const signer = new Webhook(webhookSecret);
  const view = (task: FakeTask, origin: string) => {
    const state = book.stateOf(task);
    const format = String(task.input.output_format ?? "webp");
    const base = {
      id: task.id,
      model: "black-forest-labs/flux-2-max",
      version: "hidden",
      input: task.input,
      logs: "",
      error: null as string | null,
      output: null as string | null,
      created_at: new Date(task.createdAt).toISOString(),
      urls: {
        get: `${origin}/v1/predictions/${task.id}`,
        cancel: `${origin}/v1/predictions/${task.id}/cancel`,
      },
    };
    switch (state) {
      case "pending":
        return { ...base, status: Date.now() - task.createdAt < 5 ? "starting" : "processing" };
      case "canceled":
        return { ...base, status: "canceled" };
      case "moderated":
        return {
          ...base,
          status: "failed",
          error: "NSFW content detected. Try running it again, or try a different prompt.",
        };
      case "failed":
        return {
          ...base,
          status: "failed",
          error: "CUDA error: an illegal memory access was encountered",
        };
      default:
        return { ...base, status: "succeeded", output: `${origin}/files/${task.id}.${format}` };
    }
  };

  const http = await startHttpFake(async (req, origin): Promise<FakeResponse> => {
    const file = /^\/files\/([^/.]+)\.(webp|jpg|png)$/.exec(req.path);
    if (req.method === "GET" && file) {
      const task = book.find(file[1] as string);
      if (!task) return { status: 404, body: { detail: "Not found" } };
      const fault = await book.takeDownloadFault();
      if (fault) return { status: fault, body: { detail: `fake failure ${fault}` } };
      const { width, height } = outputSize(task.input);
      const format = file[2] === "jpg" ? "jpeg" : (file[2] as "webp" | "png");
      return {
        status: 200,
        headers: { "content-type": `image/${format}` },
        raw: await fakeImage(width, height, format),
      };
    }
    if (req.headers.authorization !== `Bearer ${token}`) {
      return {
        status: 401,
        body: {
          title: "Unauthenticated",
          detail: "You did not pass a valid authentication token",
          status: 401,
        },
      };
    }
    if (req.method === "GET" && req.path === "/v1/webhooks/default/secret") {
      return { status: 200, body: { key: webhookSecret } };
    }
    const prediction = /^\/v1\/predictions\/([^/]+)(\/cancel)?$/.exec(req.path);
    if (prediction) {
      const task = book.find(prediction[1] as string);
      if (!task)
        return {
          status: 404,
          body: { title: "Not found", detail: "Prediction not found", status: 404 },
        };
      const pollFault = req.method === "GET" ? book.takePollFault(task.id) : undefined;
      if (pollFault)
        return {
          status: pollFault,
          body: { title: "Error", detail: `fake failure ${pollFault}`, status: pollFault },
        };
      if (prediction[2] && req.method === "POST") {
        if (book.stateOf(task) === "pending") {
          task.canceled = true;
          cancels.push(task.id);
        }
      }
      return { status: 200, body: view(task, origin) };
    }
    if (req.method !== "POST" || !/^\/v1\/models\/[^/]+\/[^/]+\/predictions$/.test(req.path)) {
      return { status: 404, body: { title: "Not found", detail: "Not found", status: 404 } };
    }
    const fault = book.takeFault();
    if (fault?.status === 429) {
      const s = fault.retryAfterS ?? 1;
      return {
        status: 429,
        headers: { "retry-after": String(s) },
        body: { detail: `Request was throttled. Your rate limit resets in ~${s}s.` },
      };
    }
    if (fault)
      return {
        status: fault.status,
        body: { title: "Error", detail: `fake failure ${fault.status}`, status: fault.status },
      };
    const input = ((req.body ?? {}) as { input?: Record<string, unknown> }).input ?? {};
    const bad = problem(input);
    if (bad)
      return { status: 422, body: { title: "Input validation failed", detail: bad, status: 422 } };
    const task = book.create(input);
    const { webhook, webhook_events_filter: events } = (req.body ?? {}) as {
      webhook?: unknown;
      webhook_events_filter?: unknown;
    };
    if (typeof webhook === "string" && (!Array.isArray(events) || events.includes("completed"))) {
      book.callbackWhenDone(task, () => {
        const body = JSON.stringify(view(task, origin));
        const id = `msg_${randomUUID()}`;
        const now = new Date();
        return fetch(webhook, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "webhook-id": id,
            "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
            "webhook-signature": signer.sign(id, now, body),
          },
          body,
        });
      });
    }
    return { status: 201, body: view(task, origin) };
  });
  return Object.assign(book.controls, {
    url: http.url,
    calls: http.calls,
    submits: () => http.calls.filter((c) => c.method === "POST" && c.path.endsWith("/predictions")),
    cancels,
    webhookSecret,
    async close() {
      book.stopCallbacks();
      await http.close();
    },
  });
}
