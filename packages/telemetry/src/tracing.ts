/**
 * OpenTelemetry tracing: off by default, on when the standard OTEL_*
 * variables name an exporter or an OTLP endpoint (decided in the config;
 * the SDK reads the variables themselves). One trace follows a request from
 * the HTTP server (http + express instrumentation) through Redis (ioredis)
 * and the queue — BullMQ's own telemetry hook (bullmq-otel) puts the trace
 * context in each job — to the worker's run, each upstream HTTP call
 * (undici, Node's fetch), post-processing and storage (aws-sdk for S3).
 *
 * Instrumentation patches modules as they load, so `startTracing` must run
 * before express, ioredis or bullmq are loaded: the apps' entry files call
 * it first and load the rest afterwards.
 */
import type { Telemetry } from "bullmq";

/** Options of `startTracing`. */
export type TracingOptions = {
  enabled: boolean;
  /** `service.name`: OTEL_SERVICE_NAME, else the role's name. */
  serviceName: string;
};

/** A running tracer: flush and stop it on shutdown. */
export type Tracing = { shutdown(): Promise<void> };

/** Starts the OpenTelemetry SDK with the gateway's instrumentations; null when tracing is off. */
export async function startTracing(options: TracingOptions): Promise<Tracing | null> {
  if (!options.enabled) return null;
  // Loaded only when tracing is on: the SDK is large and the gateway starts faster without it.
  const { NodeSDK } = await import("@opentelemetry/sdk-node");
  const { HttpInstrumentation } = await import("@opentelemetry/instrumentation-http");
  const { ExpressInstrumentation, ExpressLayerType } = await import(
    "@opentelemetry/instrumentation-express"
  );
  const { IORedisInstrumentation } = await import("@opentelemetry/instrumentation-ioredis");
  const { UndiciInstrumentation } = await import("@opentelemetry/instrumentation-undici");
  const { AwsInstrumentation } = await import("@opentelemetry/instrumentation-aws-sdk");
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    instrumentations: [
      new HttpInstrumentation({
        // Health probes and scrapes would drown the traces that matter.
        ignoreIncomingRequestHook: (req) => /^\/(healthz|readyz|metrics)\b/.test(req.url ?? ""),
      }),
      // Route handlers only: a span per middleware and router layer is noise.
      new ExpressInstrumentation({
        ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER],
      }),
      // BullMQ's blocking polls would be a span every few seconds per worker.
      new IORedisInstrumentation({ requireParentSpan: true }),
      new UndiciInstrumentation(),
      new AwsInstrumentation(),
    ],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}

/** BullMQ's telemetry hook when tracing is on (the trace context travels in each job). */
export async function queueTelemetry(enabled: boolean): Promise<Telemetry | undefined> {
  if (!enabled) return undefined;
  const { BullMQOtel } = await import("bullmq-otel");
  return new BullMQOtel("imagegate") as unknown as Telemetry;
}
