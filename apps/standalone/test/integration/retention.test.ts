/**
 * Links that never die while the image lives, and retention: a batch output
 * line carries a gateway link that re-signs on each read (still good after
 * URL_TTL_SECONDS); once the records are past their TTL a sweep leaves no
 * blob behind — results, edit inputs, uploaded and batch files — and two
 * sweepers at once share the work without error.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { createRedis, createRetentionIndex, type RedisClient } from "@imagegate/jobs";
import { createBlobStore } from "@imagegate/storage";
import { makeImage, waitFor } from "@imagegate/testkit";
import { createRetentionSweeper } from "@imagegate/worker";
import pino from "pino";
import { startGateway, type TestGateway } from "./gateway";

let gateway: TestGateway;
let redis: RedisClient;

beforeAll(async () => {
  // Short-lived presigned links: a stable link must outlive them.
  gateway = await startGateway({ env: { URL_TTL_SECONDS: "1", RETENTION_INTERVAL_MS: "0" } });
  redis = createRedis({ url: gateway.config.redis.url });
});
afterAll(async () => {
  redis.disconnect();
  await gateway.close();
});

/** Every file under the gateway's storage dir, relative to it. */
function storedFiles(): string[] {
  const root = gateway.env.STORAGE_DIR as string;
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path.slice(root.length + 1)];
    });
  return walk(root).filter((f) => !f.endsWith("providers.json"));
}

async function runBatch(): Promise<{ id: string; output_file_id: string; input_file_id: string }> {
  const line = {
    custom_id: "only",
    method: "POST",
    url: "/v1/images/generations",
    body: { prompt: "kept", size: "16x16" },
  };
  const form = new FormData();
  form.append("purpose", "batch");
  form.append("file", new Blob([`${JSON.stringify(line)}\n`]), "in.jsonl");
  const upload = await fetch(`${gateway.url}/v1/files`, {
    method: "POST",
    headers: { authorization: `Bearer ${gateway.apiKey}` },
    body: form,
  });
  const file = (await upload.json()) as { id: string };
  const created = await gateway.post("/v1/batches", {
    input_file_id: file.id,
    endpoint: "/v1/images/generations",
    completion_window: "24h",
  });
  const id = (created.body as { id: string }).id;
  let batch = created.body as { status: string };
  await waitFor(
    async () => {
      batch = (await gateway.get(`/v1/batches/${id}`)).body as typeof batch;
      return batch.status === "completed";
    },
    { timeoutMs: 30_000, message: "batch completed" },
  );
  return batch as never;
}

describe("batch output links", () => {
  it("lead to a gateway path that re-signs on each read, long after URL_TTL_SECONDS", async () => {
    const batch = await runBatch();
    const content = await fetch(`${gateway.baseURL}/files/${batch.output_file_id}/content`, {
      headers: { authorization: `Bearer ${gateway.apiKey}` },
    });
    const line = JSON.parse((await content.text()).trim()) as {
      response: { body: { data: { url: string }[] } };
    };
    const link = line.response.body.data[0]?.url as string;
    expect(link).toMatch(
      new RegExp(`^${gateway.url}/links/jobs/\\w\\w/job_\\w+-0\\.png\\?expires=`),
    );
    // Past the presigned links' lifetime, the stable link still gives the image.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const first = await fetch(link, { redirect: "manual" });
    expect(first.status).toBe(302);
    const image = await fetch(link);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    const forged = link.replace(/signature=[^&]+/, "signature=AAAA");
    expect((await fetch(forged)).status).toBe(404);
  }, 30_000);
});

describe("retention", () => {
  it("leaves no blob behind once the records are past their TTL", async () => {
    await runBatch();
    const photo = await makeImage(32, 32, "png");
    const form = new FormData();
    form.append("prompt", "edited");
    form.append("size", "16x16");
    form.append("image", new Blob([photo], { type: "image/png" }), "in.png");
    const edit = await fetch(`${gateway.url}/v1/images/edits`, {
      method: "POST",
      headers: { authorization: `Bearer ${gateway.apiKey}` },
      body: form,
    });
    expect(edit.status).toBe(200);
    const before = storedFiles();
    expect(before.some((f) => f.startsWith("inputs/"))).toBe(true);
    expect(before.some((f) => f.startsWith("jobs/"))).toBe(true);
    expect(before.some((f) => f.startsWith("files/"))).toBe(true);

    const prefix = gateway.config.queuePrefix;
    const ttl = gateway.config.jobTtlSeconds;
    const index = createRetentionIndex({ redis, prefix, ttlSeconds: ttl });
    const blobs = createBlobStore({
      driver: "fs",
      dir: gateway.env.STORAGE_DIR as string,
      publicBaseUrl: gateway.url,
      signingSecret: "unused",
    });
    const sweeper = () =>
      createRetentionSweeper({ index, blobs, logger: pino({ level: "silent" }), intervalMs: 0 });
    // While the records live, a sweep at their expiry time deletes nothing.
    const later = Date.now() + (ttl + 5) * 1000;
    expect(await sweeper().sweep(later)).toBe(0);
    expect(storedFiles()).toEqual(before);

    // The records pass their TTL (Redis drops them): expire them now.
    const records = await redis.keys(`${prefix}:*`);
    const expiring = records.filter((k) => /:(job|file):[^:]+$/.test(k));
    expect(expiring.length).toBeGreaterThan(3);
    for (const key of expiring) await redis.pexpire(key, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));

    // Two sweepers at once: every blob is deleted exactly once.
    const listed = await index.size();
    expect(listed).toBeGreaterThanOrEqual(6);
    const [a, b] = await Promise.all([sweeper().sweep(later + 1), sweeper().sweep(later + 1)]);
    expect(a + b).toBe(listed);
    expect(storedFiles()).toEqual([]);
    expect(await index.size()).toBe(0);
  }, 60_000);
});
