/**
 * Per-provider limits (docs/providers.md#limits-and-defaults): the global
 * concurrency bounds tasks in flight upstream across workers, and the rate
 * limit bounds submits per window.
 */
import { type BflFake, startBflFake, waitFor } from "@imagegate/testkit";
import { startGateway, type TestGateway } from "../gateway";

let bfl: BflFake;

beforeAll(async () => {
  bfl = await startBflFake("bk");
});

afterAll(async () => {
  await bfl.close();
});

async function submitAsync(gateway: TestGateway, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await gateway.post(
      "/v1/images/generations",
      { prompt: `job ${i}`, size: "64x64" },
      { prefer: "respond-async" },
    );
    ids.push(res.body.id);
  }
  return ids;
}

async function allSucceeded(gateway: TestGateway, ids: string[]): Promise<void> {
  for (const id of ids) {
    const job = await gateway.get(`/v1/jobs/${id}?wait=30`);
    expect(job.body.status).toBe("succeeded");
  }
}

describe("provider limits", () => {
  it("never has more than the global concurrency of tasks active upstream", async () => {
    bfl.taskMs = 250;
    const gateway = await startGateway({
      env: { BFL_API_KEY: "bk", BFL_BASE_URL: bfl.url },
      providersFile: {
        providers: { bfl: { concurrency: 2, pollIntervalMs: 15, maxPollIntervalMs: 100 } },
      },
    });
    try {
      const before = bfl.tasks.length;
      const ids = await submitAsync(gateway, 6);
      await allSucceeded(gateway, ids);
      expect(bfl.tasks.length - before).toBe(6);
      expect(bfl.maxActive).toBe(2);
    } finally {
      bfl.taskMs = 30;
      await gateway.close();
    }
  });

  it("never submits more than the rate limit per window", async () => {
    const gateway = await startGateway({
      env: { BFL_API_KEY: "bk", BFL_BASE_URL: bfl.url },
      providersFile: {
        providers: {
          bfl: {
            rateLimit: { max: 2, durationMs: 1000 },
            pollIntervalMs: 15,
            maxPollIntervalMs: 100,
          },
        },
      },
    });
    try {
      const before = bfl.submits().length;
      const ids = await submitAsync(gateway, 6);
      await waitFor(() => bfl.submits().length - before >= 6, { timeoutMs: 10_000 });
      await allSucceeded(gateway, ids);
      const at = bfl
        .submits()
        .slice(before)
        .map((c) => c.at);
      // Any 3 consecutive submits span at least the window: 2 per second is never exceeded.
      for (let i = 0; i + 2 < at.length; i++) {
        expect((at[i + 2] as number) - (at[i] as number)).toBeGreaterThanOrEqual(1000);
      }
    } finally {
      await gateway.close();
    }
  });
});
