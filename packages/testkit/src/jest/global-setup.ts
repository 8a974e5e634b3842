/**
 * Integration project setup: one Redis and one S3-compatible server for the
 * whole run, exported through the environment that jest workers inherit.
 */
import { startRedis, type TestRedis } from "../redis";
import { startS3, type TestS3 } from "../s3";

declare global {
  var __imagegateServices: { redis: TestRedis; s3: TestS3 } | undefined;
}

export default async function globalSetup(): Promise<void> {
  const [redis, s3] = await Promise.all([startRedis(), startS3()]);
  process.env.REDIS_URL = redis.url;
  process.env.S3_ENDPOINT = s3.endpoint;
  process.env.S3_REGION = s3.region;
  process.env.AWS_ACCESS_KEY_ID = s3.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = s3.secretAccessKey;
  globalThis.__imagegateServices = { redis, s3 };
}
