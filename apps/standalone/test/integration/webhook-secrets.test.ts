/**
 * One webhook secret per key (docs/architecture.md#tenants): a tenant's
 * deliveries verify with its own secret and with no other tenant's, so no
 * tenant can forge events another accepts; a rotation signs with both secrets
 * for 24 h.
 */
import {
  startWebhookReceiver,
  verifiesWith as verifies,
  type WebhookReceiver,
  waitFor,
} from "@imagegate/testkit";
import { type ApiAnswer, startGateway, type TestGateway } from "./gateway";

const ADMIN = "sk-admin-hooks";
let gateway: TestGateway;
let receiver: WebhookReceiver;
let secretA: string;
let secretB: string;

/** GET/POST with key `key`. */
async function as(key: string, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  const res = await fetch(`${gateway.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

beforeAll(async () => {
  gateway = await startGateway({ env: { ALLOW_PRIVATE_URLS: "true", ADMIN_API_KEY: ADMIN } });
  secretA = (await as("sk-test-a", "GET", "/v1/webhooks/secret")).body.secret;
  secretB = (await as("sk-test-b", "GET", "/v1/webhooks/secret")).body.secret;
  receiver = await startWebhookReceiver(secretA);
});

afterAll(async () => {
  await gateway.close();
  await receiver.close();
});

/** Submits a job of `key` with the receiver as webhook; resolves with its delivery. */
async function delivered(key: string) {
  const res = await as(key, "POST", "/v1/images/generations", {
    prompt: "hook",
    size: "16x16",
    webhook_url: receiver.url,
  });
  expect(res.status).toBe(200);
  const messageId = `msg_job${(res.body.job_id as string).slice(4)}`;
  await waitFor(() => receiver.deliveries.some((d) => d.id === messageId), { timeoutMs: 10_000 });
  return receiver.deliveries.find((d) => d.id === messageId) as WebhookReceiver["deliveries"][0];
}

describe("per-key webhook secrets", () => {
  it("gives two static keys different secrets, each stable", async () => {
    expect(secretA).toMatch(/^whsec_/);
    expect(secretB).toMatch(/^whsec_/);
    expect(secretA).not.toBe(secretB);
    expect((await as("sk-test-a", "GET", "/v1/webhooks/secret")).body).toEqual({
      object: "webhook_secret",
      secret: secretA,
      previous_secret_expires_at: null,
    });
  });

  it("signs key A's delivery with A's secret: it verifies with A's and not with B's", async () => {
    const delivery = await delivered("sk-test-a");
    expect(delivery.verified).toBe(true);
    expect(verifies(secretA, delivery.raw)).toBe(true);
    expect(verifies(secretB, delivery.raw)).toBe(false);
  });

  it("signs key B's delivery with B's secret, which A's receiver refuses", async () => {
    const delivery = await delivered("sk-test-b");
    expect(delivery.verified).toBe(false);
    expect(verifies(secretB, delivery.raw)).toBe(true);
  });

  it("gives a managed key its own secret", async () => {
    const created = await fetch(`${gateway.url}/admin/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "hooks" }),
    });
    const { key } = (await created.json()) as { key: string };
    const secret = (await as(key, "GET", "/v1/webhooks/secret")).body.secret;
    expect([secretA, secretB]).not.toContain(secret);
    const delivery = await delivered(key);
    expect(verifies(secret, delivery.raw)).toBe(true);
    expect(verifies(secretA, delivery.raw)).toBe(false);
  });

  it("rotates: the new secret is returned and both sign for 24 h", async () => {
    const before = Math.floor(Date.now() / 1000);
    const rotated = await as("sk-test-b", "POST", "/v1/webhooks/secret/rotate");
    expect(rotated.status).toBe(200);
    const next = rotated.body.secret as string;
    expect(next).not.toBe(secretB);
    expect(rotated.body.previous_secret_expires_at).toBeGreaterThanOrEqual(before + 86_400);
    expect(rotated.body.previous_secret_expires_at).toBeLessThanOrEqual(before + 86_401);
    const delivery = await delivered("sk-test-b");
    expect((delivery.raw.headers["webhook-signature"] ?? "").split(" ")).toHaveLength(2);
    expect(verifies(next, delivery.raw)).toBe(true);
    expect(verifies(secretB, delivery.raw)).toBe(true);
    expect(verifies(secretA, delivery.raw)).toBe(false);
    expect((await as("sk-test-b", "GET", "/v1/webhooks/secret")).body.secret).toBe(next);
  });
});

describe("WEBHOOK_SECRET", () => {
  let fixed: TestGateway;
  const FIXED = `whsec_${Buffer.alloc(32, 3).toString("base64")}`;
  beforeAll(async () => {
    fixed = await startGateway({ worker: false, env: { WEBHOOK_SECRET: FIXED } });
  });
  afterAll(async () => {
    await fixed.close();
  });

  it("is the static keys' secret, rotated in the environment only", async () => {
    expect((await fixed.get("/v1/webhooks/secret")).body.secret).toBe(FIXED);
    const rotate = await fixed.post("/v1/webhooks/secret/rotate", {});
    expect(rotate.status).toBe(400);
    expect(rotate.body.error.message).toMatch(/WEBHOOK_SECRET/);
  });
});
