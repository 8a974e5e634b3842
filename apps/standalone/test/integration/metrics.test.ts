/**
 * Operators' questions answered by /metrics: after a generation the job,
 * image and upstream-call series of its provider and model have moved; a
 * failed job counts its error code; in split mode the worker process serves
 * its own /healthz and /metrics on WORKER_PORT; the API counts new jobs
 * waiting for a worker to queue them.
 */
import { type Config, loadConfig } from "@imagegate/jobs";
import { ProviderError } from "@imagegate/providers";
import { startBflFake, waitFor } from "@imagegate/testkit";
import { startWorker } from "@imagegate/worker";
import { startGateway, type TestGateway } from "./gateway";

/** The value of one series of a Prometheus text exposition, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    const body = line.slice(name.length + 1, line.indexOf("}"));
    const found = Object.fromEntries(
      [...body.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) {
      return Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return 0;
}

const ADMIN = "admin-metrics-key";

async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(res.status).toBe(200);
  return res.text();
}

/**
 * Scrapes until series `name{labels}` is above `floor`: a job is counted by its
 * announcement, a moment after the final write its answer left on.
 */
async function scrapeCounted(
  url: string,
  name: string,
  labels: Record<string, string>,
  floor = 0,
): Promise<string> {
  let text = "";
  await waitFor(
    async () => {
      text = await scrape(url);
      return sample(text, name, labels) > floor;
    },
    { timeoutMs: 5_000, intervalMs: 20, message: `${name} to be counted` },
  );
  return text;
}

describe("GET /metrics (API and workers in one process)", () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startGateway({ env: { ADMIN_API_KEY: ADMIN } });
  });
  afterAll(() => gateway.close());

  it("moves the succeeded job, image and upstream series of the provider and model", async () => {
    const labels = { model: "flux.2-max", provider: "local" };
    const before = await scrape(gateway.url);
    const res = await gateway.post("/v1/images/generations", {
      prompt: "a counted lighthouse",
      size: "64x64",
      n: 2,
    });
    expect(res.status).toBe(200);
    const succeeded = { ...labels, operation: "generation", status: "succeeded", code: "" };
    const after = await scrapeCounted(
      gateway.url,
      "imagegate_jobs_total",
      succeeded,
      sample(before, "imagegate_jobs_total", succeeded),
    );
    expect(sample(after, "imagegate_jobs_total", succeeded)).toBe(
      sample(before, "imagegate_jobs_total", succeeded) + 1,
    );
    expect(sample(after, "imagegate_images_total", labels)).toBe(
      sample(before, "imagegate_images_total", labels) + 2,
    );
    const calls = { provider: "local", outcome: "succeeded" };
    expect(sample(after, "imagegate_upstream_call_duration_seconds_count", calls)).toBe(
      sample(before, "imagegate_upstream_call_duration_seconds_count", calls) + 2,
    );
    expect(
      sample(after, "imagegate_queue_wait_seconds_count", { provider: "local" }),
    ).toBeGreaterThan(0);
    expect(
      sample(after, "imagegate_job_duration_seconds_count", { ...labels, status: "succeeded" }),
    ).toBeGreaterThan(0);
    // The local renderer reports no cost: the price table's charge stands in, when it has one.
    const charged = (res.body as { cost_usd: number | null }).cost_usd ?? 0;
    const priced = { ...labels, source: "price_table" };
    expect(sample(after, "imagegate_cost_usd_total", priced)).toBeCloseTo(
      sample(before, "imagegate_cost_usd_total", priced) + charged,
      9,
    );
    expect(after).toMatch(/^# TYPE imagegate_webhook_deliveries_total counter$/m);
    expect(after).toMatch(/^# TYPE imagegate_batch_lines_total counter$/m);
  });

  it("counts a canceled job once, with its status", async () => {
    const canceled = {
      model: "flux.2-max",
      operation: "generation",
      status: "canceled",
    };
    const before = sample(await scrape(gateway.url), "imagegate_jobs_total", canceled);
    const worker = await startGateway({ worker: false, env: { ADMIN_API_KEY: ADMIN } });
    try {
      const job = await worker.post(
        "/v1/images/generations",
        { prompt: "never runs", size: "64x64" },
        { prefer: "respond-async" },
      );
      const id = (job.body as { id: string }).id;
      expect((await worker.post(`/v1/jobs/${id}/cancel`, {})).status).toBe(200);
      // Counted by the API process that ended it, not by the other gateway.
      const text = await scrape(worker.url);
      expect(sample(text, "imagegate_jobs_total", canceled)).toBe(1);
    } finally {
      await worker.close();
    }
    expect(sample(await scrape(gateway.url), "imagegate_jobs_total", canceled)).toBe(before);
  });

  it("counts a failed job with its error code, and the upstream error by class", async () => {
    const refusing = await startGateway({
      env: { ADMIN_API_KEY: ADMIN },
      providers: new Map([
        [
          "local",
          {
            id: "local",
            submit: async () => {
              throw new ProviderError("local", "content_refused", "flagged by the fake");
            },
          },
        ],
      ]),
    });
    try {
      const res = await refusing.post("/v1/images/generations", { prompt: "no", size: "16x16" });
      expect(res.status).toBe(422);
      const failed = {
        model: "flux.2-max",
        provider: "local",
        status: "failed",
        code: "content_policy_violation",
      };
      const text = await scrapeCounted(refusing.url, "imagegate_jobs_total", failed);
      expect(sample(text, "imagegate_jobs_total", failed)).toBe(1);
      expect(
        sample(text, "imagegate_upstream_errors_total", {
          provider: "local",
          class: "content_refused",
        }),
      ).toBe(1);
    } finally {
      await refusing.close();
    }
  });

  it("adds the cost the provider reported on the job's upstream tasks (BFL: 6 credits)", async () => {
    const fake = await startBflFake();
    const bfl = await startGateway({
      env: { ADMIN_API_KEY: ADMIN, BFL_API_KEY: "bfl-test-key", BFL_BASE_URL: fake.url },
      providersFile: { providers: { bfl: { pollIntervalMs: 15, maxPollIntervalMs: 100 } } },
    });
    try {
      const res = await bfl.post("/v1/images/generations", { prompt: "paid", size: "64x64", n: 2 });
      expect(res.status).toBe(200);
      const labels = { provider: "bfl", model: "flux.2-max" };
      const reported = { ...labels, source: "provider" };
      const text = await scrapeCounted(bfl.url, "imagegate_cost_usd_total", reported);
      expect(sample(text, "imagegate_cost_usd_total", reported)).toBeCloseTo(0.12, 6);
      expect(sample(text, "imagegate_images_total", labels)).toBe(2);
    } finally {
      await bfl.close();
      await fake.close();
    }
  });

  it("refuses a scrape without the admin key", async () => {
    expect((await fetch(`${gateway.url}/metrics`)).status).toBe(401);
  });
});

describe("the worker's own port in split mode (WORKER_PORT)", () => {
  let api: TestGateway;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let config: Config;
  beforeAll(async () => {
    api = await startGateway({ worker: false, env: { ADMIN_API_KEY: ADMIN } });
    config = loadConfig({ ...api.env, WORKER_PORT: "0" });
    worker = await startWorker(config);
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  it("answers /healthz with Redis reachable", async () => {
    const res = await fetch(`http://127.0.0.1:${worker.healthPort}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", redis: "ok" });
  });

  it("serves the job metrics of the jobs it ran, behind the admin key", async () => {
    const url = `http://127.0.0.1:${worker.healthPort}`;
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const res = await api.post("/v1/images/generations", { prompt: "split", size: "64x64" });
    expect(res.status).toBe(200);
    const labels = { model: "flux.2-max", provider: "local", status: "succeeded" };
    const text = await scrapeCounted(url, "imagegate_jobs_total", labels);
    expect(sample(text, "imagegate_jobs_total", labels)).toBe(1);
    expect(text).toMatch(/^imagegate_process_cpu_seconds_total /m);
  });
});

describe("the outbox's backlog (imagegate_outbox_jobs)", () => {
  it("counts new jobs until a worker starts and queues them", async () => {
    const api = await startGateway({ worker: false, env: { ADMIN_API_KEY: ADMIN } });
    const stops: (() => Promise<void>)[] = [() => api.close()];
    try {
      const ids: string[] = [];
      for (const prompt of ["first", "second"]) {
        const res = await api.post(
          "/v1/images/generations",
          { prompt, size: "64x64" },
          { prefer: "respond-async" },
        );
        expect(res.status).toBe(202);
        ids.push(res.body.id);
      }
      expect(await scrape(api.url)).toMatch(/^imagegate_outbox_jobs 2$/m);
      const worker = await startWorker(api.config);
      stops.unshift(() => worker.close());
      await waitFor(async () => /^imagegate_outbox_jobs 0$/m.test(await scrape(api.url)), {
        message: "the outbox to be drained",
      });
      for (const id of ids) {
        await waitFor(async () => (await api.get(`/v1/jobs/${id}`)).body.status === "succeeded", {
          timeoutMs: 10_000,
          message: `job ${id} to succeed`,
        });
      }
    } finally {
      for (const stop of stops) await stop();
    }
  });
});
