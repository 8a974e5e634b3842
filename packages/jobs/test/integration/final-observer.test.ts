import { randomUUID } from "node:crypto";
import {
  createRedis,
  type JobRecord,
  newJobRecord,
  observeFinalOnce,
  type RedisClient,
} from "@imagegate/jobs";
import { normalizeImageRequest } from "@imagegate/params";

let redis: RedisClient;
beforeAll(() => {
  redis = createRedis({ url: process.env.REDIS_URL as string });
});
afterAll(() => redis.disconnect());

function record(id: string): JobRecord {
  return newJobRecord({
    id,
    owner: "o",
    request: normalizeImageRequest({ prompt: "p" }),
    model: "flux.2-max",
    route: ["local"],
    requestId: null,
    batchId: null,
  });
}

describe("observeFinalOnce", () => {
  it("tells about each final job once, however many processes announce it", async () => {
    const prefix = `test-${randomUUID()}`;
    const seen: string[] = [];
    const make = () =>
      observeFinalOnce({ redis, prefix, ttlSeconds: 60, observe: (r) => seen.push(r.id) });
    const [a, b] = [make(), make()];
    await Promise.all([a(record("job_1")), b(record("job_1")), a(record("job_1"))]);
    await b(record("job_2"));
    expect(seen.sort()).toEqual(["job_1", "job_2"]);
    expect(await redis.ttl(`${prefix}:job:job_1:counted`)).toBeGreaterThan(50);
  });
});
