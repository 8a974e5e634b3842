/**
 * The provider registry: every enabled adapter by id. A provider is enabled
 * when its credential is set; `local` always is (DESIGN §3).
 */
import type { ProviderId } from "@imagegate/params";
import { createLocalProvider } from "./local/index";
import type { ImageProvider } from "./types";

/** Credentials and endpoints of the upstream providers. */
export type RegistryOptions = {
  local?: { renderDelayMs?: number };
};

/** The enabled providers by id. */
export function createProviderRegistry(
  options: RegistryOptions = {},
): Map<ProviderId, ImageProvider> {
  const registry = new Map<ProviderId, ImageProvider>();
  registry.set("local", createLocalProvider(options.local ?? {}));
  return registry;
}
