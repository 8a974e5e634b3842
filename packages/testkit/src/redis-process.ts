/**
 * One `redis-server` child process on 127.0.0.1:`port`, for the single-node,
 * cluster and sentinel kits: started with the given arguments, ready once it
 * answers PING (a failed start ends the wait at once, with the server's
 * output), killed on stop or when the test process exits.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { connect } from "node:net";
import { waitFor } from "./wait-for";

/** A running redis-server (or redis-sentinel). */
export type RedisProcess = {
  port: number;
  child: ChildProcess;
  /** True once it exited (killed, or died). */
  exited(): boolean;
  /** Signals it (SIGKILL by default; SIGTERM shuts down cleanly) and waits for it to close. */
  kill(signal?: NodeJS.Signals): Promise<void>;
};

/** The server exited before it answered; `output` is the end of what it printed. */
export class RedisExitedError extends Error {
  override readonly name = "RedisExitedError";
  constructor(
    readonly output: string,
    code: number | null,
  ) {
    super(`redis-server exited (code ${code}) before answering:\n${output.trim()}`);
  }
}

/**
 * Sends one inline command on a raw socket and resolves with the first reply
 * line ("" on any failure). Not ioredis: a client disconnected mid-connect
 * keeps a timer alive that holds jest open.
 */
export function rawCommand(port: number, command: string, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let reply = "";
    const finish = (value: string) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => finish(""));
    socket.on("connect", () => socket.write(`${command}\r\n`));
    socket.on("data", (chunk) => {
      reply += chunk.toString();
      if (reply.includes("\r\n")) finish(reply.slice(0, reply.indexOf("\r\n")));
    });
    socket.on("error", () => finish(""));
  });
}

/** Starts `redis-server args…` on `port` and waits until it answers PING. */
export async function startRedisProcess(port: number, args: string[]): Promise<RedisProcess> {
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
            "redis-server is not on PATH and no REDIS_URL or container runtime was found: " +
              "install Redis 7 (.ci/run does), set REDIS_URL, or start Docker.",
          )
        : err;
  });
  let closed = false;
  // "close" rather than "exit": by then its output is all read, for the error message.
  const done = once(child, "close").then(([code]) => {
    closed = true;
    failure ??= new RedisExitedError(output, code as number | null);
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const kill = async (signal: NodeJS.Signals = "SIGKILL") => {
    process.off("exit", killOnExit);
    if (!closed) child.kill(signal);
    await done;
  };
  try {
    await waitFor(
      async () => failure !== undefined || (await rawCommand(port, "PING")) === "+PONG",
      {
        timeoutMs: 10_000,
        message: `redis-server on port ${port} to answer PING`,
      },
    );
    if (failure) throw failure;
  } catch (err) {
    await kill();
    throw err;
  }
  return { port, child, exited: () => closed, kill };
}
