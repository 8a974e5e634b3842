/**
 * Outbox entries: what the create script pushes is what the relay reads
 * back, and anything else names no queue entry.
 */
import { decodeOutboxEntry, encodeOutboxEntry } from "../src/outbox-entry";
import type { ImageJobData } from "../src/queues";

describe("outbox entries", () => {
  it.each<ImageJobData>([
    { jobId: "job_1", providerOrder: ["local"], providerIndex: 0 },
    { jobId: "job_2", providerOrder: ["bfl", "fal", "replicate"], providerIndex: 2 },
  ])("round-trips $jobId", (data) => {
    expect(decodeOutboxEntry(encodeOutboxEntry(data))).toEqual({ data });
  });

  it("carries the trace context it is given, and none when there is none", () => {
    const data: ImageJobData = { jobId: "job_t", providerOrder: ["bfl"], providerIndex: 0 };
    const trace = { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };
    expect(decodeOutboxEntry(encodeOutboxEntry(data, trace))).toEqual({ data, trace });
    expect(encodeOutboxEntry(data, {})).toBe(encodeOutboxEntry(data));
    expect(JSON.parse(encodeOutboxEntry(data, {}))).not.toHaveProperty("trace");
  });

  it("adds the entry without a trace context that is not one", () => {
    const raw = '{"jobId":"job_u","providerOrder":["bfl"],"providerIndex":0,"trace":{"a":1}}';
    expect(decodeOutboxEntry(raw)).toEqual({
      data: { jobId: "job_u", providerOrder: ["bfl"], providerIndex: 0 },
    });
  });

  it("keeps only the queue entry's fields", () => {
    const data = { jobId: "job_3", providerOrder: ["fal"], providerIndex: 0, extra: 1 };
    expect(JSON.parse(encodeOutboxEntry(data as ImageJobData))).toEqual({
      jobId: "job_3",
      providerOrder: ["fal"],
      providerIndex: 0,
    });
  });

  it("reads the field names of the previous version (route, routeIndex)", () => {
    expect(decodeOutboxEntry('{"jobId":"job_4","route":["bfl"],"routeIndex":0}')).toEqual({
      data: { jobId: "job_4", providerOrder: ["bfl"], providerIndex: 0 },
    });
  });

  it.each([
    ["not JSON", "job_5"],
    ["JSON null", "null"],
    ["no provider order", '{"jobId":"job_6","providerIndex":0}'],
    ["an empty provider order", '{"jobId":"job_7","providerOrder":[],"providerIndex":0}'],
    ["an unknown provider", '{"jobId":"job_8","providerOrder":["acme"],"providerIndex":0}'],
    ["a negative index", '{"jobId":"job_9","providerOrder":["bfl"],"providerIndex":-1}'],
    ["no job id", '{"providerOrder":["bfl"],"providerIndex":0}'],
  ])("names no queue entry for %s", (_, raw) => {
    expect(decodeOutboxEntry(raw)).toBeNull();
  });
});
