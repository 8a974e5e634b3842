/**
 * JSON bodies: `application/json` only (415 otherwise), malformed JSON is a
 * 400 `invalid_json` through the error handler, never a 500.
 */
import { GatewayError } from "@imagegate/params";
import express, { type RequestHandler } from "express";

/** Parses a JSON body up to `limit`; refuses other media types. */
export function jsonBody(limit = "1mb"): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    if (!req.is("application/json")) {
      throw new GatewayError(
        "unsupported_media_type",
        `Content-Type must be application/json (got '${req.get("content-type") ?? "none"}').`,
      );
    }
    next();
  };
  return [requireJson, express.json({ limit, strict: false })];
}
