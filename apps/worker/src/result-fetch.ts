/**
 * Downloading result images (docs/providers.md#result-downloads): the URL comes
 * from an upstream's reply, so it is not trusted. It must be on the
 * provider's configured base URL host (what the operator chose: a proxy, a
 * test fake) or on one of the provider's delivery hosts (PROVIDERS_FILE
 * `deliveryHosts`, defaults from their docs); anything but the base host is
 * then fetched through the same address guard as user URLs — public
 * addresses only unless ALLOW_PRIVATE_URLS, checked at connect time and on
 * every redirect — so a reply cannot point the worker into its own network.
 */
import { isDeliveryHost } from "@imagegate/jobs";
import { ResponseTooLargeError, safeFetch, UnsafeUrlError } from "@imagegate/net";
import type { ProviderId } from "@imagegate/params";
import { MAX_DOWNLOAD_BYTES, ProviderError } from "@imagegate/providers";

/** Fetches a result URL of `provider`'s reply. */
export type ResultFetch = (
  provider: ProviderId,
  url: string,
  init: { signal: AbortSignal },
) => Promise<Response>;

/** Options of `createResultFetch`. */
export type ResultFetchOptions = {
  deliveryHosts: Record<ProviderId, readonly string[]>;
  /** Each provider's configured base URL; its host is trusted as configured. */
  baseUrls: Partial<Record<ProviderId, string>>;
  allowPrivateUrls: boolean;
  /** For the base host (tests inject theirs). */
  fetch: typeof fetch;
  /** Largest download. @defaultValue MAX_DOWNLOAD_BYTES */
  maxBytes?: number;
};

/** Statuses whose responses carry no body (the Response constructor refuses one). */
const NO_BODY = new Set([101, 204, 205, 304]);

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}

/** Creates the guarded result fetcher. */
export function createResultFetch(options: ResultFetchOptions): ResultFetch {
  const maxBytes = options.maxBytes ?? MAX_DOWNLOAD_BYTES;
  return async (provider, url, init) => {
    const host = hostOf(url);
    const base = options.baseUrls[provider];
    if (host !== null && base && host === hostOf(base)) return options.fetch(url, init);
    const hosts = options.deliveryHosts[provider];
    try {
      const res = await safeFetch(url, {
        allowPrivate: options.allowPrivateUrls,
        allowHost: (h) => isDeliveryHost(h, hosts),
        maxBytes,
        // The caller's signal bounds the download; this only stops a runaway one.
        timeoutMs: 600_000,
        signal: init.signal,
      });
      const headers = new Headers();
      for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
      }
      return new Response(NO_BODY.has(res.status) ? null : res.body, {
        status: res.status,
        headers,
      });
    } catch (err) {
      if (err instanceof UnsafeUrlError) {
        throw new ProviderError(
          provider,
          "permanent",
          `refusing to download the result from ${url}: ${err.message} (allowed: ${hosts.join(", ") || "none"}; PROVIDERS_FILE providers.${provider}.deliveryHosts)`,
        );
      }
      if (err instanceof ResponseTooLargeError) {
        throw new ProviderError(provider, "permanent", `result image over ${maxBytes} bytes`);
      }
      throw err;
    }
  };
}
