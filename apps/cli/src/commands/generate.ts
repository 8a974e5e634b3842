/** `imagegate generate "prompt"`: one synchronous generation, images written to disk. */
import { randomUUID } from "node:crypto";
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
  /** Sent as Idempotency-Key on every attempt. @defaultValue a new random key per run */
  idempotencyKey?: string;
};

/** What `generate` and `edit` made: the `--json` output. */
export type ImageOutcome = {
  job_id: string | null;
  model: unknown;
  provider: unknown;
  size: unknown;
  output_format: unknown;
  files: string[];
  applied: unknown;
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

/** The Idempotency-Key of one run: retries of the run's request reuse it, so one job is made. */
export function runKey(options: { idempotencyKey?: string }): string {
  return options.idempotencyKey ?? `cli-${randomUUID()}`;
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

/** The outcome of an images response whose images were written to `files`. */
export function outcomeOf(response: JsonObject, files: string[]): ImageOutcome {
  return {
    job_id: typeof response.job_id === "string" ? response.job_id : null,
    model: response.model ?? null,
    provider: response.provider ?? null,
    size: response.size ?? null,
    output_format: response.output_format ?? null,
    files,
    applied: response.applied ?? null,
  };
}

/** Runs `generate`. */
export async function generateCommand(
  client: Client,
  prompt: string,
  options: ImageOptions,
): Promise<ImageOutcome> {
  const response = await client.post(
    "/v1/images/generations",
    { prompt, response_format: "b64_json", ...imageFields(options) },
    { idempotencyKey: runKey(options) },
  );
  const files = await saveImages(client, response, options.out, String(response.job_id ?? "image"));
  return outcomeOf(response, files);
}
