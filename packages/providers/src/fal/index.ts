/**
 * The fal.ai queue adapter: submit, save the request, poll `status_url`
 * until COMPLETED, then fetch `response_url` — failures (validation, content
 * policy) only show up there. All three URLs are used verbatim, since they
 * drop the sub-path of `/edit` model ids. Cancel is `PUT cancel_url`. Polls,
 * the result fetch and downloads ride out transient failures; a request is
 * submitted anew only after fal reports it failed.
 */
import type { ProviderPlan, UpstreamCall } from "@imagegate/params";
import { ProviderError } from "../errors";
import { downloadImage, parseReply, requestJson } from "../http";
import { urlOrDataUri } from "../inputs";
import { type PollAnswer, pollOptions, pollUntil, retryTransient } from "../poll";
import type { ImageProvider, ProviderContext, ProviderImage, UpstreamTask } from "../types";
import { assertTrustedUpstreamUrl } from "../upstream-url";
import { falHeaders, falSubmitRequest } from "./request";
import { falImages, isFalAborted, isFalDone } from "./response";
import { FalOutputSchema, FalStatusSchema, FalSubmitSchema } from "./schemas";

/** Options of the fal adapter. */
export type FalOptions = { apiKey: string; baseUrl: string };

const FAL_DOMAINS = ["fal.run", "fal.ai", "falrun.com"];

/**
 * A completed request's result URL answers the model's own failure as an
 * error status (a 500 is the model failing, not the queue): only what fal's
 * client retries (429, 502–504, no answer) is tried again.
 */
function isFalRetryableResult(err: ProviderError): boolean {
  const status = err.upstreamStatus;
  return status === undefined || [429, 502, 503, 504].includes(status);
}

/** Creates the fal provider. */
export function createFalProvider(options: FalOptions): ImageProvider {
  const trusted = (url: string | undefined) =>
    assertTrustedUpstreamUrl("fal", url ?? "", options.baseUrl, FAL_DOMAINS);

  async function submitTask(
    plan: ProviderPlan,
    call: UpstreamCall,
    ctx: ProviderContext,
  ): Promise<UpstreamTask> {
    const images = await Promise.all(ctx.images.map(urlOrDataUri));
    const request = falSubmitRequest(plan, call, {
      ...options,
      images,
      ...(ctx.callback ? { callback: ctx.callback } : {}),
    });
    await ctx.acquireSubmitSlot();
    const res = await requestJson(
      "fal",
      { ...ctx, signal: ctx.submitSignal },
      request.url,
      request.init,
    );
    const body = parseReply("fal", FalSubmitSchema, res.body, "submit");
    const task: UpstreamTask = {
      provider: "fal",
      callIndex: call.index,
      id: body.request_id,
      urls: {
        status_url: body.status_url,
        response_url: body.response_url,
        cancel_url: body.cancel_url,
      },
      submittedAt: ctx.now(),
    };
    await ctx.onTask(task);
    return task;
  }

  return {
    id: "fal",
    async submit(plan, call, ctx): Promise<ProviderImage[]> {
      const task = ctx.resume ?? (await submitTask(plan, call, ctx));
      const wait = { ...ctx, signal: ctx.waitSignal(task) };
      const retrying = { signal: wait.signal, logger: ctx.logger };
      const headers = falHeaders(options.apiKey);
      const status = await pollUntil(
        async (): Promise<PollAnswer<string>> => {
          const res = await requestJson("fal", wait, trusted(task.urls.status_url), { headers });
          const reply = parseReply("fal", FalStatusSchema, res.body, "status");
          if (reply.status === "IN_PROGRESS") ctx.onProgress(0.5);
          if (isFalDone(reply.status) || isFalAborted(reply.status)) return { done: reply.status };
          // A long queue ahead of the request: no point asking again soon.
          return { pending: { queuePosition: reply.queue_position ?? undefined } };
        },
        pollOptions(ctx, task, wait.signal),
      );
      if (isFalAborted(status)) {
        await ctx.taskFailed(`request ended ${status}`);
        throw new ProviderError("fal", "retryable", `request ${task.id} ended ${status}`);
      }
      let output: ReturnType<typeof falImages>;
      try {
        const res = await retryTransient(
          () => requestJson("fal", wait, trusted(task.urls.response_url), { headers }),
          { ...retrying, what: "result", retryIf: isFalRetryableResult },
        );
        output = falImages(parseReply("fal", FalOutputSchema, res.body, "result"));
      } catch (err) {
        // An error answer on the result URL is fal reporting the request failed (validation, content policy).
        if (err instanceof ProviderError && err.upstreamStatus !== undefined) {
          await ctx.taskFailed(err.message);
        }
        throw err;
      }
      const images = await Promise.all(
        output.urls.map((url) =>
          retryTransient(() => downloadImage("fal", wait, url), { ...retrying, what: "download" }),
        ),
      );
      ctx.onProgress(1);
      return images.map((image, k) => ({
        data: image.data,
        contentType: image.contentType,
        seed: k === 0 ? (output.seed ?? call.seed) : undefined,
        revisedPrompt: undefined,
      }));
    },

    async cancel(task, ctx) {
      await requestJson("fal", ctx, trusted(task.urls.cancel_url), {
        method: "PUT",
        headers: falHeaders(options.apiKey),
      });
    },
  };
}
