/** `imagegate generate "prompt"`: one synchronous generation, images written to disk. */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Client, JsonObject } from "../client";
import { extensionOf, writeAtomic } from "../files";

/** Options of `generate` and `edit`. */
export type ImageOptions = {
  model?: string;
  size?: string;
  n?: number;
  format?: string;
  seed?: number;
  out: string;
};

/** The request fields of image options. */
export function imageFields(options: ImageOptions): JsonObject {
  return {
    ...(options.model ? { model: options.model } : {}),
    ...(options.size ? { size: options.size } : {}),
    ...(options.n ? { n: options.n } : {}),
    ...(options.format ? { output_format: options.format } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  };
}

/** Writes every image of a response under `dir` as `<name>[-i].<ext>`; returns the paths. */
export async function saveImages(
  client: Client,
  response: JsonObject,
  dir: string,
  name: string,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const data = (response.data ?? []) as { url?: string; b64_json?: string }[];
  const ext = extensionOf(String(response.output_format ?? "png"));
  return Promise.all(
    data.map(async (item, i) => {
      const path = join(dir, data.length === 1 ? `${name}.${ext}` : `${name}-${i}.${ext}`);
      await writeAtomic(path, await client.image(item));
      return path;
    }),
  );
}

/** Runs `generate`; returns the written paths. */
export async function generateCommand(
  client: Client,
  prompt: string,
  options: ImageOptions,
): Promise<string[]> {
  const response = await client.post("/v1/images/generations", {
    prompt,
    response_format: "b64_json",
    ...imageFields(options),
  });
  return saveImages(client, response, options.out, String(response.job_id ?? "image"));
}
