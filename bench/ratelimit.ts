/**
 * Rate-limit precision: a provider limited to 10 submits/s (BullMQ limiter on
 * its queue), 60 jobs queued at once against a fake BFL that records every
 * submit's arrival. Reports the busiest sliding second (must not exceed the
 * limit) and the mean rate over the run (how much of the limit is used).
 * The fake runs in its own process: in the bench's, an arrival is stamped
 * when the bench's event loop gets to it, so a stall there bunches them (one
 * full run read 13 in a second; the bench alone read 10, three times).
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "@imagegate/testkit";
import { startServer } from "./child";
import type { BenchResult } from "./types";

const LIMIT = { max: 10, durationMs: 1000 };
const JOBS = 60;

/** Runs the rate-limit bench against Redis at `redisUrl`. */
export async function run(redisUrl: string): Promise<BenchResult[]> {
  const fake = await startServer("fake-bfl", { TASK_MS: "5" });
  const fakeUrl = /fake (\S+) ready/.exec(fake.readyLine)?.[1] as string;
  const submitTimes = async () =>
    ((await (await fetch(`${fake.url}/stats?submits`)).json()) as { submitTimes: number[] })
      .submitTimes;
  const dir = mkdtempSync(join(tmpdir(), "bench-rl-"));
  const providersFile = join(dir, "providers.json");
  writeFileSync(
    providersFile,
    JSON.stringify({
      providers: { bfl: { rateLimit: LIMIT, pollIntervalMs: 10, maxPollIntervalMs: 100 } },
    }),
  );
  const server = await startServer("gateway", {
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: `bench-${randomUUID()}`,
    STORAGE_DIR: dir,
    PORT: "0",
    ROLE: "all",
    BFL_API_KEY: "bench-key",
    BFL_BASE_URL: fakeUrl,
    PROVIDERS_FILE: providersFile,
  });
  try {
    await Promise.all(
      Array.from({ length: JOBS }, (_, i) =>
        fetch(`${server.url}/v1/images/generations`, {
          method: "POST",
          headers: { "content-type": "application/json", prefer: "respond-async" },
          body: JSON.stringify({ prompt: `rate ${i}`, size: "64x64" }),
        }),
      ),
    );
    await waitFor(async () => (await submitTimes()).length >= JOBS, {
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    const at = (await submitTimes()).sort((a, b) => a - b);
    let busiest = 0;
    for (let i = 0, j = 0; j < at.length; j++) {
      while ((at[j] as number) - (at[i] as number) >= LIMIT.durationMs) i++;
      busiest = Math.max(busiest, j - i + 1);
    }
    const spanS = ((at.at(-1) as number) - (at[0] as number) + LIMIT.durationMs) / 1000;
    return [
      { name: "ratelimit.configured", value: LIMIT.max, unit: "req/s" },
      {
        name: "ratelimit.busiest_second",
        value: busiest,
        unit: "req in 1 s",
        note: "sliding window, must be ≤ configured",
      },
      {
        name: "ratelimit.mean",
        value: Math.round((JOBS / spanS) * 100) / 100,
        unit: "req/s",
        note: `${JOBS} jobs queued at once`,
      },
    ];
  } finally {
    await server.stop();
    await fake.stop();
  }
}
