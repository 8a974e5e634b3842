/**
 * JSON bodies: `application/json` only (415 otherwise), malformed JSON is a
 * 400 `invalid_json` through the error handler, never a 500.
 */
import { GatewayError } from "@imagegate/params";
import express, { type RequestHandler } from "express";

/**
 * `application/json`, in any case, with or without parameters: what
 * `req.is("application/json")` accepts, without its parse on every request.
 */
export const JSON_TYPE = /^\s*application\/json\s*(?:;|$)/i;

/** Parses a JSON body up to `limit`; refuses other media types. */
export function jsonBody(limit = "1mb"): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    if (!JSON_TYPE.test(req.headers["content-type"] ?? "")) {
      throw new GatewayError(
        "unsupported_media_type",
        `Content-Type must be application/json (got '${req.get("content-type") ?? "none"}').`,
      );
    }
    next();
  };
  // The type is checked above already: the parser need not check it again.
  return [requireJson, express.json({ limit, strict: false, type: () => true })];
}
