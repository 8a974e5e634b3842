/**
 * Async jobs, long-polling, the sync timeout, models and health, end to end
 * over real HTTP, Redis and workers.
 */
import { createLocalProvider } from "@imagegate/providers";
import { decodeImage, readJson, waitFor } from "@imagegate/testkit";
import pino from "pino";
import { startGateway, type TestGateway } from "./gateway";

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGateway();
});

afterAll(async () => {
  await gateway.close();
});

function api(path: string, init: RequestInit & { key?: string } = {}) {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${init.key ?? gateway.apiKey}`);
  if (init.body) headers.set("content-type", "application/json");
  return fetch(`${gateway.url}${path}`, { ...init, headers });
}

describe("Prefer: respond-async", () => {
  it("answers 202 with the job and Location, then the job succeeds", async () => {
    const res = await api("/v1/images/generations", {
      method: "POST",
      headers: { prefer: "respond-async" },
      body: JSON.stringify({ prompt: "async", size: "64x48", output_format: "webp" }),
    });
    expect(res.status).toBe(202);
    const job = await readJson(res);
    expect(job).toMatchObject({
      object: "image.job",
      operation: "generation",
      model: "flux.2-max",
    });
    expect(job.id).toMatch(/^job_/);
    expect(["queued", "in_progress", "succeeded"]).toContain(job.status);
    expect(res.headers.get("location")).toBe(`/v1/jobs/${job.id}`);

    const polled = await api(`/v1/jobs/${job.id}?wait=20`);
    const done = await readJson(polled);
    expect(done.status).toBe("succeeded");
    expect(done.provider).toBe("local");
    expect(done.progress).toBe(1);
    expect(done.completed_at).toBeGreaterThanOrEqual(done.created_at);
    const url = done.result.data[0].url as string;
    const image = await decodeImage(Buffer.from(await (await fetch(url)).arrayBuffer()));
    expect(image).toEqual({ format: "webp", width: 64, height: 48 });
  });

  it("hides a job from another key (404)", async () => {
    const res = await api("/v1/images/generations", {
      method: "POST",
      headers: { prefer: "respond-async" },
      body: JSON.stringify({ prompt: "mine", size: "32x32" }),
    });
    const job = await readJson(res);
    const other = await api(`/v1/jobs/${job.id}`, { key: "sk-test-b" });
    expect(other.status).toBe(404);
    expect((await readJson(other)).error.code).toBe("not_found");
  });

  it("refuses a bad wait with 400 naming wait", async () => {
    const res = await api("/v1/jobs/job_x?wait=99");
    expect(res.status).toBe(400);
    expect((await readJson(res)).error.param).toBe("wait");
  });
});

describe("file links", () => {
  it("refuse a tampered signature and an unknown key", async () => {
    const res = await api("/v1/images/generations", {
      method: "POST",
      body: JSON.stringify({ prompt: "link", size: "16x16" }),
    });
    const url = new URL((await readJson(res)).data[0].url);
    const tampered = new URL(url);
    tampered.searchParams.set("signature", "AAAA");
    expect((await fetch(tampered)).status).toBe(404);
    const traversal = `${gateway.url}/files/..%2F..%2Fetc%2Fpasswd?${url.searchParams}`;
    expect((await fetch(traversal)).status).toBe(404);
  });
});

describe("models and health", () => {
  it("lists the catalog and shows FLUX.2 [max]'s sizes and parameter handling", async () => {
    const list = await readJson(await api("/v1/models"));
    expect(list.object).toBe("list");
    expect(list.data.map((m: { id: string }) => m.id)).toEqual(
      expect.arrayContaining(["flux.2-max", "flux.2-pro", "flux.2-flex"]),
    );
    const max = await readJson(await api("/v1/models/flux.2-max"));
    expect(max.sizes["1K"]["16:9"]).toBe("1365x768");
    const local = max.providers.find((p: { provider: string }) => p.provider === "local");
    expect(local.enabled).toBe(true);
    expect(local.parameters.n.kind).toBe("emulated");
    const missing = await api("/v1/models/flux.9");
    expect(missing.status).toBe(404);
  });

  it("answers /healthz and /readyz without a key", async () => {
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await readJson(ready)).toMatchObject({ redis: "ok", storage: "ok" });
  });

  it("answers unknown routes with a 404 envelope", async () => {
    const res = await api("/v1/nothing");
    expect(res.status).toBe(404);
    expect((await readJson(res)).error.type).toBe("invalid_request_error");
  });
});

describe("sync timeout", () => {
  let slow: TestGateway;

  beforeAll(async () => {
    slow = await startGateway({
      env: { SYNC_TIMEOUT_MS: "150" },
      providers: new Map([["local", createLocalProvider({ renderDelayMs: 1500 })]]),
    });
  });

  afterAll(async () => {
    await slow.close();
  });

  it("answers 504 naming the job id, and the job still finishes", async () => {
    const res = await fetch(`${slow.baseURL}/images/generations`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${slow.apiKey}` },
      body: JSON.stringify({ prompt: "slow", size: "32x32" }),
    });
    expect(res.status).toBe(504);
    const body = await readJson(res);
    expect(body.error.code).toBe("sync_timeout");
    const jobId = res.headers.get("x-imagegate-job-id") as string;
    expect(body.error.message).toContain(jobId);
    expect(res.headers.get("location")).toBe(`/v1/jobs/${jobId}`);
    const done = await fetch(`${slow.baseURL}/jobs/${jobId}?wait=10`, {
      headers: { authorization: `Bearer ${slow.apiKey}` },
    });
    expect((await readJson(done)).status).toBe("succeeded");
  });
});

describe("a client that leaves a sync wait", () => {
  let slow: TestGateway;
  const lines: { msg: string; status?: number }[] = [];

  beforeAll(async () => {
    const stream = {
      write: (chunk: string) => {
        for (const line of chunk.split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      },
    };
    slow = await startGateway({
      providers: new Map([["local", createLocalProvider({ renderDelayMs: 1500 })]]),
      logger: pino({ level: "info" }, stream),
    });
  });

  afterAll(async () => {
    await slow.close();
  });

  it("is logged as 499, not as a failed request, and the job still finishes", async () => {
    const leave = new AbortController();
    const sent = fetch(`${slow.baseURL}/images/generations`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${slow.apiKey}` },
      body: JSON.stringify({ prompt: "left", size: "32x32" }),
      signal: leave.signal,
    }).catch((err: Error) => err);
    // The job exists once the request waits on it.
    let jobId = "";
    await waitFor(
      async () => {
        jobId = (await slow.get("/v1/jobs?limit=1")).body?.data?.[0]?.id ?? "";
        return jobId !== "";
      },
      { timeoutMs: 5000, intervalMs: 20, message: "the sync job to exist" },
    );
    leave.abort();
    expect(await sent).toMatchObject({ name: "AbortError" });
    await waitFor(() => lines.some((l) => l.msg === "request" && l.status === 499), {
      timeoutMs: 5000,
      message: "the access line of the request whose client left",
    });
    expect(lines.filter((l) => l.msg === "request failed")).toEqual([]);
    const done = await slow.get(`/v1/jobs/${jobId}?wait=10`);
    expect(done.body.status).toBe("succeeded");
  });
});

describe("metrics and the API description", () => {
  it("exposes Prometheus metrics with request timings and queue depths", async () => {
    await api("/v1/models");
    const res = await fetch(`${gateway.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(
      /imagegate_http_request_duration_seconds_count\{method="GET",route="\/v1\/models",status="200"\} \d+/,
    );
    expect(text).toMatch(/imagegate_queue_jobs\{provider="local",state="wait"\} \d+/);
    expect(text).toMatch(/^imagegate_outbox_jobs \d+$/m);
  });

  it("serves an OpenAPI document generated from the request schemas, and a docs page", async () => {
    const doc = await readJson(await fetch(`${gateway.url}/openapi.json`));
    expect(doc.openapi).toBe("3.1.0");
    const request = doc.components.schemas.ImageGenerationRequest;
    expect(request.required).toEqual(["prompt"]);
    expect(request.properties.output_format.enum).toEqual(["png", "jpeg", "gif", "webp", "avif"]);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/v1/images/generations", "/v1/images/edits", "/v1/batches"]),
    );
    const docs = await fetch(`${gateway.url}/docs`);
    expect(docs.headers.get("content-type")).toMatch(/text\/html/);
  });
});

describe("/admin/queues", () => {
  let admin: TestGateway;
  beforeAll(async () => {
    admin = await startGateway({ worker: false, env: { ADMIN_API_KEY: "admin-secret" } });
  });
  afterAll(async () => {
    await admin.close();
  });

  it("is closed without the admin key and opens with it (Bearer or Basic)", async () => {
    expect((await fetch(`${admin.url}/admin/queues`)).status).toBe(401);
    expect(
      (
        await fetch(`${admin.url}/admin/queues`, {
          headers: { authorization: `Bearer ${admin.apiKey}` },
        })
      ).status,
    ).toBe(401);
    const bearer = await fetch(`${admin.url}/admin/queues`, {
      headers: { authorization: "Bearer admin-secret" },
    });
    expect(bearer.status).toBe(200);
    expect(await bearer.text()).toMatch(/<html/i);
    const basic = Buffer.from("admin:admin-secret").toString("base64");
    const api = await fetch(`${admin.url}/admin/queues/api/queues`, {
      headers: { authorization: `Basic ${basic}` },
    });
    expect(api.status).toBe(200);
    const names = ((await readJson(api)).queues as { name: string }[]).map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining(["images-local", "webhooks", "batches"]));
  });

  it("is not mounted without an admin key", async () => {
    expect((await api("/admin/queues")).status).toBe(404);
  });
});
