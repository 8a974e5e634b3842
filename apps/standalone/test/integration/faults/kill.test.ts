/**
 * Worker processes killed with SIGKILL (docs/guarantees.md): at each step of
 * the pipeline, twice in one job, and past the stall limit. Another worker
 * takes the job over, resumes its saved upstream task, and the job ends —
 * succeeded on its one task, its webhook delivered once — or, when it keeps
 * killing workers, failed with `processing_interrupted` and announced.
 */
import {
  type BflFake,
  startBflFake,
  startWebhookReceiver,
  type WebhookReceiver,
  waitFor,
} from "@imagegate/testkit";
import { startGateway, type TestGateway } from "../gateway";
import {
  expectPaidOnce,
  finalJob,
  startWorkerProcess,
  storageDirOf,
  storageFault,
  submitAsync,
  type WorkerProcess,
} from "./rig";

let bfl: BflFake;
let gateway: TestGateway;
let receiver: WebhookReceiver;
const workers: WorkerProcess[] = [];
let serial = 0;

function worker(extra: Record<string, string> = {}): WorkerProcess {
  const w = startWorkerProcess({ ...gateway.env, ...extra });
  workers.push(w);
  return w;
}

beforeAll(async () => {
  bfl = await startBflFake("bk");
  gateway = await startGateway({
    worker: false,
    env: {
      BFL_API_KEY: "bk",
      BFL_BASE_URL: bfl.url,
      WORKER_LOCK_MS: "1000",
      ALLOW_PRIVATE_URLS: "true",
      STORE_RETRY_WINDOW_MS: "60000",
    },
    providersFile: { providers: { bfl: { pollIntervalMs: 25, backoffMs: 50 } } },
  });
  const secret = (await gateway.get("/v1/webhooks/secret")).body.secret as string;
  receiver = await startWebhookReceiver(secret);
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.kill()));
  bfl.taskMs = 30;
  bfl.downloadDelayMs = 0;
});

afterAll(async () => {
  await gateway.close();
  await receiver.close();
  await bfl.close();
});

/** Submits a job with a unique prompt and a webhook. */
function submit(extra: Record<string, unknown> = {}) {
  return submitAsync(gateway, {
    prompt: `fault kill ${++serial}`,
    size: "64x64",
    webhook_url: receiver.url,
    ...extra,
  });
}

/**
 * The job's final state was announced as one message: deliveries are at
 * least once (a worker killed mid-delivery sends again), always with the same
 * `webhook-id`, which is what a Standard Webhooks consumer dedupes on.
 */
async function expectAnnouncedOnce(jobId: string, type: string) {
  await waitFor(() => receiver.deliveries.some((d) => d.payload?.data.id === jobId), {
    timeoutMs: 10_000,
    message: "the webhook delivery",
  });
  // Give a second message the time to show up before counting.
  await new Promise((r) => setTimeout(r, 300));
  const mine = receiver.deliveries.filter((d) => d.payload?.data.id === jobId);
  expect(new Set(mine.map((d) => d.id)).size).toBe(1);
  expect(new Set(mine.map((d) => d.payload?.type))).toEqual(new Set([type]));
  expect(mine.every((d) => d.verified)).toBe(true);
}

describe("a worker killed with SIGKILL", () => {
  it.each([
    ["right after the upstream accepted the task", "upstream task submitted", {}],
    ["while polling the task", "upstream task submitted", { afterMs: 600 }],
    ["while downloading the result", "download", {}],
    ["after the upstream delivered (post-processing, storing)", "upstream delivered", {}],
    ["while the store step is failing", "store step failed; retrying", { storage: true }],
    ["after the final write, before the announcement", "image job succeeded", {}],
  ] as const)(
    "%s: another worker ends the job on its one task",
    async (_label, at, how) => {
      const storage = storageFault(storageDirOf(gateway));
      bfl.taskMs = at === "upstream task submitted" ? 1_500 : 300;
      if (at === "download") bfl.downloadDelayMs = 2_000;
      const first = worker();
      const id = await submit();
      if ("storage" in how) {
        await first.waitForLog("upstream task submitted", id);
        storage.takeAway();
      }
      if (at === "download") {
        await waitFor(() => bfl.regionCalls.some((c) => c.path.startsWith("/delivery/")), {
          timeoutMs: 20_000,
          message: "the result download to start",
        });
      } else {
        await first.waitForLog(at, id);
      }
      if ("afterMs" in how) await new Promise((r) => setTimeout(r, how.afterMs));
      await first.kill();
      bfl.downloadDelayMs = 0;
      storage.giveBack();
      worker();
      const job = await finalJob(gateway, id);
      await expectPaidOnce(job, bfl.tasks);
      await expectAnnouncedOnce(id, "image.job.succeeded");
    },
    60_000,
  );

  it("twice during one job: the third worker ends it on its one task", async () => {
    bfl.taskMs = 6_000;
    const first = worker();
    const id = await submitAsync(gateway, { prompt: `fault twice ${++serial}`, size: "64x64" });
    await first.waitForLog("upstream task submitted", id);
    await first.kill();
    const second = worker();
    await second.waitForLog("resuming upstream task", id);
    await second.kill();
    worker();
    const job = await finalJob(gateway, id, 40_000);
    await expectPaidOnce(job, bfl.tasks);
    expect(job.attempts).toBe(1);
  }, 60_000);

  it("past the stall limit: the job fails with processing_interrupted and is announced", async () => {
    bfl.taskMs = 20_000;
    const extra = { WORKER_MAX_STALLS: "1" };
    const first = worker(extra);
    const id = await submit();
    await first.waitForLog("upstream task submitted", id);
    await first.kill();
    const second = worker(extra);
    await second.waitForLog("resuming upstream task", id);
    await second.kill();
    worker(extra);
    const job = await finalJob(gateway, id, 30_000);
    expect(job.status).toBe("failed");
    expect(job.error).toMatchObject({ code: "processing_interrupted", type: "server_error" });
    // Never resubmitted: the one task is still the only one.
    expect(
      bfl.submits().filter((c) => (c.body as { prompt: string }).prompt === job.request.prompt),
    ).toHaveLength(1);
    await expectAnnouncedOnce(id, "image.job.failed");
  }, 60_000);
});
