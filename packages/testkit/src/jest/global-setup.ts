/**
 * Integration project setup: one Redis and one S3-compatible server for the
 * whole run, exported through the environment that jest workers inherit.
 * Suites isolate themselves by QUEUE_PREFIX and bucket (docs/style.md#tests).
 */
import { startRedis, type TestRedis } from "../redis";
import { startS3, type TestS3 } from "../s3";

declare global {
  /** What global-setup started, for global-teardown (both run in jest's parent process). */
  var __imagegateServices: { redis: TestRedis; s3: TestS3 } | undefined;
}

/** Starts Redis and S3 in parallel and exports their coordinates. */
export default async function globalSetup(): Promise<void> {
  const [redis, s3] = await Promise.allSettled([startRedis(), startS3()]);
  if (redis.status === "fulfilled" && s3.status === "fulfilled") {
    process.env.REDIS_URL = redis.value.url;
    process.env.S3_ENDPOINT = s3.value.endpoint;
    process.env.S3_REGION = s3.value.region;
    process.env.AWS_ACCESS_KEY_ID = s3.value.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = s3.value.secretAccessKey;
    globalThis.__imagegateServices = { redis: redis.value, s3: s3.value };
    return;
  }
  // Teardown does not run when setup throws: release whichever did start.
  await Promise.all([redis, s3].map((r) => (r.status === "fulfilled" ? r.value.stop() : null)));
  const failed = [redis, s3].find((r): r is PromiseRejectedResult => r.status === "rejected");
  throw failed?.reason;
}
