/**
 * Redis connections. BullMQ workers need `maxRetriesPerRequest: null` (they
 * block on Redis); everything else uses the same settings so a short Redis
 * blip is retried instead of failing requests.
 */
import { Redis, type RedisOptions } from "ioredis";

/** Options of `createRedis`. */
export type RedisConnectionOptions = {
  url: string;
  /** Name shown by `CLIENT LIST`, for operators. */
  name?: string;
  /** Fail fast instead of queueing commands while disconnected (readiness probes). */
  lazyConnect?: boolean;
};

/** A new ioredis connection to `url` suitable for BullMQ and the job store. */
export function createRedis(options: RedisConnectionOptions): Redis {
  const extra: RedisOptions = {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    ...(options.name ? { connectionName: options.name } : {}),
    ...(options.lazyConnect ? { lazyConnect: true } : {}),
  };
  return new Redis(options.url, extra);
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
export async function execOrThrow(multi: ReturnType<Redis["multi"]>): Promise<unknown[]> {
  const rows = (await multi.exec()) ?? [];
  for (const [err] of rows) if (err) throw err;
  return rows.map(([, value]) => value);
}
