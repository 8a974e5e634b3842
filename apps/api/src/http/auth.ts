/**
 * Bearer-key auth (DESIGN §3 API_KEYS). Keys are compared in constant time;
 * the caller's owner id (a hash of the key) scopes everything it can see.
 * With no keys configured auth is off and every caller is `anonymous`.
 */
import { timingSafeEqual } from "node:crypto";
import { ownerOf } from "@imagegate/jobs";
import { GatewayError } from "@imagegate/params";
import type { RequestHandler } from "express";

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks `Authorization: Bearer <key>` and sets `res.locals.owner`. */
export function auth(apiKeys: readonly string[]): RequestHandler {
  // Owner ids of the configured keys, hashed once rather than per request.
  const owners = new Map(apiKeys.map((k) => [k, ownerOf(k)]));
  return (req, res, next) => {
    if (apiKeys.length === 0) {
      res.locals.owner = ownerOf(undefined);
      return next();
    }
    const header = req.get("authorization") ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match) {
      throw new GatewayError(
        "invalid_api_key",
        "You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.",
      );
    }
    const key = (match[1] as string).trim();
    const known = apiKeys.find((k) => same(k, key));
    if (known === undefined) {
      throw new GatewayError("invalid_api_key", "Incorrect API key provided.");
    }
    res.locals.owner = owners.get(known);
    next();
  };
}
