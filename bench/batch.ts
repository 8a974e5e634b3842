/**
 * Batch figures: ingesting a 50,000-line JSONL (upload, validation, child
 * records and `addBulk` enqueueing — goal ≤ 10 s and ≤ 300 MB peak RSS of the
 * gateway process), then end-to-end images/s of a 2,000-line batch with the
 * local renderer at 16×16.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "@imagegate/testkit";
import { startServer } from "./child";
import type { BenchResult } from "./types";

function lines(count: number, prefix: string): string {
  let out = "";
  for (let i = 0; i < count; i++) {
    out += `${JSON.stringify({ custom_id: `${prefix}-${i}`, method: "POST", url: "/v1/images/generations", body: { prompt: `bench ${i}`, size: "16x16" } })}\n`;
  }
  return out;
}

/** Resident set of a process from /proc (MB): `VmHWM` is the peak, `VmRSS` the current. */
function rssMb(pid: number, field: "VmHWM" | "VmRSS"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

async function api(base: string, path: string, init: RequestInit = {}) {
  const res = await fetch(`${base}${path}`, init);
  return (await res.json()) as Record<string, unknown> & {
    id: string;
    status: string;
    request_counts: { total: number; completed: number; failed: number };
  };
}

async function upload(base: string, text: string): Promise<string> {
  const form = new FormData();
  form.append("file", new Blob([text]), "bench.jsonl");
  form.append("purpose", "batch");
  return (await api(base, "/v1/files", { method: "POST", body: form })).id;
}

async function createBatch(base: string, fileId: string) {
  return api(base, "/v1/batches", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      input_file_id: fileId,
      endpoint: "/v1/images/generations",
      completion_window: "24h",
    }),
  });
}

/** Runs the batch benches against Redis at `redisUrl`. */
export async function run(redisUrl: string): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), "bench-batch-"));
  const providersFile = join(dir, "providers.json");
  writeFileSync(providersFile, JSON.stringify({ providers: { local: { concurrency: 8 } } }));
  const server = await startServer("gateway", {
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: `bench-${randomUUID()}`,
    STORAGE_DIR: dir,
    PORT: "0",
    ROLE: "all",
    PROVIDERS_FILE: providersFile,
  });
  try {
    const idleMb = rssMb(server.pid, "VmRSS");
    const big = await upload(server.url, lines(50_000, "big"));
    const started = performance.now();
    const batch = await createBatch(server.url, big);
    await waitFor(
      async () => (await api(server.url, `/v1/batches/${batch.id}`)).status !== "validating",
      {
        timeoutMs: 120_000,
        intervalMs: 50,
      },
    );
    const ingestS = (performance.now() - started) / 1000;
    const ingested = await api(server.url, `/v1/batches/${batch.id}`);
    await api(server.url, `/v1/batches/${batch.id}/cancel`, { method: "POST" });
    await waitFor(
      async () => (await api(server.url, `/v1/batches/${batch.id}`)).status === "cancelled",
      {
        timeoutMs: 300_000,
        intervalMs: 200,
      },
    );
    const peakMb = rssMb(server.pid, "VmHWM");

    const small = await upload(server.url, lines(2_000, "e2e"));
    const e2eStarted = performance.now();
    const run = await createBatch(server.url, small);
    let done = run;
    await waitFor(
      async () => {
        done = await api(server.url, `/v1/batches/${run.id}`);
        return done.status === "completed";
      },
      { timeoutMs: 300_000, intervalMs: 100 },
    );
    const e2eS = (performance.now() - e2eStarted) / 1000;
    return [
      {
        name: "batch.ingest_50k",
        value: Math.round(ingestS * 100) / 100,
        unit: "s",
        note: `${ingested.request_counts.total} lines to in_progress; goal ≤ 10 s`,
      },
      {
        name: "batch.peak_rss",
        value: peakMb,
        unit: "MB",
        note: `gateway process (API + workers, compiled), ${idleMb} MB idle; goal ≤ 300 MB`,
      },
      {
        name: "batch.e2e_images_per_s",
        value: Math.round((done.request_counts.completed / e2eS) * 10) / 10,
        unit: "images/s",
        note: `2,000-line batch, 16x16, local, output file written`,
      },
    ];
  } finally {
    await server.stop();
  }
}
