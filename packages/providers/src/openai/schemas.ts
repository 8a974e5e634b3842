/**
 * OpenAI Images replies (docs/providers.md#openai-compatible-upstreams), parsed
 * rather than trusted.
 */
import { z } from "zod";

export const OpenAIImagesSchema = z
  .object({
    created: z.number().nullish(),
    data: z
      .array(
        z
          .object({
            b64_json: z.string().nullish(),
            url: z.string().nullish(),
            revised_prompt: z.string().nullish(),
          })
          .loose(),
      )
      .min(1),
  })
  .loose();
export type OpenAIImages = z.infer<typeof OpenAIImagesSchema>;
