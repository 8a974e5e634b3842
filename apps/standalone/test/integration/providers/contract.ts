/**
 * The provider contract: the same acceptance cases for every adapter, run
 * through the whole gateway (HTTP → queue → worker → adapter → fake upstream
 * speaking the provider's real protocol). Each provider's test file supplies
 * its fake and how to read the body its upstream received.
 */
import type { FakeControls, FakeRequest, Json } from "@imagegate/testkit";
import { decodeImage, makeImage } from "@imagegate/testkit";
import { type ApiAnswer, startGateway, type TestGateway } from "../gateway";

/** A fake upstream as the contract drives it. */
type ContractFake = FakeControls & {
  url: string;
  submits(): FakeRequest[];
  close(): Promise<void>;
};

/** What a provider's test file supplies. */
export type ProviderSpec = {
  id: "bfl" | "fal" | "replicate" | "openai";
  startFake(key: string): Promise<ContractFake>;
  /** Env that points the gateway at the fake. */
  env(fake: ContractFake, key: string): Record<string, string>;
  /** The parameters the upstream received in a submit. */
  input(call: FakeRequest): Record<string, unknown>;
  /** The upstream's native size for an exact 1000×700 request. */
  expectNativeSize(input: Record<string, unknown>): void;
  /** Upstream submits per image with n=2 (2 on fan-out providers, 1 on native n). */
  submitsForTwo: number;
  /** Checks how an edit's two input images reached the upstream. */
  expectEdit(call: FakeRequest, input: Record<string, unknown>): void;
  /** True for queue/task protocols (an accepted task is resumed); false for a synchronous call. */
  tasks: boolean;
  /** Provider-specific cases, run against the same fake and gateway. */
  more?(suite: ContractSuite): void;
};

/** What provider-specific cases get from the contract suite (valid inside tests). */
type ContractSuite = {
  gateway(): TestGateway;
  /** POSTs a generation (`b64_json`, prompt "a lighthouse" unless given). */
  generate(body: Record<string, unknown>): Promise<ApiAnswer>;
  /** The parameters the upstream received in the last submit. */
  lastInput(): Record<string, unknown>;
  /** An edit of one 48×32 PNG given as a data URI. */
  edit(body: Record<string, unknown>): Promise<ApiAnswer>;
};

/** Fast polling and backoff so the suite runs in seconds. */
function fastLimits(id: string, overrides: Record<string, unknown> = {}) {
  return {
    providers: {
      [id]: {
        pollIntervalMs: 15,
        maxPollIntervalMs: 100,
        backoffMs: 30,
        attempts: 3,
        timeoutMs: 10_000,
        ...overrides,
      },
    },
  };
}

/** The format and dimensions of the `index`-th b64 image of a response. */
export async function imageOf(body: Json, index = 0) {
  return decodeImage(Buffer.from(body.data[index].b64_json as string, "base64"));
}

/** Registers the contract suite for one provider. */
export function describeProviderContract(spec: ProviderSpec): void {
  const key = `${spec.id}-key-ok`;
  let fake: ContractFake;
  let gateway: TestGateway;
  const generate = (body: Record<string, unknown>) =>
    gateway.post("/v1/images/generations", {
      prompt: "a lighthouse",
      response_format: "b64_json",
      ...body,
    });
  const lastInput = () => spec.input(fake.submits().at(-1) as FakeRequest);

  beforeAll(async () => {
    fake = await spec.startFake(key);
    gateway = await startGateway({ env: spec.env(fake, key), providersFile: fastLimits(spec.id) });
  });

  afterAll(async () => {
    await gateway.close();
    await fake.close();
  });

  const edit = async (body: Record<string, unknown>) => {
    const uri = `data:image/png;base64,${(await makeImage(48, 32)).toString("base64")}`;
    return gateway.post("/v1/images/edits", {
      prompt: "edit me",
      image: uri,
      response_format: "b64_json",
      ...body,
    });
  };

  describe(`${spec.id} adapter through the queue`, () => {
    it("serves a generation and says so", async () => {
      const res = await generate({ size: "1024x1024" });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-imagegate-provider")).toBe(spec.id);
      expect(res.body.provider).toBe(spec.id);
      expect(await imageOf(res.body)).toEqual({ format: "png", width: 1024, height: 1024 });
      expect(lastInput().prompt).toBe("a lighthouse");
    });

    it("makes an exact size the provider cannot make natively", async () => {
      const res = await generate({ size: "1000x700" });
      expect(res.status).toBe(200);
      expect(await imageOf(res.body)).toMatchObject({ width: 1000, height: 700 });
      spec.expectNativeSize(lastInput());
    });

    it("passes the seed, known extras and unknown parameters", async () => {
      const res = await generate({
        size: "512x512",
        seed: 123,
        safety_tolerance: 3,
        my_param: { deep: [1, 2] },
      });
      expect(res.status).toBe(200);
      const input = lastInput();
      expect(Number(input.seed)).toBe(123);
      const myParam =
        typeof input.my_param === "string" ? JSON.parse(input.my_param) : input.my_param;
      expect(myParam).toEqual({ deep: [1, 2] });
      expect(String(input.safety_tolerance)).toBe("3");
      expect(res.body.applied.native.seed).toBe(123);
    });

    it.each(["webp", "avif", "gif"])(
      "converts to %s, which the upstream was not asked for",
      async (format) => {
        const res = await generate({ size: "256x256", output_format: format });
        expect(res.status).toBe(200);
        expect(await imageOf(res.body)).toEqual({ format, width: 256, height: 256 });
      },
    );

    it("makes n=2 images", async () => {
      const before = fake.submits().length;
      const res = await generate({ size: "256x256", n: 2 });
      expect(res.status).toBe(200);
      expect(res.body.data).toHaveLength(2);
      expect(fake.submits().length - before).toBe(spec.submitsForTwo);
    });

    it("hands an edit's input images over in the provider's own form", async () => {
      const uri = `data:image/png;base64,${(await makeImage(48, 32)).toString("base64")}`;
      const res = await gateway.post("/v1/images/edits", {
        prompt: "edit me",
        image: [uri, uri],
        size: "256x256",
        response_format: "b64_json",
      });
      expect(res.status).toBe(200);
      expect(await imageOf(res.body)).toMatchObject({ width: 256, height: 256 });
      const call = fake.submits().at(-1) as FakeRequest;
      spec.expectEdit(call, spec.input(call));
    });

    it("retries a 500 and succeeds", async () => {
      fake.failNext(500);
      const before = fake.submits().length;
      const res = await generate({ size: "256x256" });
      expect(res.status).toBe(200);
      expect(fake.submits().length - before).toBe(2);
      const job = await gateway.get(`/v1/jobs/${res.body.job_id}`);
      expect(job.body.attempt_log.map((a: Json) => a.outcome)).toEqual(["retrying", "succeeded"]);
    });

    it("waits out a 429 with Retry-After without spending an attempt", async () => {
      fake.rateLimitNext(1);
      const started = Date.now();
      const res = await generate({ size: "256x256" });
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      const job = await gateway.get(`/v1/jobs/${res.body.job_id}`);
      expect(job.body.attempt_log.map((a: Json) => a.outcome)).toEqual([
        "rate_limited",
        "succeeded",
      ]);
      expect(job.body.attempts).toBe(1);
    });

    if (spec.tasks) {
      it("rides out failing polls, result fetches and downloads without a second submit", async () => {
        fake.failPollNext(503, 2);
        if (spec.id === "fal") fake.failResultNext(502);
        fake.failDownloadNext(500);
        const before = fake.submits().length;
        const res = await generate({ size: "256x256" });
        expect(res.status).toBe(200);
        expect(fake.submits().length - before).toBe(1);
        const job = await gateway.get(`/v1/jobs/${res.body.job_id}`);
        expect(job.body.upstream_tasks).toMatchObject([{ provider: spec.id, state: "succeeded" }]);
        expect(job.body.attempts).toBe(1);
      });

      it("submits anew only after the provider says the task failed", async () => {
        fake.failTaskNext();
        const before = fake.submits().length;
        const res = await generate({ size: "256x256" });
        expect(res.status).toBe(200);
        expect(fake.submits().length - before).toBe(2);
        const job = await gateway.get(`/v1/jobs/${res.body.job_id}`);
        expect(job.body.upstream_tasks.map((t: Json) => t.state)).toEqual(["failed", "succeeded"]);
      });
    }

    it("answers a moderation refusal with 422 and never submits twice", async () => {
      fake.moderateNext();
      const before = fake.submits().length;
      const res = await generate({ size: "256x256" });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe("content_policy_violation");
      expect(res.body.error.message).toContain(spec.id);
      expect(fake.submits().length - before).toBe(1);
    });
  });

  describe(`${spec.id} adapter limits and credentials`, () => {
    const slowGateway = (limits: Record<string, number>) =>
      startGateway({
        env: spec.env(fake, key),
        providersFile: fastLimits(spec.id, { attempts: 1, ...limits }),
      });

    if (spec.tasks) {
      it("waits for a task slower than the request timeout: one task, no resubmit", async () => {
        const slow = await slowGateway({ timeoutMs: 300, taskLifetimeMs: 20_000 });
        try {
          fake.delayNext(1_500);
          const before = fake.submits().length;
          const res = await slow.post("/v1/images/generations", {
            prompt: "slow",
            size: "256x256",
          });
          expect(res.status).toBe(200);
          expect(fake.submits().length - before).toBe(1);
          const job = await slow.get(`/v1/jobs/${res.body.job_id}`);
          expect(job.body.upstream_tasks).toMatchObject([
            { provider: spec.id, state: "succeeded" },
          ]);
        } finally {
          await slow.close();
        }
      });

      it("ends a task past its lifetime with 504 upstream_timeout, never resubmitting", async () => {
        const slow = await slowGateway({ timeoutMs: 300, taskLifetimeMs: 800 });
        try {
          fake.delayNext(5_000);
          const before = fake.submits().length;
          const res = await slow.post("/v1/images/generations", {
            prompt: "slow",
            size: "256x256",
          });
          expect(res.status).toBe(504);
          expect(res.body.error).toMatchObject({ code: "upstream_timeout" });
          expect(fake.submits().length - before).toBe(1);
          const job = await slow.get(`/v1/jobs/${res.headers.get("x-imagegate-job-id")}`);
          expect(job.body.upstream_tasks).toMatchObject([{ state: "expired" }]);
        } finally {
          await slow.close();
        }
      });
    } else {
      it("times out a synchronous call that takes too long (504)", async () => {
        const slow = await slowGateway({ timeoutMs: 300 });
        try {
          fake.delayNext(3_000);
          const res = await slow.post("/v1/images/generations", {
            prompt: "slow",
            size: "256x256",
          });
          expect(res.body.error).toMatchObject({ code: "timeout" });
          expect(res.status).toBe(504);
        } finally {
          await slow.close();
        }
      });
    }

    it("fails clearly on bad credentials, naming the provider", async () => {
      const wrong = await startGateway({
        env: spec.env(fake, "wrong-key"),
        providersFile: fastLimits(spec.id),
      });
      try {
        const res = await wrong.post("/v1/images/generations", { prompt: "p", size: "256x256" });
        expect(res.status).toBe(502);
        expect(res.body.error.code).toBe("upstream_auth_failed");
        expect(res.body.error.message).toMatch(
          new RegExp(`^${spec.id}: credentials refused \\(401\\)`),
        );
      } finally {
        await wrong.close();
      }
    });
  });

  if (spec.more) {
    describe(`${spec.id} specifics`, () => {
      spec.more?.({ gateway: () => gateway, generate, lastInput, edit });
    });
  }
}
