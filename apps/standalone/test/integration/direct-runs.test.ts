/**
 * Direct runs (docs/decisions/0018-direct-runs.md): a synchronous job of
 * `pnpm start` runs at once, without a queue entry, and keeps every promise
 * a queued one keeps — the provider's concurrency, its attempts and backoff,
 * and, after a crash, a resume by the reconciler that pays its task once.
 */

import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRedis } from "@imagegate/jobs";
import {
  type BflFake,
  type OpenAIFake,
  startBflFake,
  startLocalRedis,
  startOpenAIFake,
  type TestRedis,
  waitFor,
} from "@imagegate/testkit";
import { QueueEvents } from "bullmq";
import { expectPaidOnce, finalJob, startWorkerProcess, type WorkerProcess } from "./faults/rig";
import { startGateway, type TestGateway } from "./gateway";
import { startStandalone } from "./standalone-process";

/** The job ids added to the gateway's `images-openai` queue from now on. */
async function watchOpenAIQueue(gateway: Pick<TestGateway, "env">) {
  const events = new QueueEvents("images-openai", {
    connection: { url: gateway.env.REDIS_URL as string },
    prefix: gateway.env.QUEUE_PREFIX as string,
  });
  const added: string[] = [];
  events.on("added", ({ jobId }) => added.push(jobId));
  await events.waitUntilReady();
  return { added, close: () => events.close() };
}

/** The statuses each job announces on the gateway's job-events channel from now on. */
async function watchJobEvents(gateway: TestGateway) {
  const subscriber = createRedis({ url: gateway.env.REDIS_URL as string });
  const statuses = new Map<string, string[]>();
  subscriber.on("message", (_channel: string, message: string) => {
    const cut = message.indexOf("\n");
    const id = message.slice(0, cut);
    const { status } = JSON.parse(message.slice(cut + 1)) as { status: string };
    statuses.set(id, [...(statuses.get(id) ?? []), status]);
  });
  await subscriber.subscribe(`${gateway.env.QUEUE_PREFIX}:job-events`);
  return { of: (id: string) => statuses.get(id) ?? [], close: () => subscriber.quit() };
}

describe("a synchronous job on the OpenAI-compatible adapter", () => {
  let upstream: OpenAIFake;
  let gateway: TestGateway;
  let queue: Awaited<ReturnType<typeof watchOpenAIQueue>>;

  beforeAll(async () => {
    upstream = await startOpenAIFake("sk-up");
    gateway = await startGateway({
      env: {
        OPENAI_API_KEY: "sk-up",
        OPENAI_BASE_URL: upstream.url,
        ALLOW_PRIVATE_URLS: "true",
        // A reconciler sweep every 0.5 s: a direct run's lease (1 s) must be renewed.
        RECONCILE_INTERVAL_MS: "500",
      },
      providersFile: {
        providers: { openai: { concurrency: 2, attempts: 2, backoffMs: 50 } },
        routes: { "flux.2-max": ["openai"] },
      },
    });
    queue = await watchOpenAIQueue(gateway);
  });

  afterEach(() => {
    upstream.taskMs = 30;
  });

  afterAll(async () => {
    await queue.close();
    await gateway.close();
    await upstream.close();
  });

  const generate = (prompt: string, headers: Record<string, string> = {}) =>
    gateway.post(
      "/v1/images/generations",
      { model: "flux.2-max", prompt, size: "64x64", response_format: "b64_json" },
      headers,
    );

  it("runs with no queue entry, where an async job gets one", async () => {
    const sync = await generate("direct one");
    expect(sync.status).toBe(200);
    const syncId = sync.headers.get("x-imagegate-job-id") as string;
    const async = await generate("direct two", { prefer: "respond-async" });
    expect(async.status).toBe(202);
    await finalJob(gateway, async.body.id);
    await waitFor(() => queue.added.includes(async.body.id), { timeoutMs: 5_000 });
    expect(queue.added).not.toContain(syncId);
  });

  it("is saved claimed for its run: its only status change is its end", async () => {
    const events = await watchJobEvents(gateway);
    try {
      const res = await generate("direct claimed");
      expect(res.status).toBe(200);
      const id = res.headers.get("x-imagegate-job-id") as string;
      await waitFor(() => events.of(id).length > 0, { timeoutMs: 5_000 });
      // A queued run announces its claim (in_progress) first; this run had none to make.
      expect(events.of(id)).toEqual(["succeeded"]);
      const job = (await gateway.get(`/v1/jobs/${id}`)).body;
      expect(job).toMatchObject({ status: "succeeded", provider: "openai" });
      expect(job.started_at).toEqual(expect.any(Number));
    } finally {
      await events.close();
    }
  });

  it("waits a provider's pause out as queued, then answers", async () => {
    const events = await watchJobEvents(gateway);
    const redis = createRedis({ url: gateway.env.REDIS_URL as string });
    try {
      upstream.rateLimitNext(1);
      const limited = generate("direct rate limited");
      const paused = `${gateway.env.QUEUE_PREFIX}:paused:images-openai`;
      await waitFor(async () => (await redis.pttl(paused)) > 0, { timeoutMs: 5_000 });
      const res = await generate("direct during the pause");
      expect(res.status).toBe(200);
      const id = res.headers.get("x-imagegate-job-id") as string;
      // Saved claimed, it gave its claim back at the pause, and was claimed again after it.
      expect(events.of(id)).toEqual(["queued", "in_progress", "succeeded"]);
      expect((await limited).status).toBe(200);
    } finally {
      redis.disconnect();
      await events.close();
    }
  });

  it("retries on its queue with the attempt counted, then answers", async () => {
    const before = upstream.submits().length;
    upstream.failNext(500, 1);
    const res = await generate("direct retry");
    expect(res.status).toBe(200);
    const id = res.headers.get("x-imagegate-job-id") as string;
    expect(upstream.submits().length - before).toBe(2);
    const job = (await gateway.get(`/v1/jobs/${id}`)).body;
    expect(job.attempt_log.map((a: { outcome: string }) => a.outcome)).toEqual([
      "retrying",
      "succeeded",
    ]);
    expect(queue.added).toContain(id);
  });

  it("spends the provider's attempts across the direct run and its queue", async () => {
    const before = upstream.submits().length;
    upstream.failNext(500, 2);
    const res = await generate("direct spent");
    expect(res.status).toBeGreaterThanOrEqual(500);
    // attempts: 2 — the direct run and one retry, not a fresh set of attempts on the queue.
    expect(upstream.submits().length - before).toBe(2);
  });

  it("renews its lease while it runs, so the reconciler never runs it twice", async () => {
    upstream.taskMs = 2_500;
    const before = upstream.submits().length;
    const res = await generate("direct long");
    expect(res.status).toBe(200);
    expect(upstream.submits().length - before).toBe(1);
    const job = (await gateway.get(`/v1/jobs/${res.headers.get("x-imagegate-job-id")}`)).body;
    expect(job.attempt_log).toHaveLength(1);
  });

  it("keeps the provider's concurrency across direct and queued runs", async () => {
    upstream.taskMs = 300;
    const start = upstream.maxActive;
    expect(start).toBeLessThanOrEqual(2);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        generate(`direct crowd ${i}`, i % 2 ? { prefer: "respond-async" } : {}),
      ),
    );
    for (const a of answers) expect([200, 202]).toContain(a.status);
    for (const a of answers.filter((x) => x.status === 202)) {
      expect((await finalJob(gateway, a.body.id)).status).toBe("succeeded");
    }
    expect(upstream.maxActive).toBe(2);
  });
});

describe("a synchronous job handed to its run before its record has landed", () => {
  // A Redis of its own: these tests hold back and refuse its writes.
  let redis: TestRedis;
  let admin: ReturnType<typeof createRedis>;
  let upstream: OpenAIFake;
  let gateway: TestGateway;

  beforeAll(async () => {
    redis = await startLocalRedis();
    admin = createRedis({ url: redis.url });
    upstream = await startOpenAIFake("sk-up");
    gateway = await startGateway({
      env: {
        REDIS_URL: redis.url,
        OPENAI_API_KEY: "sk-up",
        OPENAI_BASE_URL: upstream.url,
        ALLOW_PRIVATE_URLS: "true",
      },
      providersFile: {
        providers: { openai: { concurrency: 1 } },
        routes: { "flux.2-max": ["openai"] },
      },
    });
  });

  afterAll(async () => {
    await gateway.close();
    await upstream.close();
    admin.disconnect();
    await redis.stop();
  });

  const generate = (prompt: string) =>
    gateway.post("/v1/images/generations", {
      model: "flux.2-max",
      prompt,
      size: "64x64",
      response_format: "b64_json",
    });

  it("calls its upstream only once the record has landed", async () => {
    expect((await generate("warm")).status).toBe(200);
    const before = upstream.submits().length;
    // Writes wait (the create among them); reads go on.
    await admin.call("CLIENT", "PAUSE", "1000", "WRITE");
    const answer = generate("held back");
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(upstream.submits().length).toBe(before);
    const res = await answer;
    expect(res.status).toBe(200);
    expect(upstream.submits().length).toBe(before + 1);
  });

  it("calls no upstream when its create fails, and frees its slot", async () => {
    const before = upstream.submits().length;
    // The owner's job index as a string: the create script's ZADD there fails (WRONGTYPE),
    // while every other write of the run (its submit limiter, say) would still go through.
    const [index] = await admin.keys(`${gateway.env.QUEUE_PREFIX}:owner:*:jobs`);
    if (!index) throw new Error("no owner index: the warm-up job made none");
    const kept = await admin.dumpBuffer(index);
    await admin.set(index, "not a sorted set");
    let res: Awaited<ReturnType<typeof generate>>;
    try {
      res = await generate("never saved");
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      await admin.del(index);
      if (kept) await admin.restore(index, 0, kept);
    }
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(upstream.submits().length).toBe(before);
    // Its run gave its slot back (concurrency 1): the next job runs.
    const next = await generate("after the refusal");
    expect(next.status).toBe(200);
    expect(upstream.submits().length).toBe(before + 1);
  });
});

describe("pnpm start on more than one core", () => {
  let upstream: OpenAIFake;
  let standalone: Awaited<ReturnType<typeof startStandalone>>;
  const env: Record<string, string> = {
    REDIS_URL: process.env.REDIS_URL as string,
    QUEUE_PREFIX: `test-${randomUUID()}`,
  };

  beforeAll(async () => {
    upstream = await startOpenAIFake("sk-up");
    const providersFile = join(mkdtempSync(join(tmpdir(), "imagegate-providers-")), "p.json");
    writeFileSync(
      providersFile,
      JSON.stringify({
        providers: { openai: { concurrency: 2 } },
        routes: { "flux.2-max": ["openai"] },
      }),
    );
    standalone = await startStandalone({
      ...env,
      OPENAI_API_KEY: "sk-up",
      OPENAI_BASE_URL: upstream.url,
      ALLOW_PRIVATE_URLS: "true",
      PROVIDERS_FILE: providersFile,
    });
  }, 60_000);

  afterAll(async () => {
    await standalone?.stop();
    await upstream.close();
  });

  it("runs synchronous jobs on the API thread and queued ones in the worker thread, within one concurrency", async () => {
    const queue = await watchOpenAIQueue({ env });
    const redis = createRedis({ url: env.REDIS_URL as string });
    try {
      upstream.taskMs = 300;
      const generate = (i: number) =>
        fetch(`${standalone.url}/v1/images/generations`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(i % 2 ? { prefer: "respond-async" } : {}),
          },
          body: JSON.stringify({ model: "flux.2-max", prompt: `threads ${i}`, size: "64x64" }),
        });
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => generate(i)));
      const syncIds: string[] = [];
      for (const a of answers) {
        if (a.status === 200) syncIds.push(a.headers.get("x-imagegate-job-id") as string);
        else expect(a.status).toBe(202);
      }
      expect(syncIds.length).toBe(4);
      await waitFor(() => upstream.submits().length === 8, { timeoutMs: 10_000 });
      // The async ones had queue entries, run by the worker thread; a sync one that found
      // both slots taken was queued too. Never more than 2 upstream calls at once.
      expect(queue.added.length).toBeGreaterThanOrEqual(4);
      expect(upstream.maxActive).toBe(2);
      // The direct runs' connections are the API thread's, the queues' the worker thread's.
      const list = (await redis.call("CLIENT", "LIST")) as string;
      const names = new Set([...list.matchAll(/ name=(\S+)/g)].map((m) => m[1]));
      for (const name of ["imagegate-api", "imagegate-direct", "imagegate-worker-queues"]) {
        expect(names).toContain(name);
      }
    } finally {
      redis.disconnect();
      await queue.close();
    }
  }, 30_000);
});

describe("a synchronous job while another process also works the provider's queue", () => {
  let upstream: OpenAIFake;
  let gateway: TestGateway;
  let other: WorkerProcess | undefined;

  beforeAll(async () => {
    upstream = await startOpenAIFake("sk-up");
    gateway = await startGateway({
      env: { OPENAI_API_KEY: "sk-up", OPENAI_BASE_URL: upstream.url, ALLOW_PRIVATE_URLS: "true" },
      providersFile: { routes: { "flux.2-max": ["openai"] } },
    });
  });

  afterAll(async () => {
    await other?.kill();
    await gateway.close();
    await upstream.close();
  });

  it("goes through the queue: the local slots no longer bound the provider", async () => {
    const { added, close } = await watchOpenAIQueue(gateway);
    try {
      const generate = () =>
        gateway.post("/v1/images/generations", {
          model: "flux.2-max",
          prompt: "two",
          size: "64x64",
        });
      const alone = await generate();
      expect(added).not.toContain(alone.headers.get("x-imagegate-job-id"));
      other = startWorkerProcess(gateway.env);
      await other.waitForLog("worker started");
      // Each process re-reads its provider's worker count every 5 s.
      await new Promise((resolve) => setTimeout(resolve, 5_500));
      const events = await watchJobEvents(gateway);
      const shared = await generate();
      expect(shared.status).toBe(200);
      const id = shared.headers.get("x-imagegate-job-id") as string;
      await waitFor(() => added.includes(id), { timeoutMs: 5_000 });
      // Saved claimed for a direct run that could not start here: given back as queued,
      // then claimed by whichever worker took its queue entry.
      await waitFor(() => events.of(id).includes("succeeded"), { timeoutMs: 5_000 });
      expect(events.of(id)).toEqual(["queued", "in_progress", "succeeded"]);
      await events.close();
    } finally {
      await close();
    }
  }, 30_000);
});

describe("a direct run whose process is killed", () => {
  let bfl: BflFake;
  let gateway: TestGateway;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    bfl = await startBflFake("bk");
    // The API that reads the job afterwards; the job itself runs in `pnpm start`, killed.
    gateway = await startGateway({
      worker: false,
      env: {
        BFL_API_KEY: "bk",
        BFL_BASE_URL: bfl.url,
        ALLOW_PRIVATE_URLS: "true",
        RECONCILE_INTERVAL_MS: "500",
      },
      providersFile: { providers: { bfl: { pollIntervalMs: 25, maxPollIntervalMs: 100 } } },
    });
  });

  afterAll(async () => {
    await worker?.kill();
    await gateway.close();
    await bfl.close();
  });

  it("is resumed by the reconciler once its lease runs out, its task paid once", async () => {
    const { PORT, HOST, PUBLIC_BASE_URL, ...shared } = gateway.env;
    const standalone = await startStandalone(shared);
    bfl.taskMs = 3_000;
    const answer = fetch(`${standalone.url}/v1/images/generations`, {
      method: "POST",
      headers: { authorization: `Bearer ${gateway.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ prompt: "direct killed", size: "64x64" }),
    }).then(
      () => "answered",
      () => "connection lost",
    );
    await waitFor(() => bfl.tasks.some((t) => t.input.prompt === "direct killed"), {
      timeoutMs: 10_000,
    });
    // The run saves the accepted task to the job's ledger right after the submit answers.
    await new Promise((resolve) => setTimeout(resolve, 500));
    standalone.child.kill("SIGKILL");
    expect(await answer).toBe("connection lost");
    const listed = (await gateway.get("/v1/jobs?limit=1")).body.data as { id: string }[];
    const id = listed[0]?.id as string;
    expect((await gateway.get(`/v1/jobs/${id}`)).body.status).toBe("in_progress");
    bfl.taskMs = 30;
    // Another process takes the job over: its reconciler finds the lease lapsed.
    worker = startWorkerProcess(shared);
    const job = await finalJob(gateway, id, 30_000);
    await expectPaidOnce(job, bfl.tasks);
    await standalone.stop();
  });
});
