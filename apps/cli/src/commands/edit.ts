/** `imagegate edit <image...> --prompt "…"`: one synchronous edit, as the OpenAI SDK sends it (multipart). */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { Client } from "../client";
import {
  type ImageOptions,
  type ImageOutcome,
  imageFields,
  outcomeOf,
  runKey,
  saveImages,
} from "./generate";

/** Runs `edit`. */
export async function editCommand(
  client: Client,
  images: string[],
  options: ImageOptions & { prompt: string; mask?: string },
): Promise<ImageOutcome> {
  const form = new FormData();
  form.append("prompt", options.prompt);
  form.append("response_format", "b64_json");
  for (const [key, value] of Object.entries(imageFields(options))) form.append(key, String(value));
  for (const path of images) {
    form.append(
      images.length === 1 ? "image" : "image[]",
      new Blob([new Uint8Array(await readFile(path))]),
      basename(path),
    );
  }
  if (options.mask)
    form.append(
      "mask",
      new Blob([new Uint8Array(await readFile(options.mask))]),
      basename(options.mask),
    );
  const response = await client.postForm("/v1/images/edits", form, {
    idempotencyKey: runKey(options),
  });
  const files = await saveImages(client, response, options.out, String(response.job_id ?? "edit"));
  return outcomeOf(response, files);
}
