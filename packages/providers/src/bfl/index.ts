/**
 * The Black Forest Labs adapter: submit, save the task, poll the returned
 * `polling_url` (another host than the submit one), download `result.sample`
 * at once (it expires in 10 minutes). A resumed job polls its saved task; a
 * failed poll or download is tried again, never resubmitted. Only BFL's own
 * `Error` / `Task not found` ends the task for a new submit.
 */
import type { ProviderPlan, UpstreamCall } from "@imagegate/params";
import { ProviderError } from "../errors";
import { downloadImage, parseReply, requestJson } from "../http";
import { urlOrBase64 } from "../inputs";
import { type PollAnswer, pollOptions, pollUntil, retryTransient } from "../poll";
import type { ImageProvider, ProviderContext, ProviderImage, UpstreamTask } from "../types";
import { assertTrustedUpstreamUrl } from "../upstream-url";
import { bflHeaders, bflPollUrl, bflSubmitRequest } from "./request";
import { type BflPollState, interpretBflResult } from "./response";
import { BflResultSchema, BflSubmitSchema } from "./schemas";

/** Options of the BFL adapter. */
export type BflOptions = { apiKey: string; baseUrl: string };

/** Domains BFL polls and delivers from (api.us3.bfl.ai, gateway.bfl.ai…). */
const BFL_DOMAINS = ["bfl.ai", "bfl.ml"];

/** Creates the BFL provider. */
export function createBflProvider(options: BflOptions): ImageProvider {
  async function submitTask(
    plan: ProviderPlan,
    call: UpstreamCall,
    ctx: ProviderContext,
  ): Promise<UpstreamTask> {
    const images = await Promise.all(ctx.images.map(urlOrBase64));
    const request = bflSubmitRequest(plan, call, {
      ...options,
      images,
      ...(ctx.callback ? { callback: ctx.callback } : {}),
    });
    await ctx.acquireSubmitSlot();
    const res = await requestJson(
      "bfl",
      { ...ctx, signal: ctx.submitSignal },
      request.url,
      request.init,
    );
    const body = parseReply("bfl", BflSubmitSchema, res.body, "submit");
    const task: UpstreamTask = {
      provider: "bfl",
      callIndex: call.index,
      id: body.id,
      urls: body.polling_url ? { polling_url: body.polling_url } : {},
      submittedAt: ctx.now(),
      // BFL bills in credits; 1 credit = $0.01.
      costUsd: typeof body.cost === "number" ? body.cost / 100 : null,
    };
    await ctx.onTask(task);
    return task;
  }

  return {
    id: "bfl",
    async submit(plan, call, ctx): Promise<ProviderImage[]> {
      const task = ctx.resume ?? (await submitTask(plan, call, ctx));
      const wait = { ...ctx, signal: ctx.waitSignal(task) };
      const pollUrl = assertTrustedUpstreamUrl(
        "bfl",
        bflPollUrl(options.baseUrl, task),
        options.baseUrl,
        BFL_DOMAINS,
      );
      const outcome = await pollUntil(
        async (): Promise<PollAnswer<Exclude<BflPollState, { state: "pending" }>>> => {
          const res = await requestJson("bfl", wait, pollUrl, {
            headers: bflHeaders(options.apiKey),
          });
          const state = interpretBflResult(parseReply("bfl", BflResultSchema, res.body, "poll"));
          if (state.state === "pending") {
            if (state.progress !== undefined) ctx.onProgress(state.progress);
            return { pending: {} };
          }
          return { done: state };
        },
        pollOptions(ctx, task, wait.signal),
      );
      switch (outcome.state) {
        case "refused":
          await ctx.taskFailed(outcome.message);
          throw new ProviderError("bfl", "content_refused", outcome.message);
        case "failed":
        case "lost":
          // BFL says the task is over without an image: a retry may submit a new one.
          await ctx.taskFailed(outcome.message);
          throw new ProviderError("bfl", "retryable", `${outcome.message} (task ${task.id})`);
        case "ready": {
          const image = await retryTransient(() => downloadImage("bfl", wait, outcome.sampleUrl), {
            signal: wait.signal,
            logger: ctx.logger,
            what: "download",
          });
          ctx.onProgress(1);
          return [
            {
              data: image.data,
              contentType: image.contentType,
              seed: outcome.seed ?? call.seed,
              revisedPrompt: outcome.prompt,
            },
          ];
        }
      }
    },
  };
}
