/**
 * Tracing with the standard OTEL_* variables: `pnpm start` exporting to an
 * OTLP/HTTP receiver on localhost makes one trace of a generation — the
 * HTTP request, the BullMQ enqueue and run (the context travels in the
 * job) or the direct run of a synchronous one (the context travels with it
 * to the worker thread), the upstream call, post-processing and storage —
 * with the job id as an attribute. (The SDK patches modules as Node loads them, which jest's
 * module system bypasses: hence a real process.)
 */
import {
  type OtlpReceiver,
  type ReceivedSpan,
  startOtlpReceiver,
  waitFor,
} from "@imagegate/testkit";
import { type StandaloneProcess, startStandalone } from "./standalone-process";

let receiver: OtlpReceiver;
let gateway: StandaloneProcess;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  gateway = await startStandalone({
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_SERVICE_NAME: "imagegate-under-test",
    OTEL_BSP_SCHEDULE_DELAY: "100",
  });
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await receiver?.close();
});

describe("OpenTelemetry tracing", () => {
  it.each([
    {
      how: "synchronous: a direct run",
      prefer: {},
      run: ["direct images-local"],
    },
    {
      how: "async: through the queue",
      prefer: { prefer: "respond-async" },
      run: ["add images-local.image", "process images-local"],
    },
  ])(
    "follows a generation ($how) from the HTTP request to upstream and storage",
    async ({ prefer, run }) => {
      const res = await fetch(`${gateway.url}/v1/images/generations`, {
        method: "POST",
        headers: { "content-type": "application/json", ...prefer },
        body: JSON.stringify({ prompt: "traced", size: "32x32" }),
      });
      expect(res.ok).toBe(true);
      const answer = (await res.json()) as { job_id?: string; id?: string };
      const jobId = answer.job_id ?? answer.id;
      let trace: ReceivedSpan[] = [];
      const names = () => trace.map((s) => s.name);
      const expected = [
        "POST /v1/images/generations",
        ...run,
        "upstream.call",
        "image.post_process",
        "storage.put",
        "image.store",
      ];
      // Each thread's exporter sends its spans in its own batches: wait for all of them.
      await waitFor(
        () => {
          const tagged = receiver.spans.find((s) => s.attributes["imagegate.job_id"] === jobId);
          trace = tagged ? receiver.spans.filter((s) => s.traceId === tagged.traceId) : [];
          return expected.every((n) => names().includes(n));
        },
        {
          timeoutMs: 20_000,
          intervalMs: 100,
          message: `the generation's spans: ${expected.join(", ")}`,
        },
      );
      expect(names()).toEqual(expect.arrayContaining(expected));
      const runSpan = trace.find((s) => s.name === run.at(-1));
      expect(runSpan?.attributes["imagegate.job_id"]).toBe(jobId);
      expect(trace.find((s) => s.name === "upstream.call")?.attributes["imagegate.provider"]).toBe(
        "local",
      );
      // Redis commands made for the request are spans of the same trace (ioredis instrumentation).
      const redisSpan = (s: ReceivedSpan) =>
        s.attributes["db.system"] === "redis" || s.attributes["db.system.name"] === "redis";
      expect(trace.some(redisSpan)).toBe(true);
      expect(new Set(trace.map((s) => s.service))).toEqual(new Set(["imagegate-under-test"]));
      // Every span but the root hangs off another span of the trace.
      const ids = new Set(trace.map((s) => s.spanId));
      const roots = trace.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId));
      expect(roots.map((s) => s.name)).toEqual(["POST /v1/images/generations"]);
    },
    60_000,
  );
});
