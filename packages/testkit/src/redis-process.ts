/**
 * One `redis-server` child process on 127.0.0.1:`port` for the cluster and
 * sentinel kits: started with the given arguments, ready once it answers
 * PING, killed (SIGKILL) on stop or when the test process exits.
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
  /** SIGKILLs it and waits for it to close. */
  kill(): Promise<void>;
};

/** Sends one inline command on a raw socket and resolves with the first reply line. */
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
  let closed = false;
  const done = once(child, "close").then(() => {
    closed = true;
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const kill = async () => {
    process.off("exit", killOnExit);
    if (!closed) child.kill("SIGKILL");
    await done;
  };
  try {
    await waitFor(async () => closed || (await rawCommand(port, "PING")) === "+PONG", {
      timeoutMs: 10_000,
      message: `redis-server on port ${port} to answer PING`,
    });
    if (closed) throw new Error(`redis-server on port ${port} exited:\n${output.trim()}`);
  } catch (err) {
    await kill();
    throw err;
  }
  return { port, child, exited: () => closed, kill };
}
