/**
 * End-to-end images/s: synchronous 64×64 generations through API + workers
 * with the local renderer, 16 requests in flight.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "./child";
import { postLoad } from "./load";
import type { BenchResult } from "./types";

/** Runs the end-to-end bench against Redis at `redisUrl`. */
export async function run(redisUrl: string): Promise<BenchResult[]> {
  const server = await startServer("gateway", {
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: `bench-${randomUUID()}`,
    STORAGE_DIR: mkdtempSync(join(tmpdir(), "bench-files-")),
    PORT: "0",
    ROLE: "all",
    PROVIDERS_FILE: join(__dirname, "providers.bench.json"),
  });
  try {
    const url = `${server.url}/v1/images/generations`;
    const body = { prompt: "e2e", size: "64x64" };
    await postLoad({ url, body, connections: 4, durationS: 1 });
    const r = await postLoad({ url, body, connections: 16, durationS: 8 });
    return [
      {
        name: "e2e.images_per_s",
        value: Math.round(r.rps),
        unit: "images/s",
        note: `64x64 png, local provider, p99 ${r.p99Ms} ms`,
      },
    ];
  } finally {
    await server.stop();
  }
}
