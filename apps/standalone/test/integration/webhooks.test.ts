/**
 * Signed webhooks (docs/architecture.md#webhooks, Standard Webhooks): verified
 * by a receiver using `standardwebhooks`' `Webhook.verify`, retried on the
 * schedule, failed after the last attempt and redelivered on request; webhook
 * URLs are checked for SSRF at submit.
 */
import { readJson, startWebhookReceiver, type WebhookReceiver, waitFor } from "@imagegate/testkit";
import { startGateway, type TestGateway } from "./gateway";

let gateway: TestGateway;
let receiver: WebhookReceiver;

beforeAll(async () => {
  gateway = await startGateway({
    env: { ALLOW_PRIVATE_URLS: "true", WEBHOOK_RETRY_SCHEDULE: "1,1,1" },
  });
  const secret = await gateway.get("/v1/webhooks/secret");
  expect(secret.body).toMatchObject({
    object: "webhook_secret",
    secret: expect.stringMatching(/^whsec_/),
  });
  receiver = await startWebhookReceiver(secret.body.secret);
});

afterAll(async () => {
  await gateway.close();
  await receiver.close();
});

async function submit(): Promise<string> {
  const res = await gateway.post(
    "/v1/images/generations",
    { prompt: "hook", size: "32x32", webhook_url: receiver.url },
    { prefer: "respond-async" },
  );
  expect(res.status).toBe(202);
  expect(res.body.webhook).toEqual({
    url: receiver.url,
    status: "pending",
    attempts: 0,
    last_status_code: null,
  });
  return res.body.id as string;
}

const deliveriesOf = (id: string) =>
  receiver.deliveries.filter((d) => d.payload?.data.id === id || d.id === `msg_${id.slice(4)}`);

describe("webhooks", () => {
  it("delivers a signed image.job.succeeded once", async () => {
    const id = await submit();
    await waitFor(() => deliveriesOf(id).length === 1, { timeoutMs: 10_000 });
    const [delivery] = deliveriesOf(id);
    expect(delivery).toMatchObject({ verified: true, status: 200 });
    expect(delivery?.payload?.type).toBe("image.job.succeeded");
    expect(delivery?.payload?.data).toMatchObject({ id, status: "succeeded", object: "image.job" });
    await waitFor(
      async () => (await gateway.get(`/v1/jobs/${id}`)).body.webhook.status === "delivered",
    );
    const job = await gateway.get(`/v1/jobs/${id}`);
    expect(job.body.webhook).toEqual({
      url: receiver.url,
      status: "delivered",
      attempts: 1,
      last_status_code: 200,
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(deliveriesOf(id)).toHaveLength(1);
  });

  it("retries a failing receiver and delivers on the third attempt with the same webhook-id", async () => {
    receiver.failNext(500, 2);
    const id = await submit();
    await waitFor(() => deliveriesOf(id).length === 3, { timeoutMs: 15_000 });
    const attempts = deliveriesOf(id);
    expect(attempts.map((d) => d.status)).toEqual([500, 500, 200]);
    expect(new Set(attempts.map((d) => d.id)).size).toBe(1);
    expect(attempts.every((d) => d.verified)).toBe(true);
    expect((attempts[1]?.at as number) - (attempts[0]?.at as number)).toBeGreaterThanOrEqual(900);
    await waitFor(
      async () => (await gateway.get(`/v1/jobs/${id}`)).body.webhook.status === "delivered",
    );
    expect((await gateway.get(`/v1/jobs/${id}`)).body.webhook).toMatchObject({
      attempts: 3,
      last_status_code: 200,
    });
  });

  it("marks the delivery failed after the last attempt, then redelivers on request", async () => {
    receiver.failNext(503, 4);
    const id = await submit();
    await waitFor(
      async () => (await gateway.get(`/v1/jobs/${id}`)).body.webhook.status === "failed",
      { timeoutMs: 20_000 },
    );
    expect((await gateway.get(`/v1/jobs/${id}`)).body.webhook).toMatchObject({
      attempts: 4,
      last_status_code: 503,
    });
    const redeliver = await gateway.post(`/v1/jobs/${id}/webhook/redeliver`, {});
    expect(redeliver.status).toBe(202);
    await waitFor(
      async () => (await gateway.get(`/v1/jobs/${id}`)).body.webhook.status === "delivered",
      { timeoutMs: 10_000 },
    );
    expect(deliveriesOf(id).at(-1)?.status).toBe(200);
  });

  it("honours Retry-After on a 429", async () => {
    receiver.failNext(429, 1, { "retry-after": "2" });
    const id = await submit();
    await waitFor(() => deliveriesOf(id).length === 2, { timeoutMs: 15_000 });
    const [first, second] = deliveriesOf(id);
    expect((second?.at as number) - (first?.at as number)).toBeGreaterThanOrEqual(1900);
  });

  it("refuses to redeliver for a job without a webhook, or someone else's", async () => {
    const plain = await gateway.post("/v1/images/generations", { prompt: "p", size: "16x16" });
    expect((await gateway.post(`/v1/jobs/${plain.body.job_id}/webhook/redeliver`, {})).status).toBe(
      400,
    );
    const other = await fetch(`${gateway.url}/v1/jobs/${plain.body.job_id}/webhook/redeliver`, {
      method: "POST",
      headers: { authorization: "Bearer sk-test-b" },
    });
    expect(other.status).toBe(404);
  });
});

describe("webhook URL checks", () => {
  let strict: TestGateway;
  beforeAll(async () => {
    strict = await startGateway({ worker: false });
  });
  afterAll(async () => {
    await strict.close();
  });

  it.each([
    "http://127.0.0.1:9/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.8/hook",
    "http://[::1]/hook",
    "http://localhost/hook",
    "ftp://example.com/hook",
    "not a url",
  ])("refuses %s with 400 naming webhook_url", async (url) => {
    const res = await strict.post(
      "/v1/images/generations",
      { prompt: "p", webhook_url: url },
      { prefer: "respond-async" },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe("webhook_url");
    const list = await readJson(
      await fetch(`${strict.url}/v1/jobs`, {
        headers: { authorization: `Bearer ${strict.apiKey}` },
      }),
    );
    expect(list.data).toHaveLength(0);
  });
});
