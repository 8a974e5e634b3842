/**
 * Prometheus metrics (`GET /metrics`): request counts and latencies by route
 * and status, process metrics, and each provider queue's depth read at
 * scrape time. One registry per app, so several apps in one process (tests,
 * standalone) never collide.
 */
import type { ImageQueues } from "@imagegate/jobs";
import type { ProviderId } from "@imagegate/params";
import type { RequestHandler } from "express";
import { collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** The metrics of one app: its registry and the request-timing middleware. */
export type Metrics = { registry: Registry; timing: RequestHandler };

/** Creates the registry and the request-timing middleware. */
export function createMetrics(options: {
  queues: ImageQueues;
  providers: readonly ProviderId[];
}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "imagegate_" });
  const requests = new Histogram({
    name: "imagegate_http_request_duration_seconds",
    help: "HTTP request duration by route and status",
    labelNames: ["method", "route", "status"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  new Gauge({
    name: "imagegate_queue_jobs",
    help: "Jobs in each provider queue, by state (read at scrape)",
    labelNames: ["provider", "state"],
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        options.providers.map(async (provider) => {
          const counts = await options.queues
            .get(provider)
            .getJobCounts("wait", "prioritized", "active", "delayed", "failed");
          for (const [state, value] of Object.entries(counts)) this.set({ provider, state }, value);
        }),
      );
    },
  });

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
