/**
 * Redis restarted mid-job (docs/guarantees.md): with AOF on, the queue entry,
 * the record and its saved upstream task survive; the worker reconnects and
 * the job ends on its one task — after a clean shutdown and after a crash.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type BflFake,
  type RestartableRedis,
  startBflFake,
  startRestartableRedis,
  waitFor,
} from "@imagegate/testkit";
import { startGateway, type TestGateway } from "../gateway";
import { expectPaidOnce, finalJob, submitAsync } from "./rig";

let bfl: BflFake;
let redis: RestartableRedis;
let gateway: TestGateway;
let dataDir: string;

beforeAll(async () => {
  bfl = await startBflFake("bk");
  dataDir = mkdtempSync(join(tmpdir(), "imagegate-aof-"));
  redis = await startRestartableRedis(dataDir);
  gateway = await startGateway({
    env: { REDIS_URL: redis.url, BFL_API_KEY: "bk", BFL_BASE_URL: bfl.url, WORKER_LOCK_MS: "2000" },
    providersFile: { providers: { bfl: { pollIntervalMs: 25, backoffMs: 50 } } },
  });
});

afterAll(async () => {
  await gateway.close();
  await redis.stop();
  await bfl.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("Redis restarted while a job waits on its upstream task", () => {
  it.each([
    ["a clean shutdown", "SIGTERM"],
    ["a crash (kill -9)", "SIGKILL"],
  ] as const)(
    "after %s: the job ends on its one task",
    async (_label, signal) => {
      bfl.taskMs = 3_000;
      const prompt = `redis restart ${signal}`;
      const id = await submitAsync(gateway, { prompt, size: "64x64" });
      await waitFor(
        async () => (await gateway.get(`/v1/jobs/${id}`)).body.upstream_tasks?.length === 1,
        { timeoutMs: 10_000, message: "the task to be accepted" },
      );
      await redis.restart(signal, 1_000);
      const job = await finalJob(gateway, id, 30_000);
      await expectPaidOnce(job, bfl.tasks);
    },
    45_000,
  );
});
