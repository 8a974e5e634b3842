/**
 * startRedis: `REDIS_URL` when set, else a testcontainers `redis:7-alpine`
 * when a container runtime answers, else a local `redis-server` on a free
 * port with nothing on disk. The last is what CI runs here (no Docker engine).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { connect } from "node:net";
import { containerRuntimeAvailable } from "./container-runtime";
import { freePort } from "./net";
import { waitFor } from "./wait-for";

/** A Redis for tests. */
export type TestRedis = {
  /** `redis://host:port` to hand to ioredis or BullMQ. */
  url: string;
  /** Where it came from: `REDIS_URL`, a container, or a local `redis-server`. */
  source: "env" | "container" | "local";
  /** Stops what was started; a no-op for `env`. */
  stop(): Promise<void>;
};

const READY_TIMEOUT_MS = 10_000;
const PORT_ATTEMPTS = 3;

class RedisExitedError extends Error {
  override readonly name = "RedisExitedError";
  constructor(
    readonly output: string,
    code: number | null,
  ) {
    super(`redis-server exited (code ${code}) before answering:\n${output.trim()}`);
  }
}

/**
 * True when a Redis on 127.0.0.1:`port` answers PING. A raw socket rather than
 * ioredis: an ioredis client disconnected mid-connect keeps a 2 s timer alive,
 * which holds jest open after the run.
 */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let reply = "";
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString();
      if (reply.includes("\r\n")) finish(reply.startsWith("+PONG"));
    });
    socket.on("error", () => finish(false));
    socket.on("close", () => finish(false));
  });
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // "close" comes after the stdio pipes are closed too, so no handle outlives stop().
  const closed = once(child, "close");
  child.kill(signal);
  await closed;
}

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
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let failure: Error | undefined;
  child.once("error", (err: NodeJS.ErrnoException) => {
    failure ??=
      err.code === "ENOENT"
        ? new Error(
            "startRedis: REDIS_URL is unset, no container runtime answers, and redis-server " +
              "is not on PATH. Set REDIS_URL, start Docker, or install Redis 7.",
          )
        : err;
  });
  // "close" rather than "exit": by then its output is all read, for the error message.
  child.once("close", (code) => {
    failure ??= new RedisExitedError(output, code);
  });
  // Whatever way this process ends, the server must not outlive it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  try {
    // A failed start ends the wait at once instead of polling a dead port until the timeout.
    await waitFor(async () => failure !== undefined || (await answersPing(port)), {
      timeoutMs: READY_TIMEOUT_MS,
      message: `redis-server on port ${port} to answer PING`,
    });
    if (failure) throw failure;
  } catch (err) {
    process.off("exit", killOnExit);
    await stopChild(child);
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    source: "local",
    stop: async (signal: NodeJS.Signals = "SIGKILL") => {
      process.off("exit", killOnExit);
      await stopChild(child, signal);
    },
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
