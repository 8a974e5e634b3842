/**
 * Failover (docs/architecture.md#queues-retries-and-failover): when one
 * provider's attempts are spent on retryable errors, the job moves to the next
 * provider of its route, which gets the request in its own parameter names.
 */
import {
  type BflFake,
  type FalFake,
  type Json,
  startBflFake,
  startFalFake,
} from "@imagegate/testkit";
import { startGateway, type TestGateway } from "../gateway";

let bfl: BflFake;
let fal: FalFake;
let gateway: TestGateway;

beforeAll(async () => {
  [bfl, fal] = await Promise.all([startBflFake("bk"), startFalFake("fk")]);
  const fast = { pollIntervalMs: 15, maxPollIntervalMs: 100, backoffMs: 20, attempts: 2 };
  gateway = await startGateway({
    env: { BFL_API_KEY: "bk", BFL_BASE_URL: bfl.url, FAL_KEY: "fk", FAL_BASE_URL: fal.url },
    providersFile: {
      providers: { bfl: fast, fal: fast },
      routes: { "flux.2-max": ["bfl", "fal"] },
    },
  });
});

afterAll(async () => {
  await gateway.close();
  await Promise.all([bfl.close(), fal.close()]);
});

describe("failover", () => {
  it("moves to fal when BFL keeps answering 503, with fal's own parameters", async () => {
    bfl.failNext(503, 2);
    const res = await gateway.post("/v1/images/generations", {
      prompt: "p",
      size: "1000x700",
      seed: 5,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-imagegate-provider")).toBe("fal");
    expect(res.body.provider).toBe("fal");
    expect(bfl.submits()).toHaveLength(2);
    const falBody = fal.submits().at(-1)?.body as Json;
    expect(falBody).toMatchObject({
      prompt: "p",
      seed: 5,
      image_size: { width: 1008, height: 704 },
    });
    expect(falBody.width).toBeUndefined();
    const job = await gateway.get(`/v1/jobs/${res.body.job_id}`);
    expect(job.body.attempt_log.map((a: Json) => [a.provider, a.outcome])).toEqual([
      ["bfl", "retrying"],
      ["bfl", "failed_over"],
      ["fal", "succeeded"],
    ]);
    expect(job.body.attempt_log[0].error).toMatchObject({
      code: "upstream_unavailable",
      upstream_status: 503,
    });
    expect(job.body.applied.provider).toBe("fal");
  });

  it("fails with the last provider's error when every provider is down", async () => {
    bfl.failNext(503, 2);
    fal.failNext(502, 2);
    const res = await gateway.post("/v1/images/generations", { prompt: "p", size: "64x64" });
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ code: "upstream_unavailable" });
    expect(res.body.error.message).toMatch(/^fal:/);
  });

  it("never fails over a content refusal", async () => {
    bfl.moderateNext();
    const before = fal.submits().length;
    const res = await gateway.post("/v1/images/generations", { prompt: "p", size: "64x64" });
    expect(res.status).toBe(422);
    expect(fal.submits().length).toBe(before);
  });
});
