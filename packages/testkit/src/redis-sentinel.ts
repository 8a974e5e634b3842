/**
 * startRedisSentinel: a primary, one replica and one `redis-server
 * --sentinel` watching them as `primary` (quorum 1, down after 1 s), each on
 * a free port with nothing on disk. Tests point REDIS_SENTINELS at it and
 * kill the primary to watch the sentinel promote the replica.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "./net";
import { type RedisProcess, startRedisProcess } from "./redis-process";
import { waitFor } from "./wait-for";

/** A running primary + replica + sentinel. */
export type TestRedisSentinel = {
  /** `REDIS_SENTINELS`. */
  sentinels: string;
  /** `REDIS_SENTINEL_NAME`. */
  name: string;
  /** Port of the node the sentinel names primary now. */
  primaryPort(): Promise<number>;
  /** SIGKILLs the primary; resolves once the sentinel names the replica instead. */
  killPrimary(): Promise<{ killed: number; promoted: number }>;
  stop(): Promise<void>;
};

const NAME = "primary";

async function call(port: number, ...args: string[]): Promise<unknown> {
  const client = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on("error", () => {});
  try {
    await client.connect();
    return await client.call(args[0] as string, ...args.slice(1));
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}

/** Reads the port the sentinel on `sentinelPort` names for the primary. */
async function namedPrimary(sentinelPort: number): Promise<number> {
  const reply = (await call(sentinelPort, "SENTINEL", "get-master-addr-by-name", NAME)) as
    | string[]
    | null;
  return Number(reply?.[1] ?? 0);
}

/** `ROLE`'s first two fields: "master" / "slave" and, for a replica, its link state. */
async function role(port: number): Promise<string> {
  const reply = (await call(port, "ROLE")) as unknown[] | null;
  return reply?.[0] === "slave" ? `slave:${reply[3]}` : String(reply?.[0]);
}

/** Starts a primary, a replica and a sentinel on free ports. */
export async function startRedisSentinel(): Promise<TestRedisSentinel> {
  const dir = mkdtempSync(join(tmpdir(), "imagegate-sentinel-"));
  const procs: RedisProcess[] = [];
  const stop = async () => {
    await Promise.all(procs.map((p) => p.kill()));
    rmSync(dir, { recursive: true, force: true });
  };
  const base = (port: number) => ["--port", String(port), "--bind", "127.0.0.1", "--save", ""];
  try {
    const p1 = await freePort();
    procs.push(await startRedisProcess(p1, [...base(p1), "--appendonly", "no"]));
    const p2 = await freePort();
    procs.push(
      await startRedisProcess(p2, [
        ...base(p2),
        "--appendonly",
        "no",
        "--replicaof",
        "127.0.0.1",
        String(p1),
      ]),
    );
    await waitFor(async () => (await role(p2)) === "slave:connected", {
      timeoutMs: 10_000,
      message: "the replica to attach",
    });
    const s = await freePort();
    const conf = join(dir, "sentinel.conf");
    // The sentinel rewrites its config file as it learns: it must be writable.
    writeFileSync(
      conf,
      [
        `port ${s}`,
        "bind 127.0.0.1",
        `dir ${dir}`,
        `sentinel monitor ${NAME} 127.0.0.1 ${p1} 1`,
        `sentinel down-after-milliseconds ${NAME} 1000`,
        `sentinel failover-timeout ${NAME} 5000`,
        "",
      ].join("\n"),
    );
    procs.push(await startRedisProcess(s, [conf, "--sentinel"]));
    await waitFor(async () => (await namedPrimary(s)) === p1, {
      timeoutMs: 10_000,
      message: "the sentinel to know the primary",
    });
    const sentinelPort = s;
    return {
      sentinels: `127.0.0.1:${sentinelPort}`,
      name: NAME,
      primaryPort: () => namedPrimary(sentinelPort),
      async killPrimary() {
        const killed = await namedPrimary(sentinelPort);
        await procs.find((p) => p.port === killed)?.kill();
        let promoted = killed;
        await waitFor(
          async () => {
            promoted = await namedPrimary(sentinelPort);
            return promoted !== killed && (await role(promoted)) === "master";
          },
          { timeoutMs: 30_000, intervalMs: 200, message: "the sentinel to promote the replica" },
        );
        return { killed, promoted };
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
