/**
 * Who is calling: the owner id every record is scoped to, where the key
 * comes from, and its limits (docs/architecture.md#tenants). Set by `auth`.
 */
import { type KeyLimits, NO_LIMITS, ownerOf } from "@imagegate/jobs";
import type { Response } from "express";

/** The authenticated caller of a request. */
export type Caller = {
  /** Owner id: `key_…` (a hash of the key) or `anonymous`. */
  owner: string;
  source: "static" | "managed" | "anonymous";
  limits: KeyLimits;
};

/** The caller of an unauthenticated gateway (API_KEYS empty, no managed keys). */
export const ANONYMOUS: Caller = {
  owner: ownerOf(undefined),
  source: "anonymous",
  limits: NO_LIMITS,
};

/** The caller `auth` set on this response. */
export function callerOf(res: Response): Caller {
  return res.locals.caller as Caller;
}
