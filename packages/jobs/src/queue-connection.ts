/**
 * What every BullMQ Queue and Worker of the gateway is built on: the shared
 * connection, the key prefix (hash-tagged per queue on a Redis Cluster, see
 * `keys.ts`) and, when tracing is on, BullMQ's OpenTelemetry hook, which
 * carries the trace context inside each job from producer to worker.
 */
import type { Telemetry } from "bullmq";
import { isCluster, queuePrefix } from "./keys";
import type { RedisClient } from "./redis";

/** The connection settings of queues and workers. */
export type QueueConnection = {
  connection: RedisClient;
  /** QUEUE_PREFIX as configured. */
  prefix: string;
  /** BullMQ telemetry (bullmq-otel) when tracing is on. */
  telemetry?: Telemetry | undefined;
};

/** The BullMQ options of queue `name`: connection, its prefix, telemetry. */
export function bullmqOptions(settings: QueueConnection, name: string) {
  return {
    connection: settings.connection,
    prefix: queuePrefix(settings.prefix, name, isCluster(settings.connection)),
    ...(settings.telemetry ? { telemetry: settings.telemetry } : {}),
  };
}
