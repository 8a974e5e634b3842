/**
 * A fake fal.ai queue (docs/providers.md#falai): submit to
 * `/<owner>/<app>[/<path>]` with `Authorization: Key …` answers IN_QUEUE and
 * the three URLs (without the sub-path, as fal does); `status_url` answers
 * 202 until COMPLETED (200); `response_url` carries the output or the error
 * (422 content_policy_violation, 500); `cancel_url` takes a PUT. A submit
 * with `?fal_webhook=` gets a callback signed with ED25519 when it ends, its
 * key published at `/.well-known/jwks.json`. The `/edit`
 * ids take `image_size: "auto"` and follow the first input image's size.
 */

import { createHash, generateKeyPairSync, sign } from "node:crypto";
import sharp from "sharp";
import { type FakeRequest, type FakeResponse, startHttpFake } from "./fake-server";
import { createTaskBook, type FakeControls, type FakeTask, fakeImage } from "./task-book";

/** A running fal fake. */
export type FalFake = FakeControls & {
  url: string;
  calls: FakeRequest[];
  submits(): FakeRequest[];
  /** Ids of the requests canceled. */
  cancels: string[];
  /** Where the fake publishes the public key of its callback signatures (FAL_JWKS_URL). */
  jwksUrl: string;
  sign(message: Buffer): string;
  close(): Promise<void>;
};

type Size = { width: number; height: number };

/** The size of an input image given as a data URI or an http(s) URL. */
async function inputImageSize(url: string): Promise<Size> {
  const data = url.startsWith("data:")
    ? Buffer.from(url.slice(url.indexOf(",") + 1), "base64")
    : Buffer.from(await (await fetch(url)).arrayBuffer());
  const meta = await sharp(data).metadata();
  return { width: meta.width ?? 1024, height: meta.height ?? 768 };
}

/** Starts a fal fake accepting `apiKey`. */
export async function startFalFake(apiKey = "fal-test-key"): Promise<FalFake> {
  const book = createTaskBook("fal");
  const cancels: string[] = [];
  /** Output size per task: image_size, or the input's for "auto". */
  const sizes = new Map<string, Size>();
  const sizeOf = (id: string): Size => sizes.get(id) ?? { width: 1024, height: 768 };
  /** What a finished request made: the result body, and a successful callback's `payload`. */
  const outputOf = async (task: FakeTask, origin: string) => {
    const { width, height } = sizeOf(task.id);
    const format = task.input.output_format === "png" ? "png" : "jpeg";
    const url = task.input.sync_mode
      ? `data:image/${format};base64,${(await fakeImage(width, height, format)).toString("base64")}`
      : `${origin}/files/${task.id}.${format}`;
    return {
      images: [{ url, content_type: `image/${format}`, width, height }],
      seed: task.input.seed ?? 7,
      prompt: task.input.prompt,
    };
  };
  // fal signs callbacks with ED25519 and publishes the public key as a JWKS.
  const signing = generateKeyPairSync("ed25519");
  const jwk = signing.publicKey.export({ format: "jwk" });
  const userId = "fake-fal-user";
  /** Posts a request's completion callback, signed as fal does. */
  const sendCallback = async (task: FakeTask, url: string, origin: string): Promise<Response> => {
    const state = book.stateOf(task);
    const ok = state !== "failed" && state !== "moderated" && state !== "canceled";
    const body = JSON.stringify({
      request_id: task.id,
      gateway_request_id: task.id,
      status: ok ? "OK" : "ERROR",
      payload: ok ? await outputOf(task, origin) : { detail: "model error" },
      error: ok ? null : "Invalid status code: 500",
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const digest = createHash("sha256").update(body).digest("hex");
    const message = Buffer.from(`${task.id}\n${userId}\n${timestamp}\n${digest}`);
    return fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-fal-webhook-request-id": task.id,
        "x-fal-webhook-user-id": userId,
        "x-fal-webhook-timestamp": timestamp,
        "x-fal-webhook-signature": sign(null, message, signing.privateKey).toString("hex"),
      },
      body,
    });
  };
  const http = await startHttpFake(async (req, origin): Promise<FakeResponse> => {
    if (req.method === "GET" && req.path === "/.well-known/jwks.json") {
      return { status: 200, body: { keys: [{ ...jwk, kid: "fake-fal-key" }] } };
    }
    if (req.method === "GET" && req.path.startsWith("/files/")) {
      const task = book.find(req.path.slice(7).replace(/\.\w+$/, ""));
      if (!task) return { status: 404, body: { detail: "Not Found" } };
      const fault = await book.takeDownloadFault();
      if (fault) return { status: fault, body: { detail: `fake failure ${fault}` } };
      const { width, height } = sizeOf(task.id);
      const format = task.input.output_format === "png" ? "png" : "jpeg";
      return {
        status: 200,
        headers: { "content-type": `image/${format}` },
        raw: await fakeImage(width, height, format),
      };
    }
    if (req.headers.authorization !== `Key ${apiKey}`) {
      return { status: 401, body: { detail: "Unauthorized: invalid credentials" } };
    }
    const request = /^\/([^/]+\/[^/]+)\/requests\/([^/]+)(\/status|\/cancel)?$/.exec(req.path);
    if (request) {
      const task = book.find(request[2] as string);
      if (!task) return { status: 404, body: { detail: "Request not found" } };
      const state = book.stateOf(task);
      if (request[3] === "/cancel" && req.method === "PUT") {
        if (state !== "pending") return { status: 400, body: { status: "ALREADY_COMPLETED" } };
        task.canceled = true;
        cancels.push(task.id);
        return { status: 202, body: { status: "CANCELLATION_REQUESTED" } };
      }
      const urls = {
        request_id: task.id,
        response_url: `${origin}/${request[1]}/requests/${task.id}`,
        status_url: `${origin}/${request[1]}/requests/${task.id}/status`,
        cancel_url: `${origin}/${request[1]}/requests/${task.id}/cancel`,
      };
      if (request[3] === "/status") {
        const pollFault = book.takePollFault(task.id);
        if (pollFault) return { status: pollFault, body: { detail: `fake failure ${pollFault}` } };
        if (state === "pending")
          return { status: 202, body: { ...urls, status: "IN_PROGRESS", logs: [] } };
        return {
          status: 200,
          body: { ...urls, status: "COMPLETED", logs: [], metrics: { inference_time: 0.03 } },
        };
      }
      if (state === "pending")
        return { status: 400, body: { detail: "Request is still in progress" } };
      const resultFault = book.takeResultFault();
      if (resultFault)
        return { status: resultFault, body: { detail: `fake failure ${resultFault}` } };
      if (state === "moderated") {
        return {
          status: 422,
          body: {
            detail: [
              {
                loc: ["body", "prompt"],
                msg: "The content could not be processed because it contained material flagged by a content checker.",
                type: "content_policy_violation",
              },
            ],
          },
        };
      }
      if (state === "failed" || state === "canceled")
        return { status: 500, body: { detail: "Internal error while running the model" } };
      return { status: 200, body: await outputOf(task, origin) };
    }
    if (req.method !== "POST") return { status: 404, body: { detail: "Not Found" } };
    const fault = book.takeFault();
    if (fault?.status === 429) {
      return {
        status: 429,
        headers: { "retry-after": String(fault.retryAfterS ?? 1) },
        body: { detail: "Too many requests" },
      };
    }
    if (fault) return { status: fault.status, body: { detail: `fake failure ${fault.status}` } };
    const input = (req.body ?? {}) as Record<string, unknown>;
    const size = input.image_size as { width?: unknown; height?: unknown } | string | undefined;
    const edit = req.path.endsWith("/edit");
    const auto = size === "auto" && edit && Array.isArray(input.image_urls);
    if (
      size &&
      !auto &&
      (typeof size !== "object" ||
        typeof size.width !== "number" ||
        typeof size.height !== "number")
    ) {
      return {
        status: 422,
        body: {
          detail: [{ loc: ["body", "image_size"], msg: "invalid image size", type: "value_error" }],
        },
      };
    }
    if (input.safety_tolerance !== undefined && typeof input.safety_tolerance !== "string") {
      return {
        status: 422,
        body: {
          detail: [
            { loc: ["body", "safety_tolerance"], msg: "must be a string", type: "type_error" },
          ],
        },
      };
    }
    const app = req.path.split("/").slice(1, 3).join("/");
    const task = book.create(input);
    const webhook = req.query.get("fal_webhook");
    if (webhook) book.callbackWhenDone(task, () => sendCallback(task, webhook, origin));
    sizes.set(
      task.id,
      auto
        ? await inputImageSize(String((input.image_urls as unknown[])[0]))
        : ((size as Size | undefined) ?? { width: 1024, height: 768 }),
    );
    return {
      status: 200,
      body: {
        status: "IN_QUEUE",
        request_id: task.id,
        response_url: `${origin}/${app}/requests/${task.id}`,
        status_url: `${origin}/${app}/requests/${task.id}/status`,
        cancel_url: `${origin}/${app}/requests/${task.id}/cancel`,
        queue_position: 0,
      },
    };
  });
  return Object.assign(book.controls, {
    url: http.url,
    jwksUrl: `${http.url}/.well-known/jwks.json`,
    calls: http.calls,
    submits: () => http.calls.filter((c) => c.method === "POST"),
    cancels,
    /** Signs a callback body with the fake's key, for tests that forge or replay one. */
    sign: (message: Buffer) => sign(null, message, signing.privateKey).toString("hex"),
    async close() {
      book.stopCallbacks();
      await http.close();
    },
  });
}
