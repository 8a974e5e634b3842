/**
 * Parked waits (docs/decisions/0017-parked-waits.md): a job whose upstream
 * task is still running after `parkAfterMs` gives its worker slot back and
 * waits as a delayed entry of the provider's parked queue, polled from there;
 * the provider's `concurrency` still bounds its tasks in flight (task leases),
 * a cancel reaches the parked job's task, and a restart loses nothing.
 */
import { createRedis, createTaskSlots, parkedQueueName } from "@imagegate/jobs";
import {
  type BflFake,
  type FalFake,
  startBflFake,
  startFalFake,
  waitFor,
} from "@imagegate/testkit";
import { Queue } from "bullmq";
import { expectPaidOnce, finalJob, submitAsync, tasksOf } from "../faults/rig";
import { startGateway, type TestGateway } from "../gateway";

const ADMIN = "sk-admin-parking";

/** Polls every 100–400 ms; parks once a task is 300 ms old. */
const PARKING = { pollIntervalMs: 100, maxPollIntervalMs: 400, parkAfterMs: 300, backoffMs: 50 };

/** The gateway's parked queue of `provider`, seen from outside. */
function parkedQueue(gateway: TestGateway, provider: "bfl" | "fal"): Queue {
  return new Queue(parkedQueueName(provider), {
    connection: { url: gateway.config.redis.url },
    prefix: gateway.config.queuePrefix,
  });
}

/** Waits until job `id` waits parked: a delayed entry of its provider's parked queue. */
async function untilParked(gateway: TestGateway, provider: "bfl" | "fal", id: string) {
  const queue = parkedQueue(gateway, provider);
  try {
    await waitFor(async () => (await queue.getJobState(id)) === "delayed", {
      timeoutMs: 5_000,
      message: "the job to wait parked",
    });
  } finally {
    await queue.close();
  }
}

describe("parked waits (bfl)", () => {
  let bfl: BflFake;
  let gateway: TestGateway;

  beforeAll(async () => {
    bfl = await startBflFake("bk");
    gateway = await startGateway({
      env: { BFL_API_KEY: "bk", BFL_BASE_URL: bfl.url, ADMIN_API_KEY: ADMIN },
      providersFile: { providers: { bfl: { ...PARKING, concurrency: 2 } } },
    });
  });

  afterAll(async () => {
    await gateway.close();
    await bfl.close();
  });

  it("waits on the parked queue, off the worker, and finishes paid once", async () => {
    bfl.taskMs = 2_500;
    const id = await submitAsync(gateway, { prompt: "parked bfl", size: "64x64" });
    await untilParked(gateway, "bfl", id);
    const metrics = await fetch(`${gateway.url}/metrics`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(await metrics.text()).toMatch(/imagegate_queue_jobs\{provider="bfl",state="parked"\} 1/);
    await expectPaidOnce(await finalJob(gateway, id, 15_000), bfl.tasks);
    const [task] = tasksOf(bfl.tasks, "parked bfl");
    // Fresh polls at 100 ms growing to 400 ms over 2.5 s, whether in the worker or parked.
    expect(bfl.pollsOf(task?.id ?? "")).toBeLessThanOrEqual(12);
  }, 20_000);

  it("keeps a job with n = 2 waiting in the worker: its finished call's image is in hand", async () => {
    bfl.taskMs = 1_200;
    const id = await submitAsync(gateway, { prompt: "parked n2", size: "64x64", n: 2 });
    const queue = parkedQueue(gateway, "bfl");
    try {
      // Watch the parked queue while the job runs: a parked entry would show there.
      const seen = new Set<string>();
      let ended = false;
      const watching = (async () => {
        while (!ended) {
          seen.add(await queue.getJobState(id));
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      })();
      const job = await finalJob(gateway, id, 15_000);
      ended = true;
      await watching;
      await expectPaidOnce(job, bfl.tasks, 2);
      expect([...seen]).toEqual(["unknown"]);
    } finally {
      await queue.close();
    }
  }, 20_000);

  it("answers a synchronous request whose job parked while it waited", async () => {
    bfl.taskMs = 1_500;
    const res = await gateway.post("/v1/images/generations", {
      prompt: "parked sync",
      size: "64x64",
      response_format: "b64_json",
    });
    expect(res.status).toBe(200);
    expect(res.body.data[0].b64_json.length).toBeGreaterThan(100);
    expect(tasksOf(bfl.tasks, "parked sync")).toHaveLength(1);
  }, 15_000);

  it("keeps tasks in flight within the provider's concurrency while jobs are parked", async () => {
    bfl.taskMs = 2_500;
    const before = bfl.tasks.length;
    const prompts = Array.from({ length: 6 }, (_, i) => `bounded ${i}`);
    const ids = await Promise.all(
      prompts.map((prompt) => submitAsync(gateway, { prompt, size: "64x64" })),
    );
    const peak = bfl.maxActive;
    for (const id of ids) {
      const job = await finalJob(gateway, id, 30_000);
      await expectPaidOnce(job, bfl.tasks);
      // A job that waited for a slot waited queued: it started when it got one, not before.
      expect(job.upstream_tasks[0].submitted_at - job.started_at).toBeLessThanOrEqual(1);
    }
    expect(bfl.tasks.length - before).toBe(6);
    expect(Math.max(peak, bfl.maxActive)).toBeLessThanOrEqual(2);
    const redis = createRedis({ url: gateway.config.redis.url });
    try {
      // Every lease went back with its task.
      expect(await createTaskSlots(redis, gateway.config.queuePrefix).count("bfl")).toBe(0);
    } finally {
      redis.disconnect();
    }
  }, 40_000);

  it("resumes a parked job after a restart that turned parking off, without a second task", async () => {
    bfl.taskMs = 3_000;
    const id = await submitAsync(gateway, { prompt: "parked restart", size: "64x64" });
    await untilParked(gateway, "bfl", id);
    const prefix = gateway.config.queuePrefix;
    await gateway.close();
    gateway = await startGateway({
      env: { BFL_API_KEY: "bk", BFL_BASE_URL: bfl.url, QUEUE_PREFIX: prefix },
      // The parked entry left by the first gateway is still served.
      providersFile: { providers: { bfl: { ...PARKING, parkAfterMs: null, concurrency: 2 } } },
    });
    await expectPaidOnce(await finalJob(gateway, id, 15_000), bfl.tasks);
  }, 30_000);
});

describe("parked waits (fal)", () => {
  let fal: FalFake;
  let gateway: TestGateway;

  beforeAll(async () => {
    fal = await startFalFake("fk");
    gateway = await startGateway({
      env: { FAL_KEY: "fk", FAL_BASE_URL: fal.url },
      providersFile: { providers: { fal: PARKING } },
    });
  });

  afterAll(async () => {
    await gateway.close();
    await fal.close();
  });

  it("cancels the upstream task of a job canceled while parked", async () => {
    fal.taskMs = 10_000;
    const id = await submitAsync(gateway, { prompt: "parked cancel", size: "256x256" });
    await untilParked(gateway, "fal", id);
    const canceled = await gateway.post(`/v1/jobs/${id}/cancel`, {});
    expect(canceled.body.status).toBe("canceled");
    const [task] = tasksOf(fal.tasks, "parked cancel");
    await waitFor(async () => fal.cancels.includes(task?.id ?? ""), {
      timeoutMs: 5_000,
      message: "the parked job's fal request to be canceled",
    });
    expect((await gateway.get(`/v1/jobs/${id}`)).body.status).toBe("canceled");
  }, 20_000);
});
