/**
 * Async jobs complete (docs/architecture.md#the-job-object): listing, cancel in
 * every state (queued, running — with the upstream told — and finished),
 * Server-Sent Events to the final state, Idempotency-Key, and isolation between
 * keys.
 */
import { createLocalProvider } from "@imagegate/providers";
import {
  type FalFake,
  type Json,
  startFalFake,
  startWebhookReceiver,
  waitFor,
} from "@imagegate/testkit";
import { startGateway, type TestGateway } from "./gateway";

let gateway: TestGateway;

beforeAll(async () => {
  // One slow render at a time, so jobs queue up behind each other.
  gateway = await startGateway({
    env: { ALLOW_PRIVATE_URLS: "true" },
    providersFile: { providers: { local: { concurrency: 1 } } },
    providers: new Map([["local", createLocalProvider({ renderDelayMs: 400 })]]),
  });
});

afterAll(async () => {
  await gateway.close();
});

const asyncGenerate = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  gateway.post(
    "/v1/images/generations",
    { prompt: "p", size: "16x16", ...body },
    { prefer: "respond-async", ...headers },
  );
const asB = { authorization: "Bearer sk-test-b" };

describe("GET /v1/jobs", () => {
  it("lists the caller's jobs newest first, by status, with a cursor", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await asyncGenerate({ metadata: { n: String(i) } })).body.id);
    const page = await gateway.get("/v1/jobs?limit=2");
    expect(page.body).toMatchObject({ object: "list", has_more: true });
    expect(page.body.data.map((j: Json) => j.id)).toEqual([ids[2], ids[1]]);
    expect(page.body.first_id).toBe(ids[2]);
    expect(page.body.last_id).toBe(ids[1]);
    const next = await gateway.get(`/v1/jobs?limit=2&after=${page.body.last_id}`);
    expect(next.body.data[0].id).toBe(ids[0]);
    for (const id of ids) await gateway.get(`/v1/jobs/${id}?wait=20`);
    const done = await gateway.get("/v1/jobs?status=succeeded&limit=100");
    expect(done.body.data.map((j: Json) => j.id)).toEqual(expect.arrayContaining(ids));
    expect((await gateway.get("/v1/jobs?limit=101")).status).toBe(400);
    expect((await gateway.get("/v1/jobs?status=done")).body.error.param).toBe("status");
  });
});

describe("POST /v1/jobs/{id}/cancel", () => {
  it("takes a queued job off its queue, reports its position before, and never runs it", async () => {
    const receiver = await startWebhookReceiver(
      (await gateway.get("/v1/webhooks/secret")).body.secret,
    );
    try {
      const running = (await asyncGenerate({})).body.id;
      await waitFor(
        async () => (await gateway.get(`/v1/jobs/${running}`)).body.status === "in_progress",
      );
      const queued = await asyncGenerate({ webhook_url: receiver.url });
      expect(queued.body.status).toBe("queued");
      expect((await gateway.get(`/v1/jobs/${queued.body.id}`)).body.queue_position).toBe(0);
      const canceled = await gateway.post(`/v1/jobs/${queued.body.id}/cancel`, {});
      expect(canceled.status).toBe(200);
      expect(canceled.body.status).toBe("canceled");
      await gateway.get(`/v1/jobs/${running}?wait=20`);
      const after = await gateway.get(`/v1/jobs/${queued.body.id}`);
      expect(after.body).toMatchObject({ status: "canceled", result: null, attempt_log: [] });
      await waitFor(() => receiver.deliveries.length === 1, { timeoutMs: 10_000 });
      expect(receiver.deliveries[0]?.payload?.type).toBe("image.job.canceled");
    } finally {
      await receiver.close();
    }
  });

  it("answers 409 for a finished job", async () => {
    const job = await gateway.post("/v1/images/generations", { prompt: "p", size: "16x16" });
    const res = await gateway.post(`/v1/jobs/${job.body.job_id}/cancel`, {});
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("job_already_final");
  });

  describe("a running job on fal", () => {
    let fal: FalFake;
    let falGateway: TestGateway;
    beforeAll(async () => {
      fal = await startFalFake("fk");
      falGateway = await startGateway({
        env: { FAL_KEY: "fk", FAL_BASE_URL: fal.url },
        providersFile: { providers: { fal: { pollIntervalMs: 20, maxPollIntervalMs: 100 } } },
      });
    });
    afterAll(async () => {
      await falGateway.close();
      await fal.close();
    });

    it("aborts the worker and cancels the upstream request", async () => {
      fal.taskMs = 10_000;
      const job = await falGateway.post(
        "/v1/images/generations",
        { prompt: "long", size: "64x64" },
        { prefer: "respond-async" },
      );
      await waitFor(() => fal.tasks.length === 1, { timeoutMs: 5_000 });
      await waitFor(
        async () => (await falGateway.get(`/v1/jobs/${job.body.id}`)).body.status === "in_progress",
      );
      const res = await falGateway.post(`/v1/jobs/${job.body.id}/cancel`, {});
      expect(res.body.status).toBe("canceled");
      await waitFor(() => fal.cancels.length === 1, {
        timeoutMs: 5_000,
        message: "fal sees the cancel",
      });
      expect(fal.cancels[0]).toBe(fal.tasks[0]?.id);
      await waitFor(
        async () => (await falGateway.get(`/v1/jobs/${job.body.id}`)).body.attempt_log.length === 1,
      );
      expect((await falGateway.get(`/v1/jobs/${job.body.id}`)).body.attempt_log[0].outcome).toBe(
        "canceled",
      );
    });
  });
});

describe("GET /v1/jobs/{id}/events", () => {
  it("streams the job's states until it is final", async () => {
    const job = (await asyncGenerate({})).body;
    const res = await fetch(`${gateway.url}/v1/jobs/${job.id}/events`, {
      headers: { authorization: `Bearer ${gateway.apiKey}` },
    });
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const text = await res.text();
    const events = text
      .split("\n\n")
      .filter((block) => block.startsWith("event:"))
      .map((block) => ({
        event: block.split("\n")[0]?.slice(7),
        data: JSON.parse(block.split("\n")[1]?.slice(6) ?? "{}"),
      }));
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events[0]?.data.id).toBe(job.id);
    expect(events.at(-1)).toMatchObject({ event: "done", data: { status: "succeeded" } });
    expect(events.slice(0, -1).every((e) => e.event === "job")).toBe(true);
  });
});

describe("Idempotency-Key", () => {
  it("returns the same job for the same key and body, and 409 for another body", async () => {
    const key = { "idempotency-key": `k-${Date.now()}` };
    const first = await asyncGenerate({ seed: 1 }, key);
    const second = await asyncGenerate({ seed: 1 }, key);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    const conflict = await asyncGenerate({ seed: 2 }, key);
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe("idempotency_conflict");
    const otherKey = await asyncGenerate({ seed: 1 }, { ...key, ...asB });
    expect(otherKey.status).toBe(202);
    expect(otherKey.body.id).not.toBe(first.body.id);
  });

  it("answers a sync replay with the same images", async () => {
    const key = { "idempotency-key": `sync-${Date.now()}` };
    const a = await gateway.post("/v1/images/generations", { prompt: "same", size: "16x16" }, key);
    const b = await gateway.post("/v1/images/generations", { prompt: "same", size: "16x16" }, key);
    expect(b.body.job_id).toBe(a.body.job_id);
  });
});

describe("isolation between keys", () => {
  it("answers 404 to key B for key A's job, cancel, events and webhook, and lists none of them", async () => {
    const job = (await asyncGenerate({})).body;
    const asOther = (path: string, method = "GET") =>
      fetch(`${gateway.url}${path}`, { method, headers: { authorization: "Bearer sk-test-b" } });
    expect((await asOther(`/v1/jobs/${job.id}`)).status).toBe(404);
    expect((await asOther(`/v1/jobs/${job.id}/cancel`, "POST")).status).toBe(404);
    expect((await asOther(`/v1/jobs/${job.id}/events`)).status).toBe(404);
    expect((await asOther(`/v1/jobs/${job.id}/webhook/redeliver`, "POST")).status).toBe(404);
    const list = await gateway.get("/v1/jobs?limit=100", asB);
    expect(list.body.data.map((j: Json) => j.id)).not.toContain(job.id);
    expect((await gateway.get(`/v1/jobs/${job.id}`)).status).toBe(200);
  });
});
