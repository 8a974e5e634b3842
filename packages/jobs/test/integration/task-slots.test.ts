import { randomUUID } from "node:crypto";
import { createRedis, createTaskSlots, type RedisClient, taskSlotHolder } from "@imagegate/jobs";

let redis: RedisClient;
let others: RedisClient[];

beforeAll(() => {
  redis = createRedis({ url: process.env.REDIS_URL as string });
  others = Array.from({ length: 4 }, () => createRedis({ url: process.env.REDIS_URL as string }));
});

afterAll(() => {
  redis.disconnect();
  for (const r of others) r.disconnect();
});

describe("task slots", () => {
  it("grants at most `limit` leases to takers racing on separate connections", async () => {
    const prefix = `test-${randomUUID()}`;
    const slots = others.map((r) => createTaskSlots(r, prefix));
    const granted = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        slots[i % slots.length]?.take("bfl", 3, taskSlotHolder(`job_${i}`, 0), 60_000),
      ),
    );
    expect(granted.filter(Boolean)).toHaveLength(3);
    expect(await createTaskSlots(redis, prefix).count("bfl")).toBe(3);
  });

  it.each([
    ["a lease already held is renewed, not refused", "renew"],
    ["a resumed task holds its lease past the limit", "hold"],
    ["a released lease frees its place", "release"],
    ["a lapsed lease frees its place", "lapse"],
  ])("%s", async (_label, how) => {
    const prefix = `test-${randomUUID()}`;
    const slots = createTaskSlots(redis, prefix);
    const a = taskSlotHolder("job_a", 0);
    const b = taskSlotHolder("job_b", 0);
    expect(await slots.take("fal", 1, a, how === "lapse" ? 50 : 60_000)).toBe(true);
    switch (how) {
      case "renew":
        expect(await slots.take("fal", 1, a, 60_000)).toBe(true);
        expect(await slots.take("fal", 1, b, 60_000)).toBe(false);
        break;
      case "hold":
        await slots.hold("fal", b, 60_000);
        expect(await slots.count("fal")).toBe(2);
        expect(await slots.take("fal", 2, taskSlotHolder("job_c", 0), 60_000)).toBe(false);
        break;
      case "release":
        await slots.release("fal", [a]);
        expect(await slots.take("fal", 1, b, 60_000)).toBe(true);
        break;
      case "lapse":
        await new Promise((resolve) => setTimeout(resolve, 80));
        expect(await slots.take("fal", 1, b, 60_000)).toBe(true);
        break;
    }
  });

  it("counts each provider apart", async () => {
    const prefix = `test-${randomUUID()}`;
    const slots = createTaskSlots(redis, prefix);
    expect(await slots.take("bfl", 1, taskSlotHolder("job_a", 0), 60_000)).toBe(true);
    expect(await slots.take("fal", 1, taskSlotHolder("job_a", 0), 60_000)).toBe(true);
    expect(await slots.take("bfl", 1, taskSlotHolder("job_b", 0), 60_000)).toBe(false);
  });
});
