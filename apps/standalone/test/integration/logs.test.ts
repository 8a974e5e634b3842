/**
 * What the API logs about a request: every line carries its request id, the
 * access line names the caller (owner hash) and the job it made, and no
 * line holds the API key, even when the request fails.
 */
import { Writable } from "node:stream";
import { startApi } from "@imagegate/api";
import { LOG_REDACTION } from "@imagegate/telemetry";
import pino from "pino";
import { startGateway, type TestGateway } from "./gateway";

let gateway: TestGateway;
let api: Awaited<ReturnType<typeof startApi>>;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  // A gateway without an API of its own would do; its config gives this API the same Redis and keys.
  gateway = await startGateway({ worker: false });
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level: "info", redact: LOG_REDACTION }, stream);
  api = await startApi({ ...gateway.config, port: 0 }, { logger });
});
afterAll(async () => {
  await api.close();
  await gateway.close();
});

describe("API logs", () => {
  it("tie every line of a request to its id, with the owner and the job", async () => {
    const res = await fetch(`${api.url}/v1/images/generations`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${gateway.apiKey}`,
        "content-type": "application/json",
        prefer: "respond-async",
        "x-request-id": "req-logged-1",
      },
      body: JSON.stringify({ prompt: "logged", size: "16x16" }),
    });
    expect(res.status).toBe(202);
    const jobId = ((await res.json()) as { id: string }).id;
    await fetch(`${api.url}/v1/jobs/nope`, {
      headers: { authorization: `Bearer ${gateway.apiKey}`, "x-request-id": "req-logged-2" },
    });
    const mine = lines.filter((l) => String(l.requestId).startsWith("req-logged-"));
    const access = mine.find((l) => l.requestId === "req-logged-1" && l.msg === "request");
    expect(access).toMatchObject({ status: 202, jobId, owner: expect.any(String) });
    expect(mine.find((l) => l.requestId === "req-logged-2")).toMatchObject({ status: 404 });
    // Lines logged during a request all carry its id; none holds the key.
    const during = lines.filter((l) => l.msg !== "api listening");
    expect(during.every((l) => typeof l.requestId === "string")).toBe(true);
    expect(JSON.stringify(lines)).not.toContain(gateway.apiKey);
  });
});
