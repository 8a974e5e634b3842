/**
 * What the version before the `route` → provider order rename wrote to Redis
 * still reads: a job record's `doc` with `route`, and an image queue payload
 * with `route`/`routeIndex`. Delete with `upgradeDoc` (job-store.ts) and
 * `upgradeImageJobData` (queues.ts).
 */
import { decodeJobRecord, ImageJobDataSchema } from "@imagegate/jobs";
import { testJob } from "./job-fixture";

const record = testJob({ id: "job_old", providerOrder: ["bfl", "local"], requestId: "req_1" });

/** The hash the previous version's `encodeNew` wrote for `record`. */
function oldHash(): Record<string, string> {
  const doc = {
    id: record.id,
    owner: record.owner,
    operation: record.operation,
    model: record.model,
    route: record.provider_order,
    created_at: record.created_at,
    request: record.request,
    batch_id: record.batch_id,
    custom_id: record.custom_id,
    metadata: record.metadata,
    request_id: record.request_id,
  };
  return { doc: JSON.stringify(doc), status: JSON.stringify("queued"), attempts: "1" };
}

describe("a job record stored as `route`", () => {
  it("decodes with its failover order as provider_order", () => {
    const decoded = decodeJobRecord(oldHash());
    expect(decoded).toEqual({ ...record, attempts: 1 });
    expect(decoded).not.toHaveProperty("route");
  });

  it("decodes a record of this version unchanged", () => {
    const hash = oldHash();
    const { route, ...doc } = JSON.parse(hash.doc as string);
    hash.doc = JSON.stringify({ ...doc, provider_order: route });
    expect(decodeJobRecord(hash)?.provider_order).toEqual(["bfl", "local"]);
  });
});

describe("an image queue payload with `route`/`routeIndex`", () => {
  it("parses as providerOrder/providerIndex", () => {
    const old = { jobId: "job_old", route: ["bfl", "fal"], routeIndex: 1 };
    expect(ImageJobDataSchema.parse(old)).toEqual({
      jobId: "job_old",
      providerOrder: ["bfl", "fal"],
      providerIndex: 1,
    });
  });

  it("parses a payload of this version unchanged, and still refuses a bad one", () => {
    const data = { jobId: "job_new", providerOrder: ["local"], providerIndex: 0 };
    expect(ImageJobDataSchema.parse(data)).toEqual(data);
    expect(() => ImageJobDataSchema.parse({ jobId: "j", route: [], routeIndex: 0 })).toThrow();
    expect(() => ImageJobDataSchema.parse({ jobId: "j", route: ["bfl"] })).toThrow();
  });
});
