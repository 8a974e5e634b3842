/**
 * The `local` provider: renders in-process with sharp, so the whole pipeline
 * runs without any account (docs/providers.md#the-local-renderer). It has no
 * upstream task to save. `renderDelayMs` adds latency for tests and benches of
 * the waiting paths.
 */
import type { ProviderPlan, UpstreamCall } from "@imagegate/params";
import { sleep } from "../poll";
import type { ImageProvider, ProviderContext, ProviderImage } from "../types";
import { renderEdit } from "./edit";
import { renderImage } from "./render";

/** Options of the local provider. */
export type LocalProviderOptions = {
  /** Artificial latency per call. @defaultValue 0 ms */
  renderDelayMs?: number;
};

/** Creates the local renderer provider. */
export function createLocalProvider(options: LocalProviderOptions = {}): ImageProvider {
  return {
    id: "local",
    async submit(
      plan: ProviderPlan,
      call: UpstreamCall,
      ctx: ProviderContext,
    ): Promise<ProviderImage[]> {
      if (options.renderDelayMs) await sleep(options.renderDelayMs, ctx.signal);
      ctx.signal.throwIfAborted();
      const size = plan.upstreamSize ?? plan.target;
      if (!size) throw new Error("the local renderer needs a size; it never picks one (size auto)");
      const first = ctx.images[0];
      const source = first ? await first.read() : undefined;
      const mask = ctx.mask ? await ctx.mask.read() : undefined;
      const images: ProviderImage[] = [];
      for (let k = 0; k < plan.imagesPerCall; k++) {
        const seed = ((call.seed ?? 0) + k) % 2 ** 32;
        const input = { prompt: plan.prompt, seed, width: size.width, height: size.height };
        const data = source
          ? await renderEdit({ ...input, image: source, mask })
          : await renderImage(input);
        ctx.signal.throwIfAborted();
        images.push({ data, contentType: "image/png", seed, revisedPrompt: undefined });
      }
      ctx.onProgress(1);
      return images;
    },
  };
}
