/**
 * Which providers serve a model, in failover order
 * (docs/providers.md#limits-and-defaults): the PROVIDERS_FILE route when given,
 * else the catalog's order; only enabled providers count. `local` serves every
 * model when no other provider is enabled, and otherwise only where a route
 * names it.
 */
import type { ModelEntry, ProviderId } from "@imagegate/params";

/** The providers to try for `model`, in order; never empty. */
export function routeFor(
  model: ModelEntry,
  enabled: ReadonlySet<ProviderId>,
  configured: Record<string, ProviderId[]>,
): ProviderId[] {
  const serves = new Set(model.routes.map((r) => r.provider));
  const explicit = configured[model.id];
  if (explicit) {
    const route = explicit.filter((p) => enabled.has(p) && serves.has(p));
    if (route.length > 0) return route;
  }
  const real = model.routes.map((r) => r.provider).filter((p) => p !== "local" && enabled.has(p));
  return real.length > 0 ? real : ["local"];
}
