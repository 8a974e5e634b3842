/**
 * Prometheus registries. One per app (or one shared by both roles in the
 * standalone process), never prom-client's global one, so several gateways
 * in one test process never collide.
 */
import { AggregatorRegistry, collectDefaultMetrics, type Metric, Registry } from "prom-client";

/** A registry's metrics as data (what `getMetricsAsJSON` gives): passed between threads. */
export type MetricsSnapshot = Awaited<ReturnType<Registry["getMetricsAsJSON"]>>;

/** A new registry, with Node's process metrics under `imagegate_` unless told otherwise. */
export function createRegistry(options: { processMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (options.processMetrics !== false) {
    collectDefaultMetrics({ register: registry, prefix: "imagegate_" });
  }
  return registry;
}

/**
 * The text exposition of `registry` with `more` (other threads' snapshots)
 * summed in: a series both have is added up, one only one has is kept as is.
 * Every metric is summed (prom-client's cluster defaults would average or
 * drop the process metrics, which only this thread records).
 */
export async function mergedMetrics(registry: Registry, more: MetricsSnapshot[]): Promise<string> {
  if (more.length === 0) return registry.metrics();
  const summed = (snapshot: MetricsSnapshot) =>
    snapshot.map((metric) => ({ ...metric, aggregator: "sum" as const }));
  const merged = AggregatorRegistry.aggregate(
    [await registry.getMetricsAsJSON(), ...more].map(summed),
  );
  return merged.metrics();
}

/** The metric `name` of `registry`, made by `make` the first time (roles sharing a registry share it). */
export function metricOnce<T extends Metric>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}
