/**
 * Storage lost after the upstream delivered (docs/guarantees.md): the paid
 * image is kept and stored once storage is back — never paid for again,
 * never failed over — and when storage stays down past the window the job
 * fails with `storage_unavailable`, still on its one task.
 */
import {
  type BflFake,
  type FalFake,
  startBflFake,
  startFalFake,
  waitFor,
} from "@imagegate/testkit";
import { startGateway, type TestGateway } from "../gateway";
import { expectPaidOnce, finalJob, storageDirOf, storageFault, submitAsync, tasksOf } from "./rig";

let bfl: BflFake;
let fal: FalFake;
const gateways: TestGateway[] = [];

async function gateway(windowMs: number): Promise<TestGateway> {
  const g = await startGateway({
    env: {
      BFL_API_KEY: "bk",
      BFL_BASE_URL: bfl.url,
      FAL_KEY: "fk",
      FAL_BASE_URL: fal.url,
      STORE_RETRY_WINDOW_MS: String(windowMs),
    },
    providersFile: {
      providers: { bfl: { pollIntervalMs: 25, backoffMs: 50 }, fal: { pollIntervalMs: 25 } },
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

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  await Promise.all([bfl.close(), fal.close()]);
});

/** Waits until the job's one upstream task is accepted. */
async function accepted(g: TestGateway, id: string) {
  await waitFor(async () => (await g.get(`/v1/jobs/${id}`)).body.upstream_tasks.length === 1, {
    timeoutMs: 10_000,
    message: "the upstream task to be accepted",
  });
}

describe("storage down after the upstream delivered", () => {
  it("for 10 s: the job succeeds on its one task, no other provider is asked", async () => {
    const g = await gateway(60_000);
    const storage = storageFault(storageDirOf(g));
    bfl.taskMs = 800;
    const id = await submitAsync(g, { prompt: "storage back in 10 s", size: "64x64" });
    await accepted(g, id);
    storage.takeAway();
    const downAt = Date.now();
    // The upstream delivers while storage is gone.
    await waitFor(() => bfl.regionCalls.some((c) => c.path.startsWith("/delivery/")), {
      timeoutMs: 10_000,
      message: "the result download",
    });
    await new Promise((r) => setTimeout(r, 10_000 - (Date.now() - downAt)));
    expect((await g.get(`/v1/jobs/${id}`)).body.status).toBe("in_progress");
    storage.giveBack();
    const job = await finalJob(g, id);
    await expectPaidOnce(job, bfl.tasks);
    expect(job.provider).toBe("bfl");
    expect(fal.submits()).toHaveLength(0);
    expect(job.attempt_log.map((a: { outcome: string }) => a.outcome)).toEqual(["succeeded"]);
  }, 40_000);

  it("past the retry window: storage_unavailable, still one task, no failover", async () => {
    const g = await gateway(1_500);
    const storage = storageFault(storageDirOf(g));
    bfl.taskMs = 300;
    const id = await submitAsync(g, { prompt: "storage gone for good", size: "64x64" });
    await accepted(g, id);
    storage.takeAway();
    try {
      const job = await finalJob(g, id, 20_000);
      expect(job.status).toBe("failed");
      expect(job.error).toMatchObject({ code: "storage_unavailable", type: "server_error" });
      expect(job.error.message).toMatch(/could not be stored for 2 s/);
      expect(tasksOf(bfl.tasks, "storage gone for good")).toHaveLength(1);
      expect(fal.submits()).toHaveLength(0);
      expect(job.upstream_tasks).toMatchObject([{ provider: "bfl", state: "succeeded" }]);
    } finally {
      storage.giveBack();
    }
  }, 30_000);
});
