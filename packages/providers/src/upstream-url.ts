/**
 * Checks URLs an upstream hands back (BFL's `polling_url`, fal's
 * `status_url`…) before we send our credentials to them: only the configured
 * base host or the provider's own domains. The same guard LiteLLM uses
 * against a reply that points us (and our key) somewhere else.
 */
import type { ProviderId } from "@imagegate/params";
import { ProviderError } from "./errors";

/** True when `url` is on `baseUrl`'s host or a subdomain of one of `domains`. */
export function isTrustedUpstreamUrl(
  url: string,
  baseUrl: string,
  domains: readonly string[],
): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return false;
  if (parsed.hostname === new URL(baseUrl).hostname) return true;
  return (
    parsed.protocol === "https:" &&
    domains.some((d) => parsed.hostname === d || parsed.hostname.endsWith(`.${d}`))
  );
}

/** Throws a permanent ProviderError unless `url` is trusted. */
export function assertTrustedUpstreamUrl(
  provider: ProviderId,
  url: string,
  baseUrl: string,
  domains: readonly string[],
): string {
  if (!isTrustedUpstreamUrl(url, baseUrl, domains)) {
    throw new ProviderError(
      provider,
      "permanent",
      `refusing to follow an untrusted upstream URL: ${url}`,
    );
  }
  return url;
}
