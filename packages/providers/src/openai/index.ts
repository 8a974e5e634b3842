/**
 * The OpenAI-compatible adapter: any upstream that speaks the OpenAI Images
 * API. The call is synchronous (no task to save or resume); `n` is native,
 * results come back as base64 (or URLs, fetched at once). The call runs
 * under the submit signal: once on the wire it is not aborted by a cancel.
 */
import { ProviderError } from "../errors";
import { downloadImage, parseReply, requestJson } from "../http";
import type { ImageProvider, ProviderImage } from "../types";
import { type EditFile, openaiEditRequest, openaiGenerateRequest } from "./request";
import { openaiItems } from "./response";
import { OpenAIImagesSchema } from "./schemas";

/** Options of the OpenAI-compatible adapter. */
export type OpenAIOptions = { apiKey: string; baseUrl: string };

const EXTENSIONS: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/webp": "webp",
};

/** Creates the OpenAI-compatible provider. */
export function createOpenAIProvider(options: OpenAIOptions): ImageProvider {
  return {
    id: "openai",
    async submit(plan, call, ctx): Promise<ProviderImage[]> {
      let request: ReturnType<typeof openaiGenerateRequest>;
      if (plan.operation === "edit") {
        const toFile = async (
          image: (typeof ctx.images)[number],
          name: string,
        ): Promise<EditFile> => ({
          data: await image.read(),
          mime: image.mime,
          name: `${name}.${EXTENSIONS[image.mime] ?? "png"}`,
        });
        const images = await Promise.all(ctx.images.map((image, i) => toFile(image, `image-${i}`)));
        const mask = ctx.mask ? await toFile(ctx.mask, "mask") : undefined;
        request = openaiEditRequest(plan, call, { ...options, images, mask });
      } else {
        request = openaiGenerateRequest(plan, call, options);
      }
      await ctx.acquireSubmitSlot();
      const onWire = { ...ctx, signal: ctx.submitSignal };
      const res = await requestJson("openai", onWire, request.url, request.init);
      const items = openaiItems(parseReply("openai", OpenAIImagesSchema, res.body, "images"));
      const images = await Promise.all(
        items.map(async (item) => {
          if (item.b64) return { data: Buffer.from(item.b64, "base64"), contentType: undefined };
          if (item.url) return downloadImage("openai", onWire, item.url);
          throw new ProviderError(
            "openai",
            "retryable",
            "an image came back without b64_json or url",
          );
        }),
      );
      ctx.onProgress(1);
      return images.map((image, k) => ({
        data: image.data,
        contentType: image.contentType,
        seed: call.seed !== undefined ? call.seed + k : undefined,
        revisedPrompt: items[k]?.revisedPrompt,
      }));
    },
  };
}
