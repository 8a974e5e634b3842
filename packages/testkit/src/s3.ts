/**
 * startS3: S3_ENDPOINT when set, else MinIO through testcontainers when a
 * container runtime answers, else an in-process s3rver (an S3-compatible
 * server on a free port with a temp directory). Each suite makes its own bucket.
 *
 * s3rver checks access keys and presigned-link expiry but not SigV4 signatures
 * themselves, so a test of tampered signatures only means something on MinIO or AWS.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { containerRuntimeAvailable } from "./container-runtime";

/** An S3-compatible server for tests. */
export type TestS3 = {
  /** `http://host:port`, for path-style requests. */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Always path-style: neither s3rver nor MinIO on localhost has bucket subdomains. */
  forcePathStyle: true;
  /** Where it came from: `S3_ENDPOINT`, a MinIO container, or the in-process s3rver. */
  source: "env" | "container" | "local";
  /** Creates a bucket; names follow S3's rules (3–63 of a-z, 0-9, `.`, `-`). */
  createBucket(name: string): Promise<void>;
  /** Stops what was started and removes its files; a no-op for `env`. */
  stop(): Promise<void>;
};

// S3's bucket naming rules; s3rver enforces them with an error that does not say which.
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function withBuckets(base: Omit<TestS3, "createBucket">): TestS3 {
  return {
    ...base,
    async createBucket(name) {
      if (!BUCKET_NAME.test(name)) {
        throw new Error(
          `createBucket: '${name}' is not a valid bucket name (3–63 of a-z, 0-9, '.', '-', ` +
            "starting and ending with a letter or digit).",
        );
      }
      const client = new S3Client({
        endpoint: base.endpoint,
        region: base.region,
        forcePathStyle: true,
        credentials: { accessKeyId: base.accessKeyId, secretAccessKey: base.secretAccessKey },
      });
      try {
        await client.send(new CreateBucketCommand({ Bucket: name }));
      } finally {
        client.destroy();
      }
    },
  };
}

/** Starts (or finds) an S3 server for tests: env, then MinIO in a container, then s3rver. */
export async function startS3(): Promise<TestS3> {
  const region = process.env.S3_REGION ?? "us-east-1";
  if (process.env.S3_ENDPOINT) {
    return withBuckets({
      endpoint: process.env.S3_ENDPOINT,
      region,
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "S3RVER",
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "S3RVER",
      forcePathStyle: true,
      source: "env",
      stop: async () => {},
    });
  }
  if (await containerRuntimeAvailable()) {
    const { GenericContainer, Wait } = await import("testcontainers");
    const container = await new GenericContainer("minio/minio:latest")
      .withCommand(["server", "/data"])
      .withEnvironment({ MINIO_ROOT_USER: "minioadmin", MINIO_ROOT_PASSWORD: "minioadmin" })
      .withExposedPorts(9000)
      .withWaitStrategy(Wait.forHttp("/minio/health/live", 9000))
      .start();
    return withBuckets({
      endpoint: `http://${container.getHost()}:${container.getMappedPort(9000)}`,
      region,
      accessKeyId: "minioadmin",
      secretAccessKey: "minioadmin",
      forcePathStyle: true,
      source: "container",
      stop: async () => {
        await container.stop();
      },
    });
  }
  const S3rver = (await import("s3rver")).default;
  const directory = mkdtempSync(join(tmpdir(), "s3rver-"));
  // Port 0: the OS picks a free port and run() reports it, so no other process can race for it.
  const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory });
  const { port } = await server.run();
  return withBuckets({
    endpoint: `http://127.0.0.1:${port}`,
    region,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    forcePathStyle: true,
    source: "local",
    stop: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  });
}
