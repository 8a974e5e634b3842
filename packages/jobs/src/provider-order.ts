/**
 * Which providers serve a model, in failover order — a job's provider order
 * (docs/providers.md#limits-and-defaults): the model's entry in PROVIDERS_FILE
 * `routes` when given, else the catalog's order; only enabled providers count.
 * `local` serves every model when no other provider is enabled, and otherwise
 * only where PROVIDERS_FILE names it for the model.
 */
import type { ModelEntry, ProviderId } from "@imagegate/params";

/** A configured provider order per model id (PROVIDERS_FILE `routes`). */
export type ProviderOrders = Record<string, ProviderId[]>;

/** The providers to try for `model`, in order; never empty. */
export function providerOrderFor(
  model: ModelEntry,
  enabled: ReadonlySet<ProviderId>,
  configured: ProviderOrders,
): ProviderId[] {
  const serves = new Set(model.routes.map((r) => r.provider));
  const explicit = configured[model.id];
  if (explicit) {
    const order = explicit.filter((p) => enabled.has(p) && serves.has(p));
    if (order.length > 0) return order;
  }
  const real = model.routes.map((r) => r.provider).filter((p) => p !== "local" && enabled.has(p));
  return real.length > 0 ? real : ["local"];
}
