/**
 * The callback verifier the API uses: per provider, the keys or secret (fetched
 * from the provider and cached) and the check of one callback. A callback that
 * fails with the cached keys is checked once more after a refresh, so a key
 * rotation at the provider does not lose callbacks.
 */
import type { KeyObject } from "node:crypto";
import { verifyBflCallback } from "./bfl";
import { createCachedSource } from "./cached-source";
import { CallbackRejectedError } from "./callback-rejected-error";
import { falKeys, type Jwk, verifyFalCallback } from "./fal";
import type { IncomingHeaders, VerifiedCallback } from "./headers";
import { verifyReplicateCallback } from "./replicate";

/** The providers that call back. */
export const CALLBACK_PROVIDERS = ["fal", "replicate", "bfl"] as const;
export type CallbackProvider = (typeof CALLBACK_PROVIDERS)[number];

/** Options of `createCallbackVerifier`: what each enabled provider needs. */
export type CallbackVerifierOptions = {
  fetch: typeof fetch;
  /** fal's JWKS URL (FAL_JWKS_URL); fal callbacks are refused without it. */
  falJwksUrl?: string | undefined;
  /** Replicate's API base and token, to read the account's webhook secret. */
  replicate?: { baseUrl: string; apiKey: string } | undefined;
  /** The secret BFL echoes back (ours, sent as `webhook_secret`). */
  bflSecret?: string | undefined;
  now?: () => number;
};

const DAY_MS = 86_400_000;

async function getJson(fetcher: typeof fetch, url: string, headers: Record<string, string> = {}) {
  const res = await fetcher(url, { headers, signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return res.json() as Promise<unknown>;
}

/** Creates the verifier. */
export function createCallbackVerifier(options: CallbackVerifierOptions) {
  const now = options.now ?? Date.now;
  const { falJwksUrl, replicate } = options;
  const fal = falJwksUrl
    ? createCachedSource<KeyObject[]>({
        load: async () => falKeys((await getJson(options.fetch, falJwksUrl)) as { keys?: Jwk[] }),
        ttlMs: DAY_MS,
        minRefreshMs: 60_000,
        now,
      })
    : undefined;
  const replicateSecret = replicate
    ? createCachedSource<string>({
        load: async () => {
          const body = (await getJson(
            options.fetch,
            `${replicate.baseUrl.replace(/\/+$/, "")}/v1/webhooks/default/secret`,
            { authorization: `Bearer ${replicate.apiKey}` },
          )) as { key?: unknown };
          if (typeof body.key !== "string") throw new Error("no webhook secret in the reply");
          return body.key;
        },
        ttlMs: DAY_MS,
        minRefreshMs: 60_000,
        now,
      })
    : undefined;

  /** Runs `check` with the cached value; once more with a fresh one if it fails. */
  async function withRefresh<T>(
    source: ReturnType<typeof createCachedSource<T>>,
    check: (value: T) => VerifiedCallback,
  ): Promise<VerifiedCallback> {
    try {
      return check(await source.get());
    } catch (err) {
      if (!(err instanceof CallbackRejectedError) || !(await source.refresh())) throw err;
      return check(await source.get());
    }
  }

  return {
    /** True when callbacks of `provider` can be verified here. */
    supports(provider: string): provider is CallbackProvider {
      if (provider === "fal") return fal !== undefined;
      if (provider === "replicate") return replicateSecret !== undefined;
      if (provider === "bfl") return options.bflSecret !== undefined;
      return false;
    },
    /** Verifies one callback; throws CallbackRejectedError when it cannot be trusted. */
    async verify(
      provider: CallbackProvider,
      headers: IncomingHeaders,
      body: Buffer,
    ): Promise<VerifiedCallback> {
      switch (provider) {
        case "fal":
          if (!fal) break;
          return withRefresh(fal, (keys) =>
            verifyFalCallback({ headers, body, keys, nowS: Math.floor(now() / 1000) }),
          );
        case "replicate":
          if (!replicateSecret) break;
          return withRefresh(replicateSecret, (secret) =>
            verifyReplicateCallback({ headers, body, secret }),
          );
        case "bfl":
          if (!options.bflSecret) break;
          return verifyBflCallback({ headers, body, secret: options.bflSecret });
      }
      throw new CallbackRejectedError(provider, "callbacks of this provider are not enabled");
    },
  };
}

export type CallbackVerifier = ReturnType<typeof createCallbackVerifier>;
