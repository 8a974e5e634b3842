import { randomUUID } from "node:crypto";
import type { RedisClient } from "@imagegate/jobs";
import { createRedis, createWebhookSecrets, ROTATION_GRACE_MS } from "@imagegate/jobs";

let redis: RedisClient;

beforeAll(() => {
  redis = createRedis({ url: process.env.REDIS_URL as string });
});

afterAll(() => {
  redis.disconnect();
});

const FIXED = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;

describe("webhook secrets", () => {
  it("gives each owner its own secret, the same in every process", async () => {
    const prefix = `test-${randomUUID()}`;
    const options = { redis, prefix, configured: undefined, configuredOwners: new Set<string>() };
    const [one, two] = [createWebhookSecrets(options), createWebhookSecrets(options)];
    const [a1, a2, b] = await Promise.all([
      one.signing("key_a"),
      two.signing("key_a"),
      one.signing("key_b"),
    ]);
    expect(a1.current).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(a2.current).toBe(a1.current);
    expect(b.current).not.toBe(a1.current);
    expect(a1.previous).toBeNull();
  });

  it("keeps the previous secret signing for 24 h after a rotation", async () => {
    const secrets = createWebhookSecrets({
      redis,
      prefix: `test-${randomUUID()}`,
      configured: undefined,
      configuredOwners: new Set(),
    });
    const now = Date.now();
    const before = await secrets.signing("key_a", now);
    const rotated = await secrets.rotate("key_a", now);
    expect(rotated.current).not.toBe(before.current);
    expect(rotated).toMatchObject({
      previous: before.current,
      previousExpiresAtMs: now + ROTATION_GRACE_MS,
    });
    expect((await secrets.signing("key_a", now + ROTATION_GRACE_MS - 1)).previous).toBe(
      before.current,
    );
    expect(await secrets.signing("key_a", now + ROTATION_GRACE_MS)).toEqual({
      current: rotated.current,
      previous: null,
      previousExpiresAtMs: null,
    });
  });

  it("uses WEBHOOK_SECRET for the configured owners only", async () => {
    const secrets = createWebhookSecrets({
      redis,
      prefix: `test-${randomUUID()}`,
      configured: FIXED,
      configuredOwners: new Set(["key_static", "anonymous"]),
    });
    expect((await secrets.signing("key_static")).current).toBe(FIXED);
    expect((await secrets.signing("anonymous")).current).toBe(FIXED);
    expect(secrets.isConfigured("key_static")).toBe(true);
    expect(secrets.isConfigured("key_managed")).toBe(false);
    expect((await secrets.signing("key_managed")).current).not.toBe(FIXED);
  });
});
