/**
 * Prometheus metrics (`GET /metrics`): request counts and latencies by route
 * and status, process metrics, each provider queue's depth and the outbox's
 * (docs/decisions/0020-submit-through-an-outbox.md) read at scrape time, and
 * the job metrics (`@imagegate/telemetry`: final jobs, images,
 * cost, upstream calls, webhooks, batches) — those of jobs this process saw
 * end; in the standalone process the worker role shares this registry.
 * One registry per app, so several apps in one process (tests) never collide.
 */
import type { ImageQueues } from "@imagegate/jobs";
import { type ProviderId, TASK_PROVIDERS } from "@imagegate/params";
import { metricOnce, type Registry } from "@imagegate/telemetry";
import type { RequestHandler } from "express";
import { Gauge, Histogram } from "prom-client";

/** The metrics of one app: its registry and the request-timing middleware. */
export type Metrics = { registry: Registry; timing: RequestHandler };

/** Creates the registry and the request-timing middleware. */
export function createMetrics(options: {
  registry: Registry;
  queues: ImageQueues;
  providers: readonly ProviderId[];
  /** How many new jobs wait in the outbox for their queue entry. */
  outboxJobs: () => Promise<number>;
}): Metrics {
  const { registry } = options;
  const requests = new Histogram({
    name: "imagegate_http_request_duration_seconds",
    help: "HTTP request duration by route and status",
    labelNames: ["method", "route", "status"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  metricOnce(
    registry,
    "imagegate_queue_jobs",
    () =>
      new Gauge({
        name: "imagegate_queue_jobs",
        help: "Jobs in each provider queue, by state, and parked on its task (read at scrape)",
        labelNames: ["provider", "state"],
        registers: [registry],
        async collect() {
          this.reset();
          await Promise.all(
            options.providers.map(async (provider) => {
              const counts = await options.queues
                .get(provider)
                .getJobCounts("wait", "prioritized", "active", "delayed", "failed");
              for (const [state, value] of Object.entries(counts))
                this.set({ provider, state }, value);
              // Waiting on their upstream task off the workers (docs/decisions/0017-parked-waits.md).
              if (!TASK_PROVIDERS.has(provider)) return;
              const parked = await options.queues
                .parked(provider)
                .getJobCounts("wait", "active", "delayed");
              this.set(
                { provider, state: "parked" },
                Object.values(parked).reduce((a, b) => a + b, 0),
              );
            }),
          );
        },
      }),
  );

  metricOnce(
    registry,
    "imagegate_outbox_jobs",
    () =>
      new Gauge({
        name: "imagegate_outbox_jobs",
        help: "New jobs whose queue entry the workers' relay has not added yet (read at scrape)",
        registers: [registry],
        async collect() {
          this.set(await options.outboxJobs());
        },
      }),
  );

  const timing: RequestHandler = (req, res, next) => {
    const end = requests.startTimer();
    res.on("finish", () => {
      // The matched route pattern, never the path: ids, and paths anyone may send
      // (refused before any route matched, e.g. by auth), must not grow the label set.
      const pattern = req.route?.path as string | undefined;
      const route = pattern === undefined ? "unmatched" : `${req.baseUrl}${pattern}`;
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
  return { registry, timing };
}
