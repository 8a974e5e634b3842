/**
 * Redis connections: one node (`REDIS_URL`), a Redis Cluster
 * (`REDIS_CLUSTER_NODES`) or a Sentinel-managed primary (`REDIS_SENTINELS` +
 * `REDIS_SENTINEL_NAME`). BullMQ workers need `maxRetriesPerRequest: null`
 * (they block on Redis); everything else uses the same settings so a short
 * Redis blip — or a failover — is retried instead of failing requests.
 * In cluster and sentinel mode, REDIS_URL still supplies the username,
 * password and TLS (`rediss:`) of every node.
 */
import {
  type ChainableCommander,
  Cluster,
  type ClusterOptions,
  Redis,
  type RedisOptions,
} from "ioredis";
import { writePerTurn } from "./turn-writes";

/** A Redis client: a single node (direct or through Sentinel) or a cluster. */
export type RedisClient = Redis | Cluster;

/** A MULTI or pipeline being built. */
export type RedisMulti = ChainableCommander;

/** A `host:port` seed or sentinel. */
export type HostPort = { host: string; port: number };

/** Where Redis is; the `redis` part of the config. */
export type RedisTarget = {
  url: string;
  /** Seeds of a Redis Cluster: when set, `url` only gives credentials and TLS. */
  clusterNodes?: readonly HostPort[] | undefined;
  /** Sentinels watching the primary `sentinelName`. */
  sentinels?: readonly HostPort[] | undefined;
  sentinelName?: string | undefined;
};

/** Options of `createRedis`. */
export type RedisConnectionOptions = RedisTarget & {
  /** Name shown by `CLIENT LIST`, for operators. */
  name?: string;
  /** Fail fast instead of queueing commands while disconnected (readiness probes). */
  lazyConnect?: boolean;
  /** Told about connection errors (retried by ioredis meanwhile): a failover shows here. */
  onError?: (err: Error) => void;
  /**
   * Send the commands of one event-loop turn in one socket write: a corked
   * socket on one node (`turn-writes.ts`), ioredis auto-pipelining on a
   * Cluster (docs/decisions/0015-lean-hot-path.md). Not for subscriber
   * connections.
   */
  batchWrites?: boolean;
};

/** Which kind of deployment a target names. */
export function redisMode(target: RedisTarget): "single" | "cluster" | "sentinel" {
  if (target.clusterNodes?.length) return "cluster";
  if (target.sentinels?.length) return "sentinel";
  return "single";
}

/** Credentials, TLS and database from a `redis://` / `rediss://` URL. */
function fromUrl(url: string): RedisOptions {
  const u = new URL(url);
  const db = Number(u.pathname.slice(1) || 0);
  return {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    ...(db ? { db } : {}),
  };
}

/** A new connection to `options`' Redis suitable for BullMQ and the job store. */
export function createRedis(options: RedisConnectionOptions): RedisClient {
  const client = connect(options);
  if (options.onError) client.on("error", options.onError);
  if (options.batchWrites && client instanceof Redis) writePerTurn(client);
  return client;
}

function connect(options: RedisConnectionOptions): RedisClient {
  const common: RedisOptions = {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    ...(options.name ? { connectionName: options.name } : {}),
    ...(options.lazyConnect ? { lazyConnect: true } : {}),
  };
  const mode = redisMode(options);
  if (mode === "cluster") {
    const { db: _clusterHasNoDb, ...auth } = fromUrl(options.url);
    const clusterOptions: ClusterOptions = {
      redisOptions: {
        ...common,
        ...auth,
        ...(options.batchWrites ? { enableAutoPipelining: true } : {}),
      },
      enableReadyCheck: true,
      ...(options.batchWrites ? { enableAutoPipelining: true } : {}),
      ...(options.lazyConnect ? { lazyConnect: true } : {}),
      // A killed primary's slots answer again once a replica is promoted: keep retrying until then.
      retryDelayOnClusterDown: 200,
      retryDelayOnFailover: 200,
      maxRedirections: 64,
      clusterRetryStrategy: (times) => Math.min(100 * times, 2000),
    };
    return new Cluster(
      (options.clusterNodes ?? []).map((n) => ({ host: n.host, port: n.port })),
      clusterOptions,
    );
  }
  if (mode === "sentinel") {
    const auth = fromUrl(options.url);
    return new Redis({
      ...common,
      ...auth,
      sentinels: (options.sentinels ?? []).map((n) => ({ host: n.host, port: n.port })),
      // The sentinels themselves are asked without a password (REDIS_URL's is the data nodes').
      name: options.sentinelName ?? "mymaster",
    });
  }
  return new Redis(options.url, common);
}

/** True when something answers PING at `url` within `timeoutMs`. */
export async function pingRedis(url: string, timeoutMs = 1000): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
    enableOfflineQueue: false,
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

/** Runs a MULTI (or pipeline) and throws the first command error, which `exec` only reports. */
export async function execOrThrow(multi: RedisMulti): Promise<unknown[]> {
  const rows = (await multi.exec()) ?? [];
  for (const [err] of rows) if (err) throw err;
  return rows.map(([, value]) => value);
}

/**
 * Subscribes `client` to `channel` once it is ready. ioredis writes a
 * SUBSCRIBE as soon as the socket connects, before its ready check: a
 * SUBSCRIBE answered before the check's INFO (the check retries while Redis
 * loads, or on a slow start) puts the connection in subscriber mode, the INFO
 * is refused, and every queued command fails with it.
 */
export async function subscribeWhenReady(client: RedisClient, channel: string): Promise<void> {
  if (client.status !== "ready") {
    await new Promise<void>((resolve, reject) => {
      const onReady = () => {
        client.off("end", onEnd);
        resolve();
      };
      const onEnd = () => {
        client.off("ready", onReady);
        reject(new Error("redis connection closed before it was ready"));
      };
      client.once("ready", onReady);
      client.once("end", onEnd);
    });
  }
  await client.subscribe(channel);
}
