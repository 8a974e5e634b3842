/** Uploads JSONL as a batch input file, starts a generations batch on it and waits until it completes. */
import { waitFor } from "@imagegate/testkit";
import type OpenAI from "openai";
import { toFile } from "openai";

export async function runBatch(
  client: OpenAI,
  jsonl: string,
  timeoutMs: number,
): Promise<OpenAI.Batches.Batch> {
  const file = await client.files.create({
    file: await toFile(Buffer.from(jsonl), "in.jsonl"),
    purpose: "batch",
  });
  const created = await client.batches.create({
    input_file_id: file.id,
    endpoint: "/v1/images/generations" as never,
    completion_window: "24h",
  });
  let batch = created;
  await waitFor(
    async () => {
      batch = await client.batches.retrieve(created.id);
      return batch.status === "completed";
    },
    { timeoutMs, intervalMs: 100, message: `batch ${created.id} to complete` },
  );
  return batch;
}
