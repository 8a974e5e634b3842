/**
 * The gateway behind Redis Sentinel (a primary, a replica and a sentinel
 * started by the test kit): requests work through REDIS_SENTINELS, and after
 * the primary is killed the sentinel promotes the replica and the gateway
 * follows it — the next generation succeeds with no restart.
 */
import { startRedisSentinel, type TestRedisSentinel } from "@imagegate/testkit";
import { startGateway, type TestGateway } from "./gateway";

let sentinel: TestRedisSentinel;
let gateway: TestGateway;

beforeAll(async () => {
  sentinel = await startRedisSentinel();
  gateway = await startGateway({
    env: { REDIS_SENTINELS: sentinel.sentinels, REDIS_SENTINEL_NAME: sentinel.name },
  });
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await sentinel?.stop();
});

describe("imagegate behind Redis Sentinel", () => {
  it("generates through the sentinel's primary, and again after a failover", async () => {
    const first = await gateway.post("/v1/images/generations", { prompt: "one", size: "32x32" });
    expect(first.status).toBe(200);
    const { killed, promoted } = await sentinel.killPrimary();
    expect(promoted).not.toBe(killed);
    const second = await gateway.post("/v1/images/generations", { prompt: "two", size: "32x32" });
    expect(second.status).toBe(200);
    const job = await gateway.get(`/v1/jobs/${(first.body as { job_id: string }).job_id}`);
    expect(job.body).toMatchObject({ status: "succeeded" });
  }, 60_000);
});
