/**
 * The scale bench (`pnpm bench scale`, `--jobs=N` for fewer than 10,000):
 * one `pnpm start` (apps/standalone) against a BFL fake in its own process
 * whose tasks take 20 s, N async jobs submitted at 10 in flight, with and
 * without provider callbacks. Reports submit time, time to all-done after the
 * last submit, peak RSS of the gateway's processes, polls per task, the peak
 * of tasks active at the fake, whether each job was paid for once, and async
 * submit p99 while the jobs are in flight against its value on an idle
 * gateway (the first submits), measured in the same run.
 */
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "@imagegate/testkit";
import { Redis } from "ioredis";
import { spawnStandalone, startServer, stopChild } from "./child";
import { samplePeakRss } from "./rss";
import { percentile } from "./stats";
import type { BenchResult } from "./types";

const TASK_MS = 20_000;
const CONCURRENCY = 10;
/** Submits that measure the idle latency, before many jobs are in flight. */
const IDLE_PROBE = 300;

type FakeStats = {
  tasks: number;
  prompts: number;
  polls: number;
  downloads: number;
  maxActive: number;
  callbacks: number;
  callbacksAccepted: number;
};

/** The fewest jobs a run takes: the idle probe's submits, then as many again under load. */
const MIN_JOBS = 2 * IDLE_PROBE;

/** `--jobs=N` (10,000 without it); a bad value stops the bench, naming the flag. */
export function jobsFromArgs(): number {
  const value = process.argv.find((a) => a.startsWith("--jobs="))?.slice("--jobs=".length);
  if (value === undefined) return 10_000;
  const jobs = Number(value);
  if (!Number.isInteger(jobs) || jobs < MIN_JOBS) {
    throw new Error(
      `--jobs must be a whole number of at least ${MIN_JOBS} (the first ${IDLE_PROBE} submits measure the idle latency), got "${value}"`,
    );
  }
  return jobs;
}

async function startGateway(
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawnStandalone(port, env);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/readyz`)).ok, {
    timeoutMs: 60_000,
    intervalMs: 200,
    message: "the gateway to be ready",
  });
  return { url, child };
}

/** Submits `count` async jobs, `CONCURRENCY` at a time; returns each submit's latency, in order. */
async function submitAll(url: string, count: number, from: number, tag: string): Promise<number[]> {
  const latencies: number[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        const started = performance.now();
        const res = await fetch(`${url}/v1/images/generations`, {
          method: "POST",
          headers: { "content-type": "application/json", prefer: "respond-async" },
          body: JSON.stringify({ prompt: `${tag} ${from + i}`, size: "64x64" }),
        });
        await res.arrayBuffer();
        if (res.status !== 202) throw new Error(`submit answered ${res.status}`);
        latencies[i] = performance.now() - started;
      }
    }),
  );
  return latencies;
}

/** One scale run; `callbacks` turns provider callbacks on. */
async function runOnce(redisUrl: string, jobs: number, callbacks: boolean): Promise<BenchResult[]> {
  const fake = await startServer("fake-bfl", { TASK_MS: String(TASK_MS) });
  const fakeUrl = /fake (\S+) ready/.exec(fake.readyLine)?.[1] as string;
  const dir = mkdtempSync(join(tmpdir(), "bench-scale-"));
  const prefix = `bench-${randomUUID()}`;
  const providersFile = join(dir, "providers.json");
  writeFileSync(
    providersFile,
    JSON.stringify({
      providers: { bfl: { concurrency: jobs + 1_000, taskLifetimeMs: 600_000 } },
      routes: { "flux.2-max": ["bfl"] },
    }),
  );
  const gateway = await startGateway({
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    STORAGE_DIR: join(dir, "files"),
    BFL_API_KEY: "bench-key",
    BFL_BASE_URL: fakeUrl,
    PROVIDERS_FILE: providersFile,
    PROVIDER_CALLBACKS: String(callbacks),
  });
  const redis = new Redis(redisUrl);
  const rss = samplePeakRss(gateway.child.pid as number);
  const label = callbacks ? "with callbacks" : "polling only";
  const tag = `scale-${callbacks ? "cb" : "poll"}`;
  try {
    const started = performance.now();
    const idle = await submitAll(gateway.url, IDLE_PROBE, 0, tag);
    const loaded = await submitAll(gateway.url, jobs - IDLE_PROBE, IDLE_PROBE, tag);
    const submittedAt = performance.now();
    await waitFor(async () => (await redis.zcard(`${prefix}:jobs:open`)) === 0, {
      timeoutMs: 600_000,
      intervalMs: 250,
      message: "every job to end",
    });
    const doneAt = performance.now();
    const peakRss = rss.stop();
    const stats = (await (await fetch(fake.url)).json()) as FakeStats;
    const failed = (await (await fetch(`${gateway.url}/v1/jobs?status=failed&limit=1`)).json()) as {
      data: unknown[];
    };
    // Loaded submits: those made while at least a fifth of the jobs were in flight.
    const busy = loaded.slice(Math.floor(jobs / 5));
    const idleP99 = percentile(idle.slice(50), 0.99);
    const busyP99 = percentile(busy, 0.99);
    const paidOnce = stats.tasks === jobs && stats.prompts === jobs && failed.data.length === 0;
    return [
      {
        name: `scale.${tag}.submit_s`,
        value: Math.round((submittedAt - started) / 100) / 10,
        unit: "s",
        note: `${jobs} async submits, ${CONCURRENCY} at a time, ${label}`,
      },
      {
        name: `scale.${tag}.done_after_last_submit_s`,
        value: Math.round((doneAt - submittedAt) / 100) / 10,
        unit: "s",
        note: `tasks take ${TASK_MS / 1000} s; all ended, ${paidOnce ? "each paid once" : "NOT each paid once"}`,
      },
      {
        name: `scale.${tag}.polls_per_task`,
        value: Math.round((stats.polls / Math.max(1, stats.tasks)) * 100) / 100,
        unit: "polls",
        note: callbacks
          ? `${stats.callbacksAccepted}/${stats.callbacks} callbacks accepted`
          : label,
      },
      {
        name: `scale.${tag}.peak_in_flight`,
        value: stats.maxActive,
        unit: "tasks",
        note: "most tasks active at the upstream at once",
      },
      { name: `scale.${tag}.peak_rss_mb`, value: Math.round(peakRss), unit: "MB", note: label },
      {
        name: `scale.${tag}.submit_p99_ratio`,
        value: Math.round((busyP99 / idleP99) * 100) / 100,
        unit: "×",
        note: `async submit p99 ${busyP99.toFixed(1)} ms in flight vs ${idleP99.toFixed(1)} ms idle`,
      },
    ];
  } finally {
    rss.stop();
    redis.disconnect();
    await stopChild(gateway.child, 10_000);
    await fake.stop();
  }
}

/** Runs the scale bench with `jobs` jobs (`jobsFromArgs`), without and with callbacks. */
export async function run(redisUrl: string, jobs: number): Promise<BenchResult[]> {
  return [...(await runOnce(redisUrl, jobs, false)), ...(await runOnce(redisUrl, jobs, true))];
}
