/**
 * startS3: S3_ENDPOINT when set, else MinIO through testcontainers when a
 * container runtime answers, else an in-process s3rver (an S3-compatible
 * server on a free port with a temp directory). Each suite makes its own bucket.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { containerRuntimeAvailable } from "./container-runtime";

/** An S3-compatible server for tests. */
export type TestS3 = {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: true;
  source: "env" | "container" | "local";
  /** Creates a bucket (3–63 lowercase characters). */
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
};

function withBuckets(base: Omit<TestS3, "createBucket">): TestS3 {
  return {
    ...base,
    async createBucket(name) {
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

/** Starts (or finds) an S3-compatible server for tests. */
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
    const container = await new GenericContainer("minio/minio")
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
  const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory });
  const { port } = (await server.run()) as { port: number };
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
