/**
 * startRedis: `REDIS_URL` when set, else a testcontainers `redis:7-alpine`
 * when a container runtime answers, else a local `redis-server` on a free
 * port with nothing on disk. The last is what CI runs here (no Docker engine).
 */
import { containerRuntimeAvailable } from "./container-runtime";
import { freePort } from "./net";
import { RedisExitedError, startRedisProcess } from "./redis-process";

/** A Redis for tests. */
export type TestRedis = {
  /** `redis://host:port` to hand to ioredis or BullMQ. */
  url: string;
  /** Where it came from: `REDIS_URL`, a container, or a local `redis-server`. */
  source: "env" | "container" | "local";
  /** Stops what was started; a no-op for `env`. */
  stop(): Promise<void>;
};

const PORT_ATTEMPTS = 3;

/** Persistence of a local server: none (the default), or AOF in `dir`. */
type Persistence = { aofDir?: string | undefined };

/** A local server: its stop takes the signal (SIGTERM shuts down cleanly). */
type LocalRedis = TestRedis & { stop(signal?: NodeJS.Signals): Promise<void> };

async function spawnRedis(port: number, persistence: Persistence = {}): Promise<LocalRedis> {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", ""];
  if (persistence.aofDir) {
    // Every write on disk before it is acknowledged: a kill -9 loses nothing.
    args.push("--dir", persistence.aofDir, "--appendonly", "yes", "--appendfsync", "always");
  } else {
    args.push("--appendonly", "no");
  }
  args.push("--daemonize", "no");
  const server = await startRedisProcess(port, args);
  return {
    url: `redis://127.0.0.1:${port}`,
    source: "local",
    stop: (signal?: NodeJS.Signals) => server.kill(signal),
  };
}

/** A local Redis with AOF that a test can restart on the same port (fault tests). */
export type RestartableRedis = {
  url: string;
  /** Stops the server (SIGTERM: a clean shutdown; SIGKILL: a crash) and starts it again on its data. */
  restart(signal?: NodeJS.Signals, downMs?: number): Promise<void>;
  stop(): Promise<void>;
};

/** Starts a local `redis-server` persisting to `dir` with AOF (always a local process). */
export async function startRestartableRedis(dir: string): Promise<RestartableRedis> {
  const port = await freePort();
  let current = await spawnRedis(port, { aofDir: dir });
  return {
    url: current.url,
    async restart(signal = "SIGTERM", downMs = 0) {
      await current.stop(signal);
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      current = await spawnRedis(port, { aofDir: dir });
    },
    stop: () => current.stop(),
  };
}

/** Starts a local `redis-server` on a free port with nothing on disk, whatever REDIS_URL says. */
export async function startLocalRedis(): Promise<TestRedis> {
  return startLocal();
}

async function startLocal(): Promise<TestRedis> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnRedis(await freePort());
    } catch (err) {
      // freePort() cannot reserve the port; another process may take it before redis binds.
      const portTaken = err instanceof RedisExitedError && /in use/i.test(err.output);
      if (!portTaken || attempt === PORT_ATTEMPTS) throw err;
    }
  }
}

/** Starts (or finds) a Redis for tests: env, then a container, then a local `redis-server`. */
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
