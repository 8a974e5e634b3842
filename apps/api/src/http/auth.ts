/**
 * Bearer-key auth (API_KEYS, docs/architecture.md#tenants): a static key from
 * API_KEYS (no limits), or a managed key looked up in Redis on every
 * request, so a disabled or deleted key is refused at once on every
 * replica. Static keys are compared as SHA-256 digests in constant time, so
 * neither their content nor their length leaks. With no static key and no
 * managed key, auth is off and every caller is `anonymous`; once a managed
 * key exists, a caller must present one.
 */

import { type KeysStore, keyDigest, NO_LIMITS, ownerOf } from "@imagegate/jobs";
import { GatewayError } from "@imagegate/params";
import type { RequestHandler } from "express";
import { ANONYMOUS, type Caller } from "./caller";
import { bearerToken, sameDigest } from "./credentials";

const missing = () =>
  new GatewayError(
    "invalid_api_key",
    "You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.",
  );

/** Options of `auth`. */
export type AuthOptions = { staticKeys: readonly string[]; keys: KeysStore };

/** Checks `Authorization: Bearer <key>` and sets `res.locals.caller` and `res.locals.owner`. */
export function auth(options: AuthOptions): RequestHandler {
  // Digests and owner ids of the static keys, computed once rather than per request.
  const statics = options.staticKeys.map((k) => ({ digest: keyDigest(k), owner: ownerOf(k) }));

  async function identify(key: string | undefined): Promise<Caller | null> {
    if (key === undefined) return null;
    const digest = keyDigest(key);
    let found: string | undefined;
    // Every static key is compared, so the time does not tell which one matched.
    for (const s of statics) if (sameDigest(s.digest, digest)) found = s.owner;
    if (found) return { owner: found, source: "static", limits: NO_LIMITS };
    const record = await options.keys.authenticate(key);
    return record ? { owner: record.id, source: "managed", limits: record.limits } : null;
  }

  return async (req, res, next) => {
    const key = bearerToken(req.get("authorization"));
    let caller = await identify(key);
    if (!caller) {
      if (statics.length > 0 || (await options.keys.any())) {
        throw key === undefined
          ? missing()
          : new GatewayError("invalid_api_key", "Incorrect API key provided.");
      }
      caller = ANONYMOUS;
    }
    res.locals.caller = caller;
    res.locals.owner = caller.owner;
    next();
  };
}
