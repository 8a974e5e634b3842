import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { BlobNotFoundError, type BlobStore, createS3Store } from "@imagegate/storage";
import { startS3, type TestS3 } from "@imagegate/testkit";

let s3: TestS3;
let store: BlobStore;
const bucket = `t-${randomUUID().slice(0, 18)}`;

beforeAll(async () => {
  s3 = await startS3();
  await s3.createBucket(bucket);
  store = createS3Store({
    bucket,
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
});

afterAll(async () => {
  await s3.stop();
});

describe("S3 BlobStore against an S3-compatible server", () => {
  it("puts, heads, gets and overwrites", async () => {
    expect(await store.put("jobs/j1/0.png", Buffer.from("first"), "image/png")).toMatchObject({
      bytes: 5,
    });
    expect(await store.head("jobs/j1/0.png")).toEqual({
      key: "jobs/j1/0.png",
      bytes: 5,
      contentType: "image/png",
    });
    await store.put("jobs/j1/0.png", Buffer.from("second!"), "image/png");
    expect((await store.get("jobs/j1/0.png")).toString()).toBe("second!");
  });

  it("uploads a stream of unknown length and streams it back", async () => {
    const body = Array.from({ length: 5000 }, (_, i) => `{"custom_id":"${i}"}\n`);
    const info = await store.put("files/in.jsonl", Readable.from(body), "application/jsonl");
    expect(info.bytes).toBe(body.join("").length);
    const { stream } = await store.getStream("files/in.jsonl");
    let text = "";
    for await (const chunk of stream) text += chunk.toString();
    expect(text).toBe(body.join(""));
  });

  it("deletes and reports absence", async () => {
    await store.put("jobs/j2/0.png", Buffer.from("x"), "image/png");
    await store.delete("jobs/j2/0.png");
    expect(await store.head("jobs/j2/0.png")).toBeNull();
    await expect(store.get("jobs/j2/0.png")).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it("hands out a presigned link that plain fetch can read", async () => {
    await store.put("jobs/j3/0.png", Buffer.from("presigned"), "image/png");
    const url = await store.signedUrl("jobs/j3/0.png", { ttlSeconds: 60 });
    expect(url).toContain("X-Amz-Signature=");
    expect(url).toContain("X-Amz-Expires=60");
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("presigned");
  });

  it("presigns for the public endpoint when one is set", async () => {
    const pub = createS3Store({
      bucket,
      region: s3.region,
      endpoint: s3.endpoint,
      publicUrl: "http://cdn.example.test:9000",
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    const url = new URL(
      await pub.signedUrl("jobs/j3/0.png", { ttlSeconds: 60, filename: "a.png" }),
    );
    expect(url.origin).toBe("http://cdn.example.test:9000");
    expect(url.pathname).toBe(`/${bucket}/jobs/j3/0.png`);
    expect(url.searchParams.get("response-content-disposition")).toContain("a.png");
  });

  it("passes its readiness check, and fails it for a missing bucket", async () => {
    await expect(store.check()).resolves.toBeUndefined();
    const missing = createS3Store({
      bucket: "no-such-bucket-here",
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    await expect(missing.check()).rejects.toBeDefined();
  });
});
