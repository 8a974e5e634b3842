/** OpenAI images response interpretation, pure: each item is base64 or a URL to fetch. */
import type { OpenAIImages } from "./schemas";

/** One returned image before download. */
export type OpenAIItem = {
  b64: string | undefined;
  url: string | undefined;
  revisedPrompt: string | undefined;
};

/** The items of a response, in order. */
export function openaiItems(body: OpenAIImages): OpenAIItem[] {
  return body.data.map((d) => ({
    b64: d.b64_json ?? undefined,
    url: d.url ?? undefined,
    revisedPrompt: d.revised_prompt ?? undefined,
  }));
}
