/**
 * JSON bodies: `application/json` only (415 otherwise), malformed JSON is a
 * 400 `invalid_json` through the error handler, never a 500.
 *
 * A body as the SDKs send it (its length given and within the cap, not
 * compressed, UTF-8) is read and parsed here in one pass; any other goes to
 * body-parser, which inflates, decodes other charsets and refuses the rest.
 * body-parser spends ~7 µs a request on what such a body does not need
 * (charset and encoding checks through its helpers, raw-body's stream
 * handling, iconv): ~6 % of an async submit's CPU
 * (docs/decisions/0015-lean-hot-path.md).
 */
import type { IncomingHttpHeaders } from "node:http";
import { GatewayError } from "@imagegate/params";
import express, { type RequestHandler } from "express";

/**
 * `application/json`, in any case, with or without parameters: what
 * `req.is("application/json")` accepts, without its parse on every request.
 */
export const JSON_TYPE = /^\s*application\/json\s*(?:;|$)/i;

/** A `charset` parameter: its value, quoted or not. */
const CHARSET = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i;

/** The cap of a JSON body unless a route sets another. */
const DEFAULT_JSON_LIMIT_BYTES = 1024 * 1024;

/** What the error handler answers for a body that is not JSON (body-parser's `entity.parse.failed` too). */
export function invalidJson(): GatewayError {
  return new GatewayError(
    "invalid_json",
    "We could not parse the JSON body of your request.",
    null,
  );
}

/**
 * True when a body with these headers can be read directly: a
 * `Content-Length` from 1 to `limitBytes`, no `Content-Encoding`, and no
 * charset but UTF-8 (body-parser's default, and what it would decode to).
 * Anything else (chunked, empty, over the cap, compressed, another charset)
 * is body-parser's, so its answers are unchanged.
 */
export function readsDirectly(headers: IncomingHttpHeaders, limitBytes: number): boolean {
  const length = Number(headers["content-length"]);
  if (!(length >= 1 && length <= limitBytes) || headers["content-encoding"] !== undefined) {
    return false;
  }
  const charset = CHARSET.exec(headers["content-type"] ?? "");
  return !charset || (charset[1] ?? charset[2] ?? "").toLowerCase() === "utf-8";
}

/** The text of a UTF-8 body without its byte-order mark, as body-parser's decoder reads it. */
function utf8Text(chunks: Buffer[]): string {
  const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  const text = body.toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Sets `req.body` from a JSON body of up to `limitBytes` (any JSON value, as `strict: false`). */
export function readJson(limitBytes: number): RequestHandler {
  // The caller checked the type (jsonBody, the edits route): the parser need not check it again.
  const parser = express.json({ limit: limitBytes, strict: false, type: () => true });
  return (req, res, next) => {
    if (!readsDirectly(req.headers, limitBytes)) {
      parser(req, res, next);
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    // A client that leaves mid-body ends no body: nothing is left to answer.
    req.on("end", () => {
      let body: unknown;
      try {
        body = JSON.parse(utf8Text(chunks));
      } catch {
        next(invalidJson());
        return;
      }
      req.body = body;
      next();
    });
  };
}

/** Parses a JSON body up to `limitBytes`; refuses other media types. */
export function jsonBody(limitBytes = DEFAULT_JSON_LIMIT_BYTES): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    if (!JSON_TYPE.test(req.headers["content-type"] ?? "")) {
      throw new GatewayError(
        "unsupported_media_type",
        `Content-Type must be application/json (got '${req.get("content-type") ?? "none"}').`,
      );
    }
    next();
  };
  return [requireJson, readJson(limitBytes)];
}
