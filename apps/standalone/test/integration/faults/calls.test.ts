/**
 * Upstream calls under faults (docs/guarantees.md): `n` > 1 with one call
 * failing while its siblings wait for a submit slot; a task slower than its
 * request timeout; a run that loses its lock mid-task. Each image is paid
 * for once and the job ends on the provider that accepted its tasks.
 */

import { createRedis } from "@imagegate/jobs";
import {
  type BflFake,
  type FalFake,
  startBflFake,
  startFalFake,
  waitFor,
} from "@imagegate/testkit";
import { startGateway, type TestGateway } from "../gateway";
import { expectPaidOnce, finalJob, submitAsync, tasksOf } from "./rig";

let bfl: BflFake;
let fal: FalFake;
const gateways: TestGateway[] = [];

async function gateway(
  bflLimits: Record<string, unknown>,
  env: Record<string, string> = {},
): Promise<TestGateway> {
  const g = await startGateway({
    env: { BFL_API_KEY: "bk", BFL_BASE_URL: bfl.url, FAL_KEY: "fk", FAL_BASE_URL: fal.url, ...env },
    providersFile: {
      providers: {
        bfl: { pollIntervalMs: 25, maxPollIntervalMs: 100, backoffMs: 50, ...bflLimits },
      },
      routes: { "flux.2-max": ["bfl", "fal"] },
    },
  });
  gateways.push(g);
  return g;
}

beforeAll(async () => {
  bfl = await startBflFake("bk");
  fal = await startFalFake("fk");
});

afterEach(() => {
  bfl.taskMs = 30;
});

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  await Promise.all([bfl.close(), fal.close()]);
});

describe("n = 4 under a 1/s submit rate, the first submit answering 500", () => {
  it("makes 4 images with one accepted task per seed", async () => {
    const g = await gateway({ rateLimit: { max: 1, durationMs: 1_000 } });
    bfl.failNext(500);
    const before = bfl.submits().length;
    const id = await submitAsync(g, {
      prompt: "four under a limit",
      size: "64x64",
      n: 4,
      seed: 100,
    });
    const job = await finalJob(g, id, 30_000);
    await expectPaidOnce(job, bfl.tasks, 4);
    expect(
      tasksOf(bfl.tasks, "four under a limit")
        .map((t) => t.input.seed)
        .sort(),
    ).toEqual([100, 101, 102, 103]);
    // The 500, then one submit per image: the siblings waiting for a slot never submitted twice.
    expect(bfl.submits().length - before).toBe(5);
    expect(job.attempt_log.map((a: { outcome: string }) => a.outcome)).toEqual([
      "retrying",
      "succeeded",
    ]);
    expect(fal.submits()).toHaveLength(0);
  }, 40_000);
});

describe("a task slower than its request timeout", () => {
  it("is waited for: one accepted task, no failover", async () => {
    const g = await gateway({ timeoutMs: 300, attempts: 1, taskLifetimeMs: 30_000 });
    bfl.taskMs = 2_000;
    const id = await submitAsync(g, { prompt: "slower than the timeout", size: "64x64" });
    const job = await finalJob(g, id);
    await expectPaidOnce(job, bfl.tasks);
    expect(job.provider).toBe("bfl");
    expect(fal.submits()).toHaveLength(0);
  }, 30_000);
});

describe("a run that loses its lock mid-task", () => {
  it("stops; the next run resumes the task, and it is paid once", async () => {
    const g = await gateway({}, { WORKER_LOCK_MS: "1000" });
    bfl.taskMs = 4_000;
    const id = await submitAsync(g, { prompt: "lock lost", size: "64x64" });
    let job = (await g.get(`/v1/jobs/${id}`)).body;
    await waitFor(
      async () => {
        job = (await g.get(`/v1/jobs/${id}`)).body;
        return job.upstream_tasks.length === 1;
      },
      { timeoutMs: 10_000, message: "the task to be accepted" },
    );
    // Another process (an operator, a failover) takes the lock away: renewal fails.
    const redis = createRedis({ url: g.config.redis.url });
    try {
      await redis.del(`${g.config.queuePrefix}:images-bfl:${id}:lock`);
      const done = await finalJob(g, id, 30_000);
      await expectPaidOnce(done, bfl.tasks);
      expect(fal.submits()).toHaveLength(0);
      // It took a second run: the first stopped when its lock was gone, the stalled entry ran again.
      const events = await redis.xrange(`${g.config.queuePrefix}:images-bfl:events`, "-", "+");
      const of = (name: string) => events.filter(([, f]) => f[1] === name && f.includes(id)).length;
      expect(of("active")).toBe(2);
      expect(of("stalled")).toBe(1);
    } finally {
      redis.disconnect();
    }
  }, 40_000);
});
