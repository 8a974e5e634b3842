/**
 * Hosts each provider delivers result images from
 * (docs/providers.md#result-downloads): a result URL in an upstream's reply is
 * fetched only when its host is one of these (or a subdomain of one), or the
 * provider's configured base URL host, and it then goes through the same
 * address checks as user URLs. Defaults from the providers' docs: BFL signs
 * `result.sample` links on its delivery hosts (`delivery-*.bfl.ai`, an Azure
 * blob account), fal serves files from `*.fal.media`, Replicate from
 * `replicate.delivery`, OpenAI from its Azure blob account. `"*"` allows any
 * (public) host, for OpenAI-compatible upstreams whose CDN is not known in
 * advance.
 */
import type { ProviderId } from "@imagegate/params";
import { z } from "zod";

/** A host name, or `*`. */
export const DeliveryHostSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(\*|[a-z0-9-]+(\.[a-z0-9-]+)*)$/, "expected a host name (example.com) or *");

/** Built-in delivery hosts per provider. */
export const DEFAULT_DELIVERY_HOSTS: Record<ProviderId, readonly string[]> = {
  bfl: ["bfl.ai", "bfl.ml", "bfldeliveryprod.blob.core.windows.net"],
  fal: ["fal.media", "fal.run", "fal.ai", "falrun.com"],
  replicate: ["replicate.delivery", "replicate.com"],
  openai: ["oaidalleapiprodscus.blob.core.windows.net", "openai.com"],
  local: [],
};

/** True when `host` is one of `allowed`, a subdomain of one, or `allowed` has `*`. */
export function isDeliveryHost(host: string, allowed: readonly string[]): boolean {
  const name = host.toLowerCase().replace(/\.$/, "");
  return allowed.some((entry) => entry === "*" || name === entry || name.endsWith(`.${entry}`));
}
