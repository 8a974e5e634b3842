/**
 * Provider completion callbacks (docs/providers.md#callbacks): fal (ED25519
 * over JWKS), Replicate (Standard Webhooks with the account secret) and BFL
 * (our `webhook_secret` echoed back) call the gateway when a task ends; the job
 * finishes at once with at most 2 polls. A lost callback still finishes by
 * polling; a forged or replayed one is refused with 401 and changes nothing.
 */
import { createHash, randomUUID } from "node:crypto";
import { bflCallbackSecret, createRedis } from "@imagegate/jobs";
import {
  type BflFake,
  type FalFake,
  type Json,
  type ReplicateFake,
  startBflFake,
  startFalFake,
  startReplicateFake,
} from "@imagegate/testkit";
import { Webhook } from "standardwebhooks";
import { finalJob, submitAsync, tasksOf } from "../faults/rig";
import { startGateway, type TestGateway } from "../gateway";

type Fake = BflFake | FalFake | ReplicateFake;
type Case = {
  id: "bfl" | "fal" | "replicate";
  start: () => Promise<Fake>;
  env: (fake: Fake) => Record<string, string>;
  /** A callback body and headers for `taskId` the provider would send (validly signed). */
  signed: (gateway: TestGateway, fake: Fake, taskId: string) => Promise<Signed>;
};
type Signed = { body: string; headers: Record<string, string> };

const cases: Case[] = [
  {
    id: "bfl",
    start: () => startBflFake("bk"),
    env: (fake) => ({ BFL_API_KEY: "bk", BFL_BASE_URL: fake.url }),
    async signed(gateway, _fake, taskId) {
      const redis = createRedis({ url: gateway.config.redis.url });
      try {
        const secret = await bflCallbackSecret(redis, gateway.config.queuePrefix);
        const body = JSON.stringify({ id: taskId, status: "Ready", result: null });
        return { body, headers: { "x-webhook-secret": secret } };
      } finally {
        redis.disconnect();
      }
    },
  },
  {
    id: "fal",
    start: () => startFalFake("fk"),
    env: (fake) => ({
      FAL_KEY: "fk",
      FAL_BASE_URL: fake.url,
      FAL_JWKS_URL: (fake as FalFake).jwksUrl,
    }),
    async signed(_gateway, fake, taskId) {
      const body = JSON.stringify({ request_id: taskId, status: "OK", payload: {}, error: null });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const digest = createHash("sha256").update(body).digest("hex");
      const message = Buffer.from(`${taskId}\nuser\n${timestamp}\n${digest}`);
      return {
        body,
        headers: {
          "x-fal-webhook-request-id": taskId,
          "x-fal-webhook-user-id": "user",
          "x-fal-webhook-timestamp": timestamp,
          "x-fal-webhook-signature": (fake as FalFake).sign(message),
        },
      };
    },
  },
  {
    id: "replicate",
    start: () => startReplicateFake("rt"),
    env: (fake) => ({ REPLICATE_API_TOKEN: "rt", REPLICATE_BASE_URL: fake.url }),
    async signed(_gateway, fake, taskId) {
      const body = JSON.stringify({ id: taskId, status: "succeeded" });
      const id = `msg_${randomUUID()}`;
      const now = new Date();
      return {
        body,
        headers: {
          "webhook-id": id,
          "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
          "webhook-signature": new Webhook((fake as ReplicateFake).webhookSecret).sign(
            id,
            now,
            body,
          ),
        },
      };
    },
  },
];

describe.each(cases)("$id callbacks", (spec) => {
  let fake: Fake;
  let gateway: TestGateway;

  beforeAll(async () => {
    fake = await spec.start();
    gateway = await startGateway({
      env: { ...spec.env(fake), PROVIDER_CALLBACKS: "true" },
      providersFile: {
        providers: {
          [spec.id]: { pollIntervalMs: 100, callbackPollIntervalMs: 10_000, backoffMs: 50 },
        },
      },
    });
  });

  afterAll(async () => {
    await gateway.close();
    await fake.close();
  });

  const post = (signed: Signed) =>
    fetch(`${gateway.url}/callbacks/${spec.id}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...signed.headers },
      body: signed.body,
    });

  it("finishes the job when the callback comes, in at most 2 polls", async () => {
    fake.taskMs = 1_500;
    const prompt = `callback ${spec.id}`;
    const started = Date.now();
    const id = await submitAsync(gateway, { prompt, size: "256x256" });
    const job = await finalJob(gateway, id, 15_000);
    expect(job.status).toBe("succeeded");
    // The slow schedule would first poll after 10 s: the callback woke it.
    expect(Date.now() - started).toBeLessThan(6_000);
    const [task] = tasksOf(fake.tasks, prompt);
    expect(fake.pollsOf(task?.id ?? "")).toBeLessThanOrEqual(2);
    expect(fake.callbacksSent).toContainEqual({ taskId: task?.id, status: 204 });
  }, 20_000);

  it("still finishes by polling when the callback is lost", async () => {
    const slow = await startGateway({
      env: { ...spec.env(fake), PROVIDER_CALLBACKS: "true" },
      providersFile: {
        providers: { [spec.id]: { callbackPollIntervalMs: 1_000, backoffMs: 50 } },
      },
    });
    try {
      fake.taskMs = 300;
      fake.loseCallbacksNext();
      const id = await submitAsync(slow, { prompt: `lost ${spec.id}`, size: "256x256" });
      const job = await finalJob(slow, id, 15_000);
      expect(job.status).toBe("succeeded");
      expect(tasksOf(fake.tasks, `lost ${spec.id}`)).toHaveLength(1);
    } finally {
      await slow.close();
    }
  }, 20_000);

  it("refuses a forged callback with 401 and changes nothing", async () => {
    const genuine = await spec.signed(gateway, fake, "task-forged");
    // A signature covers the body (fal, Replicate); BFL's echoed secret does not, so a wrong one.
    const forged =
      spec.id === "bfl"
        ? { ...genuine, headers: { "x-webhook-secret": "not-the-secret" } }
        : { ...genuine, body: genuine.body.replace("task-forged", "task-other") };
    const res = await post(forged);
    expect(res.status).toBe(401);
    expect(((await res.json()) as Json).error).toMatchObject({ code: "invalid_callback" });
    const unsigned = await post({ body: genuine.body, headers: {} });
    expect(unsigned.status).toBe(401);
  });

  it("refuses a replayed callback", async () => {
    const signed = await spec.signed(gateway, fake, `task-${randomUUID()}`);
    expect((await post(signed)).status).toBe(204);
    const again = await post(signed);
    expect(again.status).toBe(401);
    expect(((await again.json()) as Json).error.message).toMatch(/replay/);
  });
});

describe("callbacks off", () => {
  it("has no callback route and asks no provider to call back", async () => {
    const bfl = await startBflFake("bk");
    const gateway = await startGateway({ env: { BFL_API_KEY: "bk", BFL_BASE_URL: bfl.url } });
    try {
      const res = await fetch(`${gateway.url}/callbacks/bfl`, { method: "POST", body: "{}" });
      expect(res.status).toBe(404);
      const job = await finalJob(
        gateway,
        await submitAsync(gateway, { prompt: "off", size: "64x64" }),
      );
      expect(job.status).toBe("succeeded");
      expect(bfl.submits().at(-1)?.body).not.toHaveProperty("webhook_url");
    } finally {
      await gateway.close();
      await bfl.close();
    }
  });
});
