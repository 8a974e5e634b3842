/**
 * startRedis: REDIS_URL when set, else a testcontainers `redis:7-alpine`
 * when a container runtime answers, else a local `redis-server` on a free
 * port with nothing on disk. The last is what CI runs here (no Docker engine).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { Redis } from "ioredis";
import { containerRuntimeAvailable } from "./container-runtime";
import { freePort } from "./net";
import { waitFor } from "./wait-for";

/** A Redis for tests. */
export type TestRedis = {
  url: string;
  source: "env" | "container" | "local";
  stop(): Promise<void>;
};

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function startLocal(): Promise<TestRedis> {
  const port = await freePort();
  let child: ChildProcess;
  try {
    child = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
      ],
      { stdio: "ignore" },
    );
  } catch (err) {
    throw new Error(`cannot start redis-server (is it installed?): ${(err as Error).message}`);
  }
  const failed = new Promise<never>((_, reject) => {
    child.once("error", (err) =>
      reject(new Error(`cannot start redis-server (is it on PATH?): ${err.message}`)),
    );
  });
  const url = `redis://127.0.0.1:${port}`;
  await Promise.race([
    waitFor(() => answers(url), { timeoutMs: 10_000, message: "redis-server ready" }),
    failed,
  ]);
  return {
    url,
    source: "local",
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}

/** Starts (or finds) a Redis for tests. */
export async function startRedis(): Promise<TestRedis> {
  if (process.env.REDIS_URL) {
    return { url: process.env.REDIS_URL, source: "env", stop: async () => {} };
  }
  if (await containerRuntimeAvailable()) {
    const { GenericContainer } = await import("testcontainers");
    const container = await new GenericContainer("redis:7-alpine").withExposedPorts(6379).start();
    return {
      url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`,
      source: "container",
      stop: async () => {
        await container.stop();
      },
    };
  }
  return startLocal();
}
