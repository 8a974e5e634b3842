/**
 * Async-submit throughput: the gateway's `POST /v1/images/generations` with
 * `Prefer: respond-async` against the bare Express + zod + `queue.add`
 * baseline, both in their own process on the same Redis. Alternates
 * baseline and gateway runs (B G B G B G B) and reports the median of each
 * gateway run's ratio to the baselines on either side of it, since this
 * machine's speed drifts between runs. Each run also reads the CPU time its
 * server process spent per request, which tells work from waiting. The
 * gateway's queue entries are added by the workers' outbox relay, not by
 * the API: after the rounds, `relay.ts` drains what they left in the outbox,
 * checks every accepted job was queued, and reports what that cost.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "./child";
import { cpuMsOf } from "./cpu";
import { postLoad } from "./load";
import { measureRelay } from "./relay";
import { median } from "./stats";
import type { BenchResult } from "./types";

const BODY = { model: "flux.2-max", prompt: "a lighthouse at dusk", size: "1024x1024" };
// 50 in flight, as the hot-path issue measures it.
const LOAD = { connections: 50, durationS: 5 };
const WARM = { connections: 8, durationS: 1 };
const ROUNDS = 3;

/** Runs the submit bench against Redis at `redisUrl`. */
export async function run(redisUrl: string): Promise<BenchResult[]> {
  const env = { REDIS_URL: redisUrl, QUEUE_PREFIX: `bench-${randomUUID()}` };
  const measure = async (
    name: string,
    extra: Record<string, string>,
    headers: Record<string, string>,
  ) => {
    const server = await startServer(name, { ...env, ...extra });
    try {
      const url = `${server.url}/v1/images/generations`;
      const warm = await postLoad({ url, body: BODY, headers, ...WARM });
      const cpuBefore = cpuMsOf(server.pid);
      const load = await postLoad({ url, body: BODY, headers, ...LOAD });
      const answered = Math.max(1, load.rps * LOAD.durationS);
      return {
        ...load,
        cpuUsPerRequest: ((cpuMsOf(server.pid) - cpuBefore) * 1000) / answered,
        accepted: warm.rps + load.rps * LOAD.durationS,
      };
    } finally {
      await server.stop();
    }
  };
  const gatewayEnv = {
    STORAGE_DIR: mkdtempSync(join(tmpdir(), "bench-files-")),
    API_KEYS: "sk-bench",
    PORT: "0",
  };
  const gatewayHeaders = { prefer: "respond-async", authorization: "Bearer sk-bench" };
  const baselines = [await measure("baseline", {}, {})];
  const ours: Awaited<ReturnType<typeof measure>>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    ours.push(await measure("gateway", { ...gatewayEnv, ROLE: "api" }, gatewayHeaders));
    baselines.push(await measure("baseline", {}, {}));
  }
  // The jobs the gateway accepted get their queue entries from the workers' relay.
  const relay = await measureRelay(
    redisUrl,
    env.QUEUE_PREFIX,
    ours.reduce((sum, g) => sum + g.accepted, 0),
    // Each load run ends with its connections' last requests unanswered.
    ours.length * (WARM.connections + LOAD.connections),
  );
  const ratios = ours.map(
    (g, i) => g.rps / (((baselines[i]?.rps ?? 0) + (baselines[i + 1]?.rps ?? 0)) / 2),
  );
  const errors = ours.reduce((sum, g) => sum + g.errors, 0);
  const cpu = (runs: typeof ours) => Math.round(median(runs.map((r) => r.cpuUsPerRequest)));
  return [
    {
      name: "submit.baseline",
      value: Math.round(median(baselines.map((b) => b.rps))),
      unit: "req/s",
      note: "Express 5 + zod + queue.add, median",
    },
    {
      name: "submit.gateway",
      value: Math.round(median(ours.map((g) => g.rps))),
      unit: "req/s",
      note: `median; p99 ${median(ours.map((g) => g.p99Ms))} ms, ${errors} errors`,
    },
    {
      name: "submit.baseline.cpu_us_per_request",
      value: cpu(baselines),
      unit: "µs",
      note: "CPU time of its process (all threads) per 2xx answer, median",
    },
    {
      name: "submit.gateway.cpu_us_per_request",
      value: cpu(ours),
      unit: "µs",
      note: "CPU time of its process (all threads) per 2xx answer, median",
    },
    {
      name: "submit.ratio",
      value: Math.round(median(ratios) * 100) / 100,
      unit: "x baseline",
      note: "median over rounds",
    },
    ...relay,
  ];
}
