import { randomUUID } from "node:crypto";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { startRedis, startS3 } from "@imagegate/testkit";
import { Redis } from "ioredis";

describe("test environment", () => {
  it("gives a Redis that answers", async () => {
    const redis = await startRedis();
    const client = new Redis(redis.url);
    try {
      expect(await client.ping()).toBe("PONG");
    } finally {
      client.disconnect();
      await redis.stop();
    }
  });

  it("gives an S3-compatible server that stores objects", async () => {
    const s3 = await startS3();
    const bucket = `env-${randomUUID().slice(0, 12)}`;
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    try {
      await s3.createBucket(bucket);
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: "a.txt", Body: "hello" }));
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "a.txt" }));
      expect(await got.Body?.transformToString()).toBe("hello");
    } finally {
      client.destroy();
      await s3.stop();
    }
  });
});
