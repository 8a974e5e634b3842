/**
 * The provider registry: every enabled adapter by id. A provider is enabled
 * when its credential is set; `local` always is (docs/providers.md#at-a-glance).
 */
import type { ProviderId } from "@imagegate/params";
import { createBflProvider } from "./bfl/index";
import { createFalProvider } from "./fal/index";
import { createLocalProvider } from "./local/index";
import { createOpenAIProvider } from "./openai/index";
import { createReplicateProvider } from "./replicate/index";
import type { ImageProvider } from "./types";

/** An upstream's credential (undefined = disabled) and endpoint. */
export type ProviderEndpoint = { apiKey: string | undefined; baseUrl: string };

/** Credentials and endpoints of the upstream providers. */
export type RegistryOptions = {
  bfl?: ProviderEndpoint;
  fal?: ProviderEndpoint;
  replicate?: ProviderEndpoint;
  openai?: ProviderEndpoint;
  local?: { renderDelayMs?: number };
};

const FACTORIES = {
  bfl: createBflProvider,
  fal: createFalProvider,
  replicate: createReplicateProvider,
  openai: createOpenAIProvider,
} as const;

/** The enabled providers by id. */
export function createProviderRegistry(
  options: RegistryOptions = {},
): Map<ProviderId, ImageProvider> {
  const registry = new Map<ProviderId, ImageProvider>();
  for (const id of Object.keys(FACTORIES) as (keyof typeof FACTORIES)[]) {
    const endpoint = options[id];
    if (endpoint?.apiKey)
      registry.set(id, FACTORIES[id]({ apiKey: endpoint.apiKey, baseUrl: endpoint.baseUrl }));
  }
  registry.set("local", createLocalProvider(options.local ?? {}));
  return registry;
}
