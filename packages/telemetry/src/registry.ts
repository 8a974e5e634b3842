/**
 * Prometheus registries. One per app (or one shared by both roles in the
 * standalone process), never prom-client's global one, so several gateways
 * in one test process never collide.
 */
import { collectDefaultMetrics, type Metric, Registry } from "prom-client";

/** A new registry with Node's process metrics under `imagegate_`. */
export function createRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "imagegate_" });
  return registry;
}

/** The metric `name` of `registry`, made by `make` the first time (roles sharing a registry share it). */
export function metricOnce<T extends Metric>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}
