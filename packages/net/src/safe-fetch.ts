/**
 * Calls user-supplied URLs (edit inputs, webhooks) without opening a door
 * into the network the gateway runs in: http(s) only; every address the name
 * resolves to must be public, checked inside the socket's own DNS lookup so a
 * name cannot change between check and connect (DNS rebinding); redirects are
 * followed by hand and each hop is checked again (or refused); the body is
 * capped while it streams and the whole call has a deadline.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { isPublicAddress } from "./address";
import { ResponseTooLargeError, UnsafeUrlError } from "./errors";
import { timeoutSignal } from "./timeout-signal";

/** Options of `safeFetch`. */
export type SafeFetchOptions = {
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Allow private, loopback and link-local targets (tests, trusted networks). @defaultValue false */
  allowPrivate?: boolean;
  /** Exact addresses allowed even though private (a trusted internal host). @defaultValue none */
  allowAddresses?: readonly string[];
  /** Host names the call (and each redirect) may go to; others are refused. @defaultValue any */
  allowHost?: (host: string) => boolean;
  /** Redirects to follow; 0 refuses any. @defaultValue 3 */
  maxRedirects?: number;
  /** Largest body read. @defaultValue 50 MiB */
  maxBytes?: number;
  /** Deadline of the whole call, redirects included. @defaultValue 15 000 ms */
  timeoutMs?: number;
  signal?: AbortSignal;
};

/** A completed call. */
export type SafeResponse = {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  url: string;
};

/** Parses and checks the scheme of a URL; throws UnsafeUrlError. */
export function parseHttpUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError("not a valid URL", raw);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UnsafeUrlError(`only http and https URLs are allowed (got ${url.protocol})`, raw);
  }
  if (url.username || url.password)
    throw new UnsafeUrlError("URLs with credentials are not allowed", raw);
  return url;
}

/** Which hosts and addresses a call may reach. */
type AddressPolicy = {
  allowPrivate?: boolean | undefined;
  allowAddresses?: readonly string[] | undefined;
  allowHost?: ((host: string) => boolean) | undefined;
};

function allowed(address: string, policy: AddressPolicy): boolean {
  return isPublicAddress(address) || (policy.allowAddresses ?? []).includes(address);
}

/** Resolves a host and refuses it unless every address is public (or private ones are allowed). */
export async function checkUrl(raw: string, policy: AddressPolicy = {}): Promise<URL> {
  const url = parseHttpUrl(raw);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (policy.allowHost && !policy.allowHost(host)) {
    throw new UnsafeUrlError(`${host} is not an allowed host`, raw);
  }
  if (policy.allowPrivate) return url;
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
    dnsLookup(host, { all: true }, (err, list) => (err ? reject(err) : resolve(list))),
  ).catch(() => {
    throw new UnsafeUrlError(`cannot resolve ${host}`, raw);
  });
  const bad = addresses.find((a) => !allowed(a.address, policy));
  if (bad || addresses.length === 0) {
    throw new UnsafeUrlError(
      `${host} resolves to a private or reserved address (${bad?.address ?? "none"})`,
      raw,
    );
  }
  return url;
}

/** A DNS lookup for sockets that fails on any non-public address. */
function guardedLookup(raw: string, policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, "", 0);
      const list = addresses as LookupAddress[];
      const bad = list.find((a) => !allowed(a.address, policy));
      if (bad || list.length === 0) {
        return callback(
          new UnsafeUrlError(`${hostname} resolves to a private or reserved address`, raw),
          "",
          0,
        );
      }
      if (options.all) return callback(null, list as unknown as string, 0);
      const first = list[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

function once(url: URL, options: SafeFetchOptions, signal: AbortSignal): Promise<SafeResponse> {
  const maxBytes = options.maxBytes ?? 50 * 1024 * 1024;
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? "GET",
        headers: { "user-agent": "imagegate", ...options.headers },
        signal,
        ...(options.allowPrivate ? {} : { lookup: guardedLookup(url.href, options) }),
      },
      (res) => {
        const declared = Number(res.headers["content-length"] ?? "0");
        if (declared > maxBytes) {
          res.destroy();
          return reject(new ResponseTooLargeError(maxBytes));
        }
        const chunks: Buffer[] = [];
        let total = 0;
        res.on("data", (chunk: Buffer) => {
          total += chunk.length;
          if (total > maxBytes) {
            res.destroy();
            reject(new ResponseTooLargeError(maxBytes));
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            url: url.href,
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** Fetches `raw` safely; throws UnsafeUrlError, ResponseTooLargeError, or the network error. */
export async function safeFetch(
  raw: string,
  options: SafeFetchOptions = {},
): Promise<SafeResponse> {
  // The body is read by then: the timeout ends with the call (see timeout-signal.ts).
  const timeout = timeoutSignal(options.timeoutMs ?? 15_000);
  const signal = options.signal
    ? AbortSignal.any([options.signal, timeout.signal])
    : timeout.signal;
  try {
    let url = await checkUrl(raw, options);
    const maxRedirects = options.maxRedirects ?? 3;
    for (let hop = 0; ; hop++) {
      const res = await once(url, options, signal);
      const location = res.headers.location;
      if (res.status < 300 || res.status >= 400 || !location) return res;
      if (hop >= maxRedirects) {
        if (maxRedirects === 0) return res;
        throw new UnsafeUrlError(`more than ${maxRedirects} redirects`, raw);
      }
      url = await checkUrl(new URL(location, url).href, options);
    }
  } finally {
    timeout.clear();
  }
}
