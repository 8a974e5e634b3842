/**
 * Tenants end to end (docs/architecture.md#tenants): managed keys behind the
 * admin key, requests per minute, budgets held at submit and settled on
 * success, usage, model allowlists — on a gateway whose `local` renderer is
 * priced at $0.10 an image, so every figure is known in advance.
 */
import { type Json, waitFor } from "@imagegate/testkit";
import OpenAI from "openai";
import { type ApiAnswer, startGateway, type TestGateway } from "./gateway";
import { runBatch } from "./run-batch";

const ADMIN = "sk-admin-test";
let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGateway({
    env: { ADMIN_API_KEY: ADMIN },
    providersFile: { providers: { local: { price: { per_image_usd: 0.1 } } } },
  });
});

afterAll(async () => {
  await gateway.close();
});

/** A call with `key` as the Bearer key (null = none). */
async function call(
  key: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiAnswer> {
  const res = await fetch(`${gateway.url}${path}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

const admin = (method: string, path: string, body?: unknown) => call(ADMIN, method, path, body);

async function managedKey(name: string, limits: Record<string, unknown> = {}) {
  const res = await admin("POST", "/admin/keys", { name, limits });
  expect(res.status).toBe(201);
  return res.body as { id: string; key: string };
}

const submit = (key: string, body: Record<string, unknown> = {}) =>
  call(
    key,
    "POST",
    "/v1/images/generations",
    { prompt: "p", size: "16x16", ...body },
    {
      prefer: "respond-async",
    },
  );

async function untilFinal(key: string, id: string): Promise<Json> {
  let job: Json = null;
  await waitFor(
    async () => {
      job = (await call(key, "GET", `/v1/jobs/${id}?wait=5`)).body;
      return ["succeeded", "failed", "canceled"].includes(job.status);
    },
    { timeoutMs: 20_000, message: `job ${id} final` },
  );
  return job;
}

describe("admin keys", () => {
  it("refuse tenant keys and callers without a key", async () => {
    for (const key of [gateway.apiKey, null, "sk-admin-tes"]) {
      for (const [method, path] of [
        ["POST", "/admin/keys"],
        ["GET", "/admin/keys"],
        ["GET", "/admin/keys/key_x/usage"],
      ] as const) {
        const res = await call(key, method, path, method === "POST" ? { name: "x" } : undefined);
        expect({ key, path, status: res.status, code: res.body.error.code }).toEqual({
          key,
          path,
          status: 401,
          code: "invalid_api_key",
        });
      }
    }
  });

  it("create a key shown once, list it redacted beside the static keys, change and read it", async () => {
    const created = await admin("POST", "/admin/keys", {
      name: "team a",
      limits: { requests_per_minute: 100, budget_usd: 5 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^key_[0-9a-f]{24}$/),
      object: "api_key",
      name: "team a",
      source: "managed",
      key: expect.stringMatching(/^sk-ig-/),
      redacted_key: expect.stringMatching(/^sk-ig-…/),
      limits: { requests_per_minute: 100, budget_usd: 5, models: null },
      disabled: false,
      created_at: expect.any(Number),
    });
    const { id, key } = created.body;
    const list = await admin("GET", "/admin/keys");
    expect(JSON.stringify(list.body)).not.toContain(key);
    expect(list.body.data.map((k: Json) => [k.name, k.source])).toEqual(
      expect.arrayContaining([
        ["API_KEYS[0]", "static"],
        ["API_KEYS[1]", "static"],
        ["team a", "managed"],
      ]),
    );
    const patched = await admin("PATCH", `/admin/keys/${id}`, {
      name: "team a2",
      limits: { requests_per_minute: null, models: ["flux.2-pro"] },
    });
    expect(patched.body).toMatchObject({
      name: "team a2",
      limits: { requests_per_minute: null, budget_usd: 5, models: ["flux.2-pro"] },
    });
    expect((await admin("GET", `/admin/keys/${id}`)).body).toEqual(patched.body);
    expect(
      (await admin("PATCH", `/admin/keys/${id}`, { limits: { models: ["nope"] } })).body.error,
    ).toMatchObject({ code: "invalid_value", param: "limits.models.0" });
    const staticId = list.body.data[0].id;
    expect((await admin("DELETE", `/admin/keys/${staticId}`)).status).toBe(400);
    expect((await admin("GET", "/admin/keys/key_000000000000000000000000")).status).toBe(404);
  });

  it("a deleted key is refused at once; a disabled one until enabled again", async () => {
    const { id, key } = await managedKey("short-lived");
    expect((await call(key, "GET", "/v1/jobs")).status).toBe(200);
    expect((await admin("PATCH", `/admin/keys/${id}`, { disabled: true })).status).toBe(200);
    expect((await call(key, "GET", "/v1/jobs")).status).toBe(401);
    await admin("PATCH", `/admin/keys/${id}`, { disabled: false });
    expect((await call(key, "GET", "/v1/jobs")).status).toBe(200);
    expect((await admin("DELETE", `/admin/keys/${id}`)).body).toEqual({
      id,
      object: "api_key",
      deleted: true,
    });
    const refused = await call(key, "GET", "/v1/jobs");
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("invalid_api_key");
    expect((await admin("DELETE", `/admin/keys/${id}`)).status).toBe(404);
  });
});

describe("requests_per_minute", () => {
  it("answers the 4th submit within the minute with 429 rate_limit_exceeded; other keys go on", async () => {
    const limited = await managedKey("rpm", { requests_per_minute: 3 });
    const other = await managedKey("rpm other", { requests_per_minute: 3 });
    for (let i = 0; i < 3; i++) {
      const res = await submit(limited.key);
      expect(res.status).toBe(202);
      expect(res.headers.get("x-ratelimit-limit-requests")).toBe("3");
      expect(res.headers.get("x-ratelimit-remaining-requests")).toBe(String(2 - i));
      expect(res.headers.get("x-ratelimit-reset-requests")).toMatch(/^(1m0s|\d+(\.\d+)?s)$/);
    }
    const fourth = await submit(limited.key);
    expect(fourth.status).toBe(429);
    expect(fourth.body.error).toMatchObject({
      code: "rate_limit_exceeded",
      type: "rate_limit_error",
    });
    expect(Number(fourth.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(fourth.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(fourth.headers.get("x-ratelimit-remaining-requests")).toBe("0");
    // Reads are not counted; the other keys are untouched.
    expect((await call(limited.key, "GET", "/v1/jobs")).status).toBe(200);
    expect((await submit(other.key)).status).toBe(202);
    const unlimited = await submit(gateway.apiKey);
    expect(unlimited.status).toBe(202);
    expect(unlimited.headers.get("x-ratelimit-limit-requests")).toBeNull();
  });
});

describe("budgets", () => {
  it("8 parallel submissions against $0.30 at $0.10: 3 accepted, 5 insufficient_quota; usage adds up", async () => {
    const { id, key } = await managedKey("budget", { budget_usd: 0.3 });
    const answers = await Promise.all(Array.from({ length: 8 }, () => submit(key)));
    const accepted = answers.filter((a) => a.status === 202);
    const refused = answers.filter((a) => a.status !== 202);
    expect(accepted).toHaveLength(3);
    for (const r of refused) {
      expect(r.status).toBe(429);
      expect(r.body.error).toMatchObject({
        code: "insufficient_quota",
        type: "insufficient_quota",
      });
      expect(r.body.error.message).toMatch(
        /estimated at \$0\.10, but the key has \$0\.00 left of its \$0\.30 budget/,
      );
      expect(r.headers.get("x-should-retry")).toBe("false");
    }
    expect(accepted[0]?.body.cost).toEqual({ estimated_usd: 0.1, actual_usd: null, source: null });
    const held = await call(key, "GET", "/v1/usage");
    expect(held.body).toMatchObject({ remaining_usd: 0, budget_usd: 0.3 });
    // A fast job may already have settled its hold: held and spent cover the three between them.
    expect(held.body.held_usd + held.body.spent_usd).toBeCloseTo(0.3, 10);

    const jobs = await Promise.all(accepted.map((a) => untilFinal(key, a.body.id)));
    for (const job of jobs) {
      expect(job.status).toBe("succeeded");
      expect(job.cost).toEqual({ estimated_usd: 0.1, actual_usd: 0.1, source: "price_table" });
      expect(job.result.cost_usd).toBe(0.1);
    }
    await waitFor(async () => (await call(key, "GET", "/v1/usage")).body.held_usd === 0);
    const usage = await call(key, "GET", "/v1/usage");
    expect(usage.body).toEqual({
      object: "usage",
      key_id: id,
      start_time: null,
      end_time: null,
      images: accepted.length,
      jobs: accepted.length,
      spent_usd: 0.3,
      held_usd: 0,
      budget_usd: 0.3,
      remaining_usd: 0,
      by_model: [{ model: "flux.2-max", provider: "local", images: 3, cost_usd: 0.3 }],
    });
    expect(usage.body.spent_usd).toBeCloseTo(0.1 * accepted.length, 10);
    expect((await admin("GET", `/admin/keys/${id}/usage`)).body).toEqual(usage.body);

    // Spent: refused until the admin raises the budget.
    expect((await submit(key)).status).toBe(429);
    await admin("PATCH", `/admin/keys/${id}`, { limits: { budget_usd: 0.5 } });
    const sync = await call(key, "POST", "/v1/images/generations", {
      prompt: "p",
      size: "16x16",
      n: 2,
    });
    expect(sync.status).toBe(200);
    expect(sync.body.cost_usd).toBe(0.2);
    // Usage is settled by the job's announcement, a moment after the final write answered.
    await waitFor(async () => (await call(key, "GET", "/v1/usage")).body.held_usd === 0);
    const after = await call(key, "GET", "/v1/usage");
    expect(after.body).toMatchObject({ images: 5, jobs: 4, spent_usd: 0.5, remaining_usd: 0 });
  });

  it("counts usage by UTC day: a window of yesterday is empty, one of today has it all", async () => {
    const { key } = await managedKey("windows");
    const job = await submit(key, { n: 2 });
    await untilFinal(key, job.body.id);
    await waitFor(async () => (await call(key, "GET", "/v1/usage")).body.held_usd === 0);
    const now = Math.floor(Date.now() / 1000);
    const today = await call(key, "GET", `/v1/usage?start_time=${now - 60}`);
    expect(today.body).toMatchObject({ images: 2, jobs: 1, spent_usd: 0.2, start_time: now - 60 });
    const midnight = now - (now % 86_400);
    const yesterday = await call(
      key,
      "GET",
      `/v1/usage?start_time=${midnight - 86_400}&end_time=${midnight - 1}`,
    );
    expect(yesterday.body).toMatchObject({ images: 0, spent_usd: 0, by_model: [] });
    expect((await call(key, "GET", "/v1/usage?end_time=5")).status).toBe(400);
  });

  it("holds batch lines as they are enqueued: lines past the budget end in the error file", async () => {
    const { key } = await managedKey("batch budget", { budget_usd: 0.2 });
    const client = new OpenAI({ apiKey: key, baseURL: gateway.baseURL, maxRetries: 0 });
    const lines = ["a", "b", "c", "d"].map((id) =>
      JSON.stringify({
        custom_id: id,
        method: "POST",
        url: "/v1/images/generations",
        body: { prompt: id, size: "16x16" },
      }),
    );
    const batch = await runBatch(client, `${lines.join("\n")}\n`, 30_000);
    expect(batch.request_counts).toEqual({ total: 4, completed: 2, failed: 2 });
    const errors = (await (await client.files.content(batch.error_file_id as string)).text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(errors.map((e) => [e.custom_id, e.error.code])).toEqual([
      ["c", "insufficient_quota"],
      ["d", "insufficient_quota"],
    ]);
    expect(errors[0].error.message).toMatch(/\$0\.00 left of its \$0\.20 budget/);
    const output = (await (await client.files.content(batch.output_file_id as string)).text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(output.map((o) => o.response.body.cost_usd)).toEqual([0.1, 0.1]);
    await waitFor(async () => (await call(key, "GET", "/v1/usage")).body.held_usd === 0);
    expect((await call(key, "GET", "/v1/usage")).body).toMatchObject({
      images: 2,
      spent_usd: 0.2,
      remaining_usd: 0,
    });
  });
});

describe("model allowlists", () => {
  it("refuses a model the key may not use with 403 model_not_allowed, before fetching any image", async () => {
    const { key } = await managedKey("pro only", { models: ["flux.2-pro"] });
    const refused = await submit(key, { model: "flux.2-max" });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: "model_not_allowed", param: "model" });
    expect((await submit(key, { model: "flux.2-pro" })).status).toBe(202);
    const edit = await call(key, "POST", "/v1/images/edits", {
      prompt: "p",
      model: "flux.2-max",
      image: "http://203.0.113.9/never-fetched.png",
    });
    expect(edit.status).toBe(403);
  });
});

describe("release on cancel", () => {
  let queued: TestGateway;
  beforeAll(async () => {
    queued = await startGateway({
      worker: false,
      env: { ADMIN_API_KEY: ADMIN },
      providersFile: { providers: { local: { price: { per_image_usd: 0.1 } } } },
    });
  });
  afterAll(async () => {
    await queued.close();
  });

  it("gives a canceled job's hold back, and shows it was not charged", async () => {
    const res = await queued.post(
      "/v1/images/generations",
      { prompt: "p", n: 3 },
      { prefer: "respond-async" },
    );
    expect(res.status).toBe(202);
    expect((await queued.get("/v1/usage")).body).toMatchObject({ held_usd: 0.3, budget_usd: null });
    const canceled = await queued.post(`/v1/jobs/${res.body.id}/cancel`, {});
    expect(canceled.body.cost).toEqual({
      estimated_usd: 0.3,
      actual_usd: 0,
      source: "not_charged",
    });
    expect((await queued.get("/v1/usage")).body).toMatchObject({
      held_usd: 0,
      spent_usd: 0,
      images: 0,
    });
  });
});
