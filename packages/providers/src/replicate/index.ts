/**
 * The Replicate adapter: create a prediction on the official model, save it,
 * poll `urls.get` until it is terminal, download the output at once (file
 * URLs expire after about an hour). Cancel is `POST urls.cancel`. Polls and
 * downloads ride out transient failures; only a `failed` or `canceled`
 * prediction lets a retry create a new one.
 */
import type { ProviderPlan, UpstreamCall } from "@imagegate/params";
import { ProviderError } from "../errors";
import { downloadImage, parseReply, requestJson } from "../http";
import { urlOrDataUri } from "../inputs";
import { type PollAnswer, pollOptions, pollUntil, retryTransient } from "../poll";
import type { ImageProvider, ProviderContext, ProviderImage, UpstreamTask } from "../types";
import { assertTrustedUpstreamUrl } from "../upstream-url";
import { replicateCreateRequest, replicateHeaders } from "./request";
import { interpretPrediction, type ReplicateState } from "./response";
import { ReplicatePredictionSchema } from "./schemas";

/** Options of the Replicate adapter. */
export type ReplicateOptions = { apiKey: string; baseUrl: string };

const REPLICATE_DOMAINS = ["replicate.com"];

/** Creates the Replicate provider. */
export function createReplicateProvider(options: ReplicateOptions): ImageProvider {
  const trusted = (url: string | undefined) =>
    assertTrustedUpstreamUrl("replicate", url ?? "", options.baseUrl, REPLICATE_DOMAINS);

  async function createPrediction(
    plan: ProviderPlan,
    call: UpstreamCall,
    ctx: ProviderContext,
  ): Promise<UpstreamTask> {
    const images = await Promise.all(ctx.images.map(urlOrDataUri));
    const request = replicateCreateRequest(plan, call, {
      ...options,
      images,
      ...(ctx.callback ? { callback: ctx.callback } : {}),
    });
    await ctx.acquireSubmitSlot();
    const res = await requestJson(
      "replicate",
      { ...ctx, signal: ctx.submitSignal },
      request.url,
      request.init,
    );
    const prediction = parseReply("replicate", ReplicatePredictionSchema, res.body, "create");
    const task: UpstreamTask = {
      provider: "replicate",
      callIndex: call.index,
      id: prediction.id,
      urls: {
        get: prediction.urls.get,
        ...(prediction.urls.cancel ? { cancel: prediction.urls.cancel } : {}),
      },
      submittedAt: ctx.now(),
    };
    await ctx.onTask(task);
    return task;
  }

  return {
    id: "replicate",
    async submit(plan, call, ctx): Promise<ProviderImage[]> {
      const task = ctx.resume ?? (await createPrediction(plan, call, ctx));
      const wait = { ...ctx, signal: ctx.waitSignal(task) };
      const retrying = { signal: wait.signal, logger: ctx.logger };
      const headers = replicateHeaders(options.apiKey);
      const outcome = await pollUntil(
        async (): Promise<PollAnswer<Exclude<ReplicateState, { state: "running" }>>> => {
          const res = await requestJson("replicate", wait, trusted(task.urls.get), { headers });
          const state = interpretPrediction(
            parseReply("replicate", ReplicatePredictionSchema, res.body, "prediction"),
          );
          if (state.state === "running") {
            ctx.onProgress(0.5);
            return { pending: {} };
          }
          return { done: state };
        },
        pollOptions(ctx, task, wait.signal),
      );
      switch (outcome.state) {
        case "refused":
          await ctx.taskFailed(outcome.message);
          throw new ProviderError("replicate", "content_refused", outcome.message);
        case "failed":
        case "canceled":
          await ctx.taskFailed(outcome.state === "failed" ? outcome.message : "canceled upstream");
          throw new ProviderError(
            "replicate",
            "retryable",
            outcome.state === "failed"
              ? outcome.message
              : `prediction ${task.id} was canceled upstream`,
          );
        case "succeeded": {
          const images = await Promise.all(
            outcome.urls.map((url) =>
              retryTransient(() => downloadImage("replicate", wait, url), {
                ...retrying,
                what: "download",
              }),
            ),
          );
          ctx.onProgress(1);
          return images.map((image) => ({
            data: image.data,
            contentType: image.contentType,
            seed: call.seed,
            revisedPrompt: undefined,
          }));
        }
      }
    },

    async cancel(task, ctx) {
      if (!task.urls.cancel) return;
      await requestJson("replicate", ctx, trusted(task.urls.cancel), {
        method: "POST",
        headers: replicateHeaders(options.apiKey),
      });
    },
  };
}
