/**
 * The documented schemas are what the routes send: real answers of a
 * running gateway parse with the zod schemas behind /openapi.json; and
 * /docs renders the operations in Chromium with no request leaving the
 * gateway's origin (the network is cut: any other origin is aborted).
 */
import {
  BatchSchema,
  ErrorEnvelopeSchema,
  FileSchema,
  ImagesResponseSchema,
  JobSchema,
  listOf,
  ModelListSchema,
  ModelSchema,
  WebhookSecretSchema,
} from "@imagegate/api";
import { waitFor } from "@imagegate/testkit";
import type { Browser } from "playwright-core";
import { foreignRequests, launchChromium, openPage } from "./browser";
import { startGateway, type TestGateway } from "./gateway";

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(() => gateway.close());

describe("answers match the documented schemas", () => {
  it("images, jobs, lists, models, webhook secret and errors", async () => {
    const sync = await gateway.post("/v1/images/generations", { prompt: "doc", size: "16x16" });
    ImagesResponseSchema.strict().parse(sync.body);
    const queued = await gateway.post(
      "/v1/images/generations",
      { prompt: "doc async", size: "16x16", metadata: { a: "b" } },
      { prefer: "respond-async" },
    );
    JobSchema.strict().parse(queued.body);
    const id = (queued.body as { id: string }).id;
    JobSchema.strict().parse((await gateway.get(`/v1/jobs/${id}?wait=30`)).body);
    listOf(JobSchema.strict())
      .strict()
      .parse((await gateway.get("/v1/jobs?limit=5")).body);
    ModelListSchema.parse((await gateway.get("/v1/models")).body);
    ModelSchema.strict().parse((await gateway.get("/v1/models/flux.2-max")).body);
    WebhookSecretSchema.strict().parse((await gateway.get("/v1/webhooks/secret")).body);
    const missing = await gateway.get("/v1/jobs/job_missing");
    expect(missing.status).toBe(404);
    ErrorEnvelopeSchema.strict().parse(missing.body);
  });

  it("files and batches", async () => {
    const form = new FormData();
    const line = {
      custom_id: "a",
      method: "POST",
      url: "/v1/images/generations",
      body: { prompt: "x", size: "16x16" },
    };
    form.append("purpose", "batch");
    form.append("file", new Blob([`${JSON.stringify(line)}\n`]), "in.jsonl");
    const upload = await fetch(`${gateway.url}/v1/files`, {
      method: "POST",
      headers: { authorization: `Bearer ${gateway.apiKey}` },
      body: form,
    });
    const file = FileSchema.strict().parse(await upload.json());
    const created = await gateway.post("/v1/batches", {
      input_file_id: file.id,
      endpoint: "/v1/images/generations",
      completion_window: "24h",
    });
    BatchSchema.strict().parse(created.body);
    const batchId = (created.body as { id: string }).id;
    await waitFor(
      async () => (await gateway.get(`/v1/batches/${batchId}`)).body?.status === "completed",
      { timeoutMs: 30_000, message: "batch completed" },
    );
    BatchSchema.strict().parse((await gateway.get(`/v1/batches/${batchId}`)).body);
    listOf(BatchSchema.strict())
      .strict()
      .parse((await gateway.get("/v1/batches")).body);
    listOf(FileSchema.strict())
      .strict()
      .parse((await gateway.get("/v1/files")).body);
  });
});

describe("GET /docs with the network cut", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser.close());

  it("renders every operation from the gateway's own origin only", async () => {
    const watched = await openPage(browser, gateway.url);
    await watched.context.route(
      (url) => url.origin !== gateway.url,
      (route) => route.abort("internetdisconnected"),
    );
    const res = await watched.page.goto(`${gateway.url}/docs`);
    expect(res?.headers()["content-security-policy"]).toContain("default-src 'self'");
    await watched.page.waitForSelector(".opblock-summary-path", { timeout: 20_000 });
    const paths = await watched.page.$$eval(".opblock-summary-path", (els) =>
      els.map((e) => e.getAttribute("data-path")),
    );
    expect(paths).toEqual(expect.arrayContaining(["/v1/images/generations", "/v1/jobs/{id}"]));
    expect(await watched.page.textContent("body")).toContain("ImagesResponse");
    expect(foreignRequests(watched.requests, gateway.url)).toEqual([]);
    expect(watched.errors).toEqual([]);
    await watched.context.close();
  }, 60_000);
});
