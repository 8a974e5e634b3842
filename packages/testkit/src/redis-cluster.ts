/**
 * startRedisCluster: a local Redis Cluster of 3 primaries and 3 replicas,
 * each a `redis-server --cluster-enabled yes` on a free port with nothing on
 * disk but its nodes file in a temp dir, joined by `redis-cli --cluster
 * create … --cluster-replicas 1`. Node timeouts are short (1 s) so a killed
 * primary's replica takes over within a few seconds. Tests use it to run the
 * gateway on a real cluster and to kill the primary that owns a slot.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "./net";
import { type RedisProcess, startRedisProcess } from "./redis-process";
import { waitFor } from "./wait-for";

/** A running local cluster. */
export type TestRedisCluster = {
  /** `REDIS_CLUSTER_NODES`: every node as `127.0.0.1:port`, comma-separated. */
  nodes: string;
  /** The port of the primary that serves `key`'s slot now. */
  primaryOf(key: string): Promise<number>;
  /** The ports of the nodes that hold `key` (its primary and replica), per a node's own view. */
  holders(key: string): Promise<number[]>;
  /**
   * SIGKILLs the primary of `key`'s slot and resolves once its replica was
   * promoted and the cluster answers for every slot again.
   */
  killPrimaryOf(key: string): Promise<{ killed: number; promoted: number }>;
  stop(): Promise<void>;
};

const NODE_TIMEOUT_MS = 1000;

/** Slot ranges and their primary and replica ports, as `CLUSTER SLOTS` says. */
async function slotMap(port: number): Promise<{ from: number; to: number; ports: number[] }[]> {
  const client = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on("error", () => {});
  try {
    await client.connect();
    const slots = (await client.call("CLUSTER", "SLOTS")) as [
      number,
      number,
      ...[string, number][],
    ][];
    return slots.map(([from, to, ...nodes]) => ({
      from,
      to,
      ports: nodes.map((n) => Number(n[1])),
    }));
  } finally {
    client.disconnect();
  }
}

async function command(port: number, ...args: string[]): Promise<unknown> {
  const client = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on("error", () => {});
  try {
    await client.connect();
    return await client.call(args[0] as string, ...args.slice(1));
  } finally {
    client.disconnect();
  }
}

async function clusterOk(port: number): Promise<boolean> {
  try {
    return String(await command(port, "CLUSTER", "INFO")).includes("cluster_state:ok");
  } catch {
    return false;
  }
}

async function createCluster(ports: number[]): Promise<void> {
  const child = spawn(
    "redis-cli",
    [
      "--cluster",
      "create",
      ...ports.map((p) => `127.0.0.1:${p}`),
      "--cluster-replicas",
      "1",
      "--cluster-yes",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  const [code] = (await once(child, "close")) as [number | null];
  if (code !== 0) throw new Error(`redis-cli --cluster create failed (${code}):\n${output}`);
}

/** Starts a 3-primary, 3-replica cluster on free ports. */
export async function startRedisCluster(): Promise<TestRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), "imagegate-cluster-"));
  const nodes: RedisProcess[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.kill()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < 6; i++) {
      const port = await freePort();
      nodes.push(
        await startRedisProcess(port, [
          "--port",
          String(port),
          "--bind",
          "127.0.0.1",
          "--cluster-enabled",
          "yes",
          "--cluster-config-file",
          join(dir, `nodes-${port}.conf`),
          "--cluster-node-timeout",
          String(NODE_TIMEOUT_MS),
          // A replica may take over however stale its last contact: the test kills primaries on purpose.
          "--cluster-replica-validity-factor",
          "0",
          "--dir",
          dir,
          "--save",
          "",
          "--appendonly",
          "no",
        ]),
      );
    }
    const ports = nodes.map((n) => n.port);
    await createCluster(ports);
    await waitFor(async () => (await Promise.all(ports.map(clusterOk))).every(Boolean), {
      timeoutMs: 20_000,
      message: "every cluster node to report cluster_state:ok",
    });
    // Replicas attach after the slots are assigned: wait until every range has one.
    await waitFor(
      async () => (await slotMap(ports[0] as number)).every((r) => r.ports.length >= 2),
      {
        timeoutMs: 20_000,
        message: "every primary to have a replica",
      },
    );
  } catch (err) {
    await stop();
    throw err;
  }

  const alive = () => nodes.filter((n) => !n.exited());
  const rangeOf = async (key: string) => {
    const via = alive()[0]?.port as number;
    const slot = Number(await command(via, "CLUSTER", "KEYSLOT", key));
    const range = (await slotMap(via)).find((r) => r.from <= slot && slot <= r.to);
    if (!range) throw new Error(`slot ${slot} of ${key} is not served`);
    return range;
  };
  return {
    nodes: nodes.map((n) => `127.0.0.1:${n.port}`).join(","),
    async primaryOf(key) {
      return (await rangeOf(key)).ports[0] as number;
    },
    async holders(key) {
      return (await rangeOf(key)).ports;
    },
    async killPrimaryOf(key) {
      const killed = (await rangeOf(key)).ports[0] as number;
      await nodes.find((n) => n.port === killed)?.kill();
      let promoted = killed;
      await waitFor(
        async () => {
          const ports = alive().map((n) => n.port);
          if (!(await Promise.all(ports.map(clusterOk))).every(Boolean)) return false;
          promoted = (await rangeOf(key)).ports[0] as number;
          return promoted !== killed;
        },
        { timeoutMs: 30_000, intervalMs: 200, message: `a replica to replace primary ${killed}` },
      );
      return { killed, promoted };
    },
    stop,
  };
}
