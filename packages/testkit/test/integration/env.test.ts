import { randomUUID } from "node:crypto";
import { connect, createServer } from "node:net";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { freePort, startRedis, startS3, type TestS3 } from "@imagegate/testkit";
import { Redis } from "ioredis";

/** Resolves when something accepts TCP connections at `port`, rejects when refused. */
function tcpConnect(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve();
    });
    socket.once("error", reject);
  });
}

/** Runs `work` with `names` removed from the environment, as on a machine without them. */
async function withoutEnv<T>(names: string[], work: () => Promise<T>): Promise<T> {
  const saved = names.map((name) => [name, process.env[name]] as const);
  for (const name of names) delete process.env[name];
  try {
    return await work();
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
}

async function putAndGet(s3: TestS3): Promise<string | undefined> {
  const bucket = `env-${randomUUID()}`;
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  try {
    await s3.createBucket(bucket);
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: "a.txt", Body: "hello" }));
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "a.txt" }));
    return await got.Body?.transformToString();
  } finally {
    client.destroy();
  }
}

describe("startRedis", () => {
  it("uses REDIS_URL when it is set, and leaves that server running on stop", async () => {
    const redis = await startRedis();
    expect(redis).toMatchObject({ source: "env", url: process.env.REDIS_URL });
    await redis.stop();
    const client = new Redis(redis.url);
    try {
      expect(await client.ping()).toBe("PONG");
    } finally {
      client.disconnect();
    }
  });

  it("starts its own Redis without REDIS_URL, and stop() shuts it down", async () => {
    const redis = await withoutEnv(["REDIS_URL"], () => startRedis());
    const port = Number(new URL(redis.url).port);
    const client = new Redis(redis.url);
    try {
      expect(redis.source).not.toBe("env");
      expect(await client.set("k", "v")).toBe("OK");
      expect(await client.get("k")).toBe("v");
      expect(await client.config("GET", "appendonly")).toEqual(["appendonly", "no"]);
      // The local server keeps nothing on disk; the container's disk goes with the container.
      if (redis.source === "local")
        expect(await client.config("GET", "save")).toEqual(["save", ""]);
    } finally {
      client.disconnect();
      await redis.stop();
    }
    if (redis.source === "local") await expect(tcpConnect(port)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe("startS3", () => {
  it("uses S3_ENDPOINT when it is set", async () => {
    const s3 = await startS3();
    expect(s3).toMatchObject({ source: "env", endpoint: process.env.S3_ENDPOINT });
    expect(await putAndGet(s3)).toBe("hello");
    await s3.stop();
  });

  it("starts its own S3 without S3_ENDPOINT, and stop() shuts it down", async () => {
    const s3 = await withoutEnv(["S3_ENDPOINT"], () => startS3());
    try {
      expect(s3.source).not.toBe("env");
      expect(await putAndGet(s3)).toBe("hello");
    } finally {
      await s3.stop();
    }
    if (s3.source === "local") {
      await expect(tcpConnect(Number(new URL(s3.endpoint).port))).rejects.toThrow(/ECONNREFUSED/);
    }
  });

  it.each(["ab", "Upper-case", "under_score", "-leading", "x".repeat(64)])(
    "refuses the bucket name %j with a message that says why",
    async (name) => {
      const s3 = await startS3();
      await expect(s3.createBucket(name)).rejects.toThrow(/not a valid bucket name \(3–63/);
    },
  );
});

describe("freePort", () => {
  it("gives a port a server can listen on", async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(port).toBeGreaterThan(0);
  });
});
