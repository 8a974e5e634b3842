/**
 * Async-submit throughput: the gateway's `POST /v1/images/generations` with
 * `Prefer: respond-async` against the bare Express + zod + `queue.add`
 * baseline, both in their own process on the same Redis. Runs baseline,
 * gateway, baseline and compares the gateway with the mean baseline, since
 * this machine's speed drifts between runs.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "./child";
import { postLoad } from "./load";
import type { BenchResult } from "./types";

const BODY = { model: "flux.2-max", prompt: "a lighthouse at dusk", size: "1024x1024" };
const LOAD = { connections: 32, durationS: 6 };

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
      await postLoad({ url, body: BODY, headers, connections: 8, durationS: 1 });
      return await postLoad({ url, body: BODY, headers, ...LOAD });
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
  const base1 = await measure("baseline", {}, {});
  const ours = await measure("gateway", { ...gatewayEnv, ROLE: "api" }, gatewayHeaders);
  const base2 = await measure("baseline", {}, {});
  const baseline = (base1.rps + base2.rps) / 2;
  return [
    {
      name: "submit.baseline",
      value: Math.round(baseline),
      unit: "req/s",
      note: "Express 5 + zod + queue.add",
    },
    {
      name: "submit.gateway",
      value: Math.round(ours.rps),
      unit: "req/s",
      note: `p99 ${ours.p99Ms} ms, ${ours.errors} errors`,
    },
    {
      name: "submit.ratio",
      value: Math.round((ours.rps / baseline) * 100) / 100,
      unit: "x baseline",
    },
  ];
}
